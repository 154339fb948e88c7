// Opening an email preview in the inspector records no open and loads nothing remote, in headless
// Chromium over the real stack (Temporal dev server, a worker with real activities and SMTP, the API
// with the inspector and the tracking routes), on PGlite and PostgreSQL. The email is sent with
// tracking links at an https address, as in production; the browser's requests to any host but the
// inspector are recorded, and those to the tracking host are handed to the real tracking endpoint,
// so a pixel the preview fetched would be stored as an open.
import { NativeConnection, bundleWorkflowCode, DefaultLogger, Runtime, type Worker } from '@temporalio/worker';
import nodemailer from 'nodemailer';
import type { Browser, BrowserContext } from 'playwright-core';
import { createActivities } from '../../activities';
import { createApiServer } from '../../api';
import { ingest } from '../../api/ingest';
import { trackingRoutes } from '../../api/routes/tracking';
import { JourneySchema } from '../../dsl/schema';
import { buildSnapshot, templateVersionHash } from '../../dsl/snapshot';
import { inspectorRoutes } from '../../inspector';
import { messageHref } from '../../inspector/layout';
import { createRouter } from '../../routing';
import { createSupportService } from '../../support';
import { createWorker } from '../../worker';
import { API_KEY, listen, type Api } from '../api/http';
import { launchChromium } from '../support/browser';
import { createTestStore, STORE_KINDS, type TestStore } from '../support/db';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';
import { startTestTemporal, type TestTemporal } from '../support/temporal';

const SUPPORT_KEY = 'support-key-preview-0123456789';
const SECRET = 'preview-link-secret';
const TRACKING_HOST = 'https://track.touchpoint.test';
const CART = [
  '{{!-- email.subject --}}',
  'Your cart is waiting, {{traits.first_name}}',
  '{{!-- email.html --}}',
  '<html><body><h1>Your cart is waiting, {{traits.first_name}}</h1>',
  '<p><img src="https://cdn.example.net/logo.png" alt="Shop logo" width="120" height="40"></p>',
  '<div style="background-image:url(https://cdn.example.net/background.png)">Two items are still in it.</div>',
  '<p><a href="https://shop.example.net/cart">Back to your cart</a></p></body></html>',
  '{{!-- email.text --}}',
  'Two items are still in your cart.',
].join('\n');
const journey = buildSnapshot(
  JourneySchema.parse({
    id: 'cart-preview',
    name: 'Cart (preview test)',
    trigger: { event: 'cart.updated' },
    steps: [
      { id: 'remind', send: { channel: 'email', template: 'cart', category: 'transactional' } },
      { id: 'wait-a-week', wait: '7d' },
    ],
  }),
  { cart: templateVersionHash(CART) },
  'tests/inspector/preview-no-open.browser.test.ts',
);

let temporal: TestTemporal;
let sink: SmtpSink;
let browser: Browser;
let bundle: Awaited<ReturnType<typeof bundleWorkflowCode>>;

beforeAll(async () => {
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } } });
  } catch {
    // Installed by an earlier test file in this jest worker.
  }
  [temporal, sink, browser, bundle] = await Promise.all([
    startTestTemporal(),
    startSmtpSink(),
    launchChromium(),
    bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: new DefaultLogger('ERROR') }),
  ]);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await temporal?.stop();
  await sink?.close();
});

describe.each(STORE_KINDS)('the email preview on %s', (kind) => {
  let db: TestStore;
  let native: NativeConnection;
  let worker: Worker;
  let running: Promise<void>;
  let api: Api;

  beforeAll(async () => {
    db = await createTestStore(kind);
    const store = db.store;
    await store.saveTemplateVersion({ name: 'cart', hash: templateVersionHash(CART), source: CART });
    const taskQueue = `preview-${kind}-${process.pid}`;
    const service = createSupportService({ store, client: temporal.client, namespace: temporal.namespace, taskQueue });
    const router = createRouter({ client: temporal.client, store, journeys: [journey], taskQueue });
    const inspector = inspectorRoutes({ service, secret: 'inspector-session-secret', sessions: store.inspectorSessions, keys: [{ key: SUPPORT_KEY, name: 'grace', role: 'support' }] });
    const tracking = trackingRoutes({ store, secret: SECRET, ingest: (event) => ingest({ store, router }, event) });
    api = await listen(createApiServer({ store, router, apiKeys: [API_KEY], health: async () => ({}), plugins: [inspector, tracking] }));
    native = await NativeConnection.connect({ address: temporal.server.address });
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: sink.port, secure: false, ignoreTLS: true });
    worker = await createWorker({
      connection: native,
      namespace: temporal.namespace,
      taskQueue,
      workflowBundle: bundle,
      // Tracking links at an https address, as a production PUBLIC_URL is.
      activities: createActivities({ store, email: { transport, from: 'shop@example.com' }, defaultTimezone: 'UTC', links: { publicUrl: TRACKING_HOST, secret: SECRET } }),
    });
    running = worker.run();
  }, 120_000);

  afterAll(async () => {
    if (worker?.getState() === 'RUNNING') worker.shutdown();
    await running;
    await native?.close();
    await api?.close();
    await db?.dispose();
  });

  /** A browser context whose requests to any host but the inspector are recorded; the tracking host's go to the real endpoint. */
  async function recordingContext(): Promise<{ context: BrowserContext; remote: string[] }> {
    const remote: string[] = [];
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.route('**/*', async (route) => {
      const url = route.request().url();
      if (url.startsWith(`${api.url}/`)) return route.continue();
      remote.push(url);
      if (url.startsWith(`${TRACKING_HOST}/`)) {
        const response = await route.fetch({ url: `${api.url}${url.slice(TRACKING_HOST.length)}` });
        return route.fulfill({ response });
      }
      return route.fulfill({ status: 404, body: '' });
    });
    return { context, remote };
  }

  test('shows the email as sent without fetching its open pixel or any remote image', async () => {
    const customer = `ada-${kind}`;
    expect((await api.call('POST', '/v1/identify', { body: { userId: customer, messageId: `id-${customer}`, traits: { email: `${customer}@example.com`, first_name: 'Ada' } } })).status).toBe(200);
    const tracked = await api.call('POST', '/v1/track', { body: { userId: customer, event: 'cart.updated', messageId: `cart-${customer}`, properties: { items: 2 } } });
    expect(tracked.status).toBe(200);
    const workflowId = `journey/cart-preview/${customer}`;
    await sink.waitFor(kind === 'pglite' ? 1 : 2);
    let [message] = await db.store.listMessages({ workflowId });
    while (message?.reason !== 'sent') {
      await new Promise((resolve) => setTimeout(resolve, 100));
      [message] = await db.store.listMessages({ workflowId });
    }
    const sentHtml = String(message.content?.html);
    const pixel = /<img src="([^"]+\/t\/o\/[^"]+\.gif)"/u.exec(sentHtml)?.[1];
    expect(pixel).toMatch(new RegExp(`^${TRACKING_HOST}/t/o/`));

    const { context, remote } = await recordingContext();
    const page = await context.newPage();
    await page.goto(`${api.url}/inspector`);
    await page.getByLabel('Support key').fill(SUPPORT_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Customer id, email or phone').waitFor();
    await page.goto(`${api.url}${messageHref(message.messageKey)}`);
    await page.frameLocator('iframe.preview').getByRole('heading', { name: 'Your cart is waiting, Ada' }).waitFor();
    await page.getByText('opening this preview records no open').waitFor();
    await page.waitForLoadState('networkidle');
    // Nothing left the inspector: no pixel, no remote image; no open stored.
    expect(remote).toEqual([]);
    const engagement = async () => (await db.store.listMessages({ workflowId })).find((m) => m.messageKey === message!.messageKey)?.engagement;
    expect(await engagement()).toMatchObject({ openedAt: null, openCount: 0, proxiedOpenCount: 0 });
    // The pixel is not even in the preview (no broken image); the rest of the email is.
    const frameHtml = await page.frameLocator('iframe.preview').locator('body').innerHTML();
    expect(frameHtml).not.toContain('/t/o/');
    expect(frameHtml).toContain('Back to your cart');

    // The harness would have seen it: the same pixel fetched by this browser reaches the real endpoint and is an open.
    await page.goto(pixel!);
    expect(remote).toEqual([pixel]);
    let seen = await engagement();
    for (let i = 0; i < 50 && (seen?.openCount ?? 0) + (seen?.proxiedOpenCount ?? 0) === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      seen = await engagement();
    }
    expect((seen?.openCount ?? 0) + (seen?.proxiedOpenCount ?? 0)).toBe(1);
    await context.close();
  }, 120_000);
});
