// Segment's own libraries, unchanged, against the real API server (real router on a Temporal dev
// server, real PostgreSQL): @segment/analytics-node with only `host` and a write key, and
// analytics.js (@segment/analytics-next's browser bundle) in Chromium with only `cdnURL` and a
// write key, served from a page on another origin. Both authenticate with HTTP Basic.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Analytics } from '@segment/analytics-node';
import { Client } from 'pg';
import type { Browser } from 'playwright-core';
import { createApiServer } from '../../api';
import { createRouter } from '../../routing';
import { launchChromium } from '../support/browser';
import { pageServer } from '../support/page-server';
import { createTestStore, type TestStore } from '../support/db';
import { startTestTemporal, type TestTemporal } from '../support/temporal';
import { snapshotOf, sendStep } from '../routing/fixtures';
import { API_KEY, listen, type Api } from './http';

const journeys = [snapshotOf({ id: 'thanks', name: 'Thanks', trigger: { event: 'order.completed' }, entry: { key: 'properties.order_id', reentry: 'once' }, steps: [sendStep('thanks')] })];
const BUNDLE = resolve(__dirname, '../../node_modules/@segment/analytics-next/dist/umd/index.js');

describe('Segment libraries against Touchpoint', () => {
  let temporal: TestTemporal;
  let db: TestStore;
  let api: Api;
  let pg: Client;

  beforeAll(async () => {
    db = await createTestStore('postgres');
    temporal = await startTestTemporal();
    const router = createRouter({ client: temporal.client, store: db.store, journeys, taskQueue: 'segment-test' });
    api = await listen(createApiServer({ store: db.store, router, apiKeys: [{ key: API_KEY, name: 'shop', role: 'ingest' }], health: async () => ({}) }));
    pg = new Client({ connectionString: db.databaseUrl });
    await pg.connect();
  });
  afterAll(async () => {
    await pg?.end();
    await api?.close();
    await temporal?.stop();
    await db?.dispose();
  });

  const eventsOf = async (customerId: string) =>
    (await pg.query('select type, event, properties, traits from events where customer_id = $1 order by received_at, message_id', [customerId])).rows;

  it('@segment/analytics-node configured with host and write key: identify and track arrive in the store', async () => {
    const analytics = new Analytics({ writeKey: API_KEY, host: api.url, flushAt: 2, maxRetries: 0 });
    const errors: unknown[] = [];
    analytics.on('error', (error) => errors.push(error));
    analytics.identify({ userId: 'node-ada', traits: { email: 'ada@example.com', plan: 'pro' } });
    analytics.track({ userId: 'node-ada', event: 'order.completed', properties: { order_id: 'N-1', total: 42 } });
    await analytics.closeAndFlush({ timeout: 20_000 });

    expect(errors).toEqual([]);
    expect(await eventsOf('node-ada')).toEqual([
      { type: 'identify', event: null, properties: {}, traits: { email: 'ada@example.com', plan: 'pro' } },
      { type: 'track', event: 'order.completed', properties: { order_id: 'N-1', total: 42 }, traits: {} },
    ]);
    expect(await db.store.getContact('node-ada')).toMatchObject({ email: 'ada@example.com' });
    const routed = await pg.query("select routing from events where customer_id = 'node-ada' and type = 'track'");
    expect(routed.rows[0].routing.runs).toEqual([{ journeyId: 'thanks', workflowId: 'journey/thanks/node-ada/N-1', action: 'started' }]);
  });

  it('analytics.js in Chromium, loaded with only cdnURL and write key, fetches its settings and sends identify and track', async () => {
    const bundle = await readFile(BUNDLE, 'utf8');
    const page = pageServer({
      '/': `<!doctype html><title>shop</title><script src="/analytics-next.js"></script>
<script>
  window.done = AnalyticsNext.AnalyticsBrowser.load({ writeKey: ${JSON.stringify(API_KEY)}, cdnURL: ${JSON.stringify(api.url)} })
    .then(async ([analytics]) => {
      const sent = [await analytics.identify('web-ada', { plan: 'team' }), await analytics.track('order.completed', { order_id: 'W-1' })];
      return sent.map((ctx) => ctx.failedDelivery() ? String(ctx.failedDelivery().reason) : 'delivered');
    })
    .catch((error) => 'load failed: ' + error);
</script>`,
      '/analytics-next.js': bundle,
    });
    const pageUrl = await page.listen();
    let browser: Browser | undefined;
    try {
      browser = await launchChromium();
      const tab = await browser.newPage();
      const requested: string[] = [];
      tab.on('request', (request) => requested.push(`${request.method()} ${request.url()}`));
      await tab.goto(pageUrl);
      expect(await tab.evaluate(() => (globalThis as unknown as { done: Promise<string[]> }).done)).toEqual(['delivered', 'delivered']);
      // Only the page and Touchpoint were contacted: settings from cdnURL, events to the apiHost they named.
      expect(requested.filter((line) => !line.includes(pageUrl))).toEqual([
        `GET ${api.url}/v1/projects/${API_KEY}/settings`,
        `POST ${api.url}/v1/i`,
        `POST ${api.url}/v1/t`,
      ]);
    } finally {
      await browser?.close();
      await page.close();
    }
    expect(await eventsOf('web-ada')).toEqual([
      expect.objectContaining({ type: 'identify', traits: { plan: 'team' } }),
      expect.objectContaining({ type: 'track', event: 'order.completed', properties: { order_id: 'W-1' } }),
    ]);
  });

  it('answers the settings of an unknown write key with 404 and preflights with CORS', async () => {
    const settings = await fetch(`${api.url}/v1/projects/not-a-key-at-all-xx/settings`);
    expect(settings.status).toBe(404);
    expect(settings.headers.get('access-control-allow-origin')).toBe('*');
    const preflight = await fetch(`${api.url}/v1/t`, {
      method: 'OPTIONS',
      headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toBe('authorization,content-type');
  });
});
