// A browser key (role `browser`) over real HTTP against the real API server (router on a Temporal
// dev server, PostgreSQL): it sends events, but a userId only with identity verification
// (context.userHash = HMAC-SHA256 of the userId), never an email or phone, and it opens nothing
// else. analytics.js in Chromium passes the hash as its documented options argument.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Client } from 'pg';
import type { Browser } from 'playwright-core';
import { createApiServer } from '../../api';
import { userHash } from '../../api/browser-key';
import { supportRoutes } from '../../api/routes/support';
import type { ApiKey } from '../../api/auth';
import { createRouter } from '../../routing';
import { createSupportService } from '../../support';
import { launchChromium } from '../support/browser';
import { createTestStore, type TestStore } from '../support/db';
import { pageServer } from '../support/page-server';
import { startTestTemporal, type TestTemporal } from '../support/temporal';
import { listen, type Api } from './http';

const BROWSER_KEY = 'pk_browser_key_0123456789abcdef';
const INGEST_KEY = 'ingest-key-0123456789abcdefgh';
const SECRET = 'identity-secret-0123456789abcdef0123456789';
const KEYS: ApiKey[] = [
  { key: BROWSER_KEY, name: 'web', role: 'browser' },
  { key: INGEST_KEY, name: 'orders', role: 'ingest' },
];
const BUNDLE = resolve(__dirname, '../../node_modules/@segment/analytics-next/dist/umd/index.js');

describe('a browser key', () => {
  let temporal: TestTemporal;
  let db: TestStore;
  let api: Api;
  let unverified: Api;
  let pg: Client;

  beforeAll(async () => {
    db = await createTestStore('postgres');
    temporal = await startTestTemporal();
    const router = createRouter({ client: temporal.client, store: db.store, journeys: [], taskQueue: 'browser-key-test' });
    const support = createSupportService({ store: db.store, client: temporal.client, namespace: temporal.namespace, temporalUiUrl: null, taskQueue: 'browser-key-test', journeys: [] });
    const health = async () => ({});
    api = await listen(createApiServer({ store: db.store, router, apiKeys: KEYS, identitySecret: SECRET, health, plugins: [supportRoutes({ service: support, keys: KEYS })] }));
    unverified = await listen(createApiServer({ store: db.store, router, apiKeys: KEYS, health }));
    pg = new Client({ connectionString: db.databaseUrl });
    await pg.connect();
  });
  afterAll(async () => {
    await pg?.end();
    await api?.close();
    await unverified?.close();
    await temporal?.stop();
    await db?.dispose();
  });

  const logged = async (messageId: string) => (await pg.query('select customer_id, traits from events where message_id = $1', [messageId])).rows;
  const basic = (key: string) => ({ authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}` });

  it('sends an identified track and identify when context.userHash is the HMAC of the userId', async () => {
    const context = { userHash: userHash(SECRET, 'bo') };
    const track = await api.call('POST', '/v1/track', { key: BROWSER_KEY, body: { userId: 'bo', event: 'product.viewed', properties: { sku: 'S-1' }, messageId: 'bk-1', context } });
    expect(track).toMatchObject({ status: 200, body: { messageId: 'bk-1', duplicate: false } });
    const identify = await api.call('POST', '/v1/identify', { key: null, headers: basic(BROWSER_KEY), body: { userId: 'bo', traits: { first_name: 'Bo' }, messageId: 'bk-2', context } });
    expect(identify.status).toBe(200);
    expect(await logged('bk-2')).toEqual([{ customer_id: 'bo', traits: { first_name: 'Bo' } }]);
  });

  it.each([
    ['without a hash', {}, 'context.userHash', 'without context.userHash'],
    ['with a wrong hash', { userHash: 'ab'.repeat(32) }, 'context.userHash', 'does not match userId "bo"'],
    ["with another customer's hash", { userHash: userHash(SECRET, 'someone-else') }, 'context.userHash', 'does not match userId "bo"'],
    ['with a hash under another secret', { userHash: userHash(`${SECRET}x`, 'bo') }, 'context.userHash', 'does not match'],
  ])('refuses an identified call %s with 403 and stores nothing', async (_what, context, field, says) => {
    const messageId = `bk-refused-${field}-${JSON.stringify(context).length}-${says.length}`;
    const response = await api.call('POST', '/v1/track', { key: BROWSER_KEY, body: { userId: 'bo', event: 'order.completed', messageId, context } });
    expect(response).toMatchObject({ status: 403, body: { error: { code: 'browser_key_forbidden', message: expect.stringContaining(says) } } });
    expect(response.body.error.message.startsWith(`${field}:`)).toBe(true);
    expect(response.body.error.message).toContain('TOUCHPOINT_IDENTITY_SECRET');
    expect(await logged(messageId)).toEqual([]);
  });

  it.each([
    ['/v1/identify', 'traits.email', { userId: 'bo', traits: { email: 'attacker@example.com' }, messageId: 'bk-e1' }],
    ['/v1/identify', 'traits.Phone', { userId: 'bo', traits: { Phone: '+15550100' }, messageId: 'bk-e2' }],
    ['/v1/track', 'context.traits.phone', { userId: 'bo', event: 'x.y', messageId: 'bk-e3', context: { traits: { phone: '+15550100' } } }],
  ])('never sets an email or phone (%s): 403 naming %s, even with a valid hash', async (path, field, body) => {
    const hash = { userHash: userHash(SECRET, 'bo') };
    const withHash = { ...body, context: { ...(body as { context?: object }).context, ...hash } };
    const response = await api.call('POST', path, { key: BROWSER_KEY, body: withHash });
    expect(response).toMatchObject({ status: 403, body: { error: { code: 'browser_key_forbidden', message: expect.stringMatching(new RegExp(`^${field.replace(/[[\].]/g, '\\$&')}: A browser key may not set`)) } } });
    expect(await pg.query("select 1 from events where message_id like 'bk-e%'")).toMatchObject({ rowCount: 0 });
    expect(await db.store.getContact('bo')).toMatchObject({ email: null, phone: null });
  });

  it('refuses a batch item that sets an email on its own: the other items are stored, the refused one names its field', async () => {
    const context = { userHash: userHash(SECRET, 'bo') };
    const body = { batch: [{ type: 'track', userId: 'bo', event: 'x.y', messageId: 'bk-e4', context }, { type: 'identify', userId: 'bo', traits: { email: 'a@b.c' }, messageId: 'bk-e5', context }] };
    const response = await api.call('POST', '/v1/batch', { key: BROWSER_KEY, body });
    expect(response).toMatchObject({
      status: 200,
      body: {
        results: [
          { messageId: 'bk-e4', duplicate: false },
          { index: 1, messageId: 'bk-e5', refused: true, error: { code: 'browser_key_forbidden', message: expect.stringMatching(/^Refused batch\[1\]\.traits\.email: A browser key may not set/), issues: [expect.objectContaining({ path: ['traits', 'email'] })] } },
        ],
      },
    });
    expect((await pg.query("select message_id from events where message_id in ('bk-e4', 'bk-e5')")).rows).toEqual([{ message_id: 'bk-e4' }]);
    expect(await db.store.getContact('bo')).toMatchObject({ email: null, phone: null });
  });

  it('refuses forged engagement, an alias of another id, and every identified call when verification is off', async () => {
    const context = { userHash: userHash(SECRET, 'bo') };
    const open = await api.call('POST', '/v1/track', { key: BROWSER_KEY, body: { userId: 'bo', event: 'email.opened', properties: { message_key: 'k' }, messageId: 'bk-o', context } });
    expect(open).toMatchObject({ status: 403, body: { error: { message: expect.stringMatching(/^event: "email.opened"/) } } });
    const alias = { type: 'alias', userId: 'bo', previousId: 'known-customer', anonymousId: 'anon-1', messageId: 'bk-a', context };
    const aliased = await api.call('POST', '/v1/batch', { key: BROWSER_KEY, body: { batch: [alias] } });
    expect(aliased).toMatchObject({ status: 200, body: { results: [{ refused: true, error: { code: 'browser_key_forbidden', message: expect.stringMatching(/^Refused batch\[0\]\.previousId: /) } }] } });
    const off = await unverified.call('POST', '/v1/track', { key: BROWSER_KEY, body: { userId: 'bo', event: 'x.y', messageId: 'bk-off', context } });
    expect(off).toMatchObject({ status: 403, body: { error: { message: expect.stringContaining('TOUCHPOINT_IDENTITY_SECRET is not set') } } });
    // An ingest key (a server's) is not restricted.
    const server = await api.call('POST', '/v1/identify', { key: INGEST_KEY, body: { userId: 'bo', traits: { email: 'bo@example.com' }, messageId: 'bk-server' } });
    expect(server.status).toBe(200);
  });

  it('opens no other route: support routes answer 403', async () => {
    const response = await api.call('GET', '/v1/customers/bo', { key: BROWSER_KEY });
    expect(response).toMatchObject({ status: 403, body: { error: { code: 'forbidden', message: expect.stringContaining('role browser') } } });
  });

  it('works from analytics.js in Chromium with the hash passed as the options argument', async () => {
    const hash = userHash(SECRET, 'web-bo');
    const page = pageServer({
      '/': `<!doctype html><title>shop</title><script src="/analytics-next.js"></script>
<script>
  window.done = AnalyticsNext.AnalyticsBrowser.load({ writeKey: ${JSON.stringify(BROWSER_KEY)}, cdnURL: ${JSON.stringify(api.url)} })
    .then(async ([analytics]) => {
      const sent = [
        await analytics.identify('web-bo', { plan: 'team' }, { userHash: ${JSON.stringify(hash)} }),
        await analytics.track('order.completed', { order_id: 'W-9' }, { userHash: ${JSON.stringify(hash)} }),
        await analytics.identify('web-bo', { email: 'someone@example.com' }, { userHash: ${JSON.stringify(hash)} }),
        await analytics.track('cart.updated', {}),
      ];
      return sent.map((ctx) => ctx.failedDelivery() ? String(ctx.failedDelivery().reason) : 'delivered');
    })
    .catch((error) => 'load failed: ' + error);
</script>`,
      '/analytics-next.js': await readFile(BUNDLE, 'utf8'),
    });
    const pageUrl = await page.listen();
    let browser: Browser | undefined;
    try {
      browser = await launchChromium();
      const tab = await browser.newPage();
      const done = await tab.goto(pageUrl).then(() => tab.evaluate(() => (globalThis as unknown as { done: Promise<string[]> }).done));
      expect(done).toEqual(['delivered', 'delivered', 'NonRetryableError: Non-retryable error: 403', 'NonRetryableError: Non-retryable error: 403']);
    } finally {
      await browser?.close();
      await page.close();
    }
    const rows = (await pg.query("select type, event, traits from events where customer_id = 'web-bo' order by received_at")).rows;
    expect(rows).toEqual([
      { type: 'identify', event: null, traits: { plan: 'team' } },
      { type: 'track', event: 'order.completed', traits: {} },
    ]);
  });
});
