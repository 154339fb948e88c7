// The inspector in headless Chromium over the real stack: Temporal dev server, a worker with real
// activities (PGlite, SMTP), the API with the inspector plugin and the real SupportService. A
// support person signs in, finds a customer by email, reads why a send was skipped, previews the
// email that was sent and exits the run. Screenshots go to test-output/inspector/ (and, with
// UPDATE_SCREENSHOTS=1, the README's to docs/screenshots/).
import { copyFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { NativeConnection, bundleWorkflowCode, DefaultLogger, Runtime, type Worker } from '@temporalio/worker';
import nodemailer from 'nodemailer';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { createActivities } from '../../activities';
import { createApiServer } from '../../api';
import { JourneySchema } from '../../dsl/schema';
import { buildSnapshot, templateVersionHash } from '../../dsl/snapshot';
import { inspectorRoutes } from '../../inspector';
import { createRouter } from '../../routing';
import { createSupportService } from '../../support';
import type { RunDetail, SupportService } from '../../support/types';
import { createWorker } from '../../worker';
import { API_KEY, listen, type Api } from '../api/http';
import { createTestStore, type TestStore } from '../support/db';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';
import { startTestTemporal, type TestTemporal } from '../support/temporal';

const ROOT = resolve(__dirname, '../..');
const OUTPUT = join(ROOT, 'test-output/inspector');
const SUPPORT_KEY = 'support-key-browser-0123456789';
const SECRET = 'inspector-browser-secret';

const THANKS = ['{{!-- email.subject --}}', 'Thank you for order {{event.properties.order_id}}, {{traits.first_name}}',
  '{{!-- email.html --}}', '<h1>Thank you for order {{event.properties.order_id}}, {{traits.first_name}}</h1><p>We are packing it with care.</p>',
  '{{!-- email.text --}}', 'We are packing order {{event.properties.order_id}} with care.'].join('\n');
const OFFER = ['{{!-- email.subject --}}', '10% off your next order', '{{!-- email.html --}}', '<p>Here is 10% off.</p>',
  '{{!-- email.text --}}', 'Here is 10% off. Unsubscribe: {{links.unsubscribe}}'].join('\n');
const TEMPLATES = { 'order-thanks': THANKS, 'cross-sell': OFFER };
const journey = buildSnapshot(
  JourneySchema.parse({
    id: 'post-purchase',
    name: 'Post-purchase (inspector test)',
    trigger: { event: 'order.completed' },
    entry: { reentry: 'always', key: 'properties.order_id' },
    steps: [
      { id: 'thank-you', send: { channel: 'email', template: 'order-thanks', category: 'transactional' } },
      { id: 'cross-sell', send: { channel: 'email', template: 'cross-sell' } },
      { id: 'wait-a-month', wait: '30d' },
      { id: 'done', exit: { reason: 'follow-up finished' } },
    ],
  }),
  Object.fromEntries(Object.entries(TEMPLATES).map(([name, source]) => [name, templateVersionHash(source)])),
  'tests/inspector/inspector.browser.test.ts',
);

describe('the inspector in a browser', () => {
  let temporal: TestTemporal;
  let db: TestStore;
  let sink: SmtpSink;
  let native: NativeConnection;
  let worker: Worker;
  let running: Promise<void>;
  let api: Api;
  let service: SupportService;
  let browser: Browser;

  beforeAll(async () => {
    try {
      Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } } });
    } catch {
      // Installed by an earlier test file in this jest worker.
    }
    [temporal, db, sink] = await Promise.all([startTestTemporal(), createTestStore('pglite'), startSmtpSink()]);
    const store = db.store;
    for (const [name, source] of Object.entries(TEMPLATES)) await store.saveTemplateVersion({ name, hash: templateVersionHash(source), source });
    const taskQueue = `inspector-browser-${process.pid}`;
    service = createSupportService({ store, client: temporal.client, namespace: temporal.namespace, taskQueue });
    const router = createRouter({ client: temporal.client, store, journeys: [journey], taskQueue });
    const inspector = inspectorRoutes({ service, secret: SECRET, sessions: store.inspectorSessions, keys: [{ key: SUPPORT_KEY, name: 'grace', role: 'support' }] });
    api = await listen(createApiServer({ store, router, apiKeys: [API_KEY], health: async () => ({}), plugins: [inspector] }));
    native = await NativeConnection.connect({ address: temporal.server.address });
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: sink.port, secure: false, ignoreTLS: true });
    worker = await createWorker({
      connection: native,
      namespace: temporal.namespace,
      taskQueue,
      workflowBundle: await bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: new DefaultLogger('ERROR') }),
      activities: createActivities({ store, email: { transport, from: 'shop@example.com' }, defaultTimezone: 'UTC', links: { publicUrl: api.url, secret: SECRET } }),
    });
    running = worker.run();
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (worker?.getState() === 'RUNNING') worker.shutdown();
    await running;
    await native?.close();
    await api?.close();
    await temporal?.stop();
    await sink?.close();
    await db?.dispose();
  });

  /** The run once it sleeps in its 30-day wait, both sends decided. */
  async function sleepingRun(workflowId: string): Promise<RunDetail> {
    for (;;) {
      const run = await service.getRun(workflowId);
      if (run?.state?.currentStep === 'wait-a-month' && run.nextWakeUp) return run;
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async function shoot(page: Page, name: string): Promise<void> {
    mkdirSync(OUTPUT, { recursive: true });
    await page.screenshot({ path: join(OUTPUT, name), fullPage: true });
  }

  it('shows why a customer got one email and not the other, previews the sent one, and exits the run', async () => {
    expect((await api.call('POST', '/v1/identify', { body: { userId: 'ada', messageId: 'id-ada', traits: { email: 'ada.lovelace@example.com', first_name: 'Ada', plan: 'pro' } } })).status).toBe(200);
    // She clicked an unsubscribe link in an earlier newsletter: receipts still reach her, offers do not.
    await db.store.setConsent({ customerId: 'ada', channel: 'email', status: 'unsubscribed', source: 'unsubscribe_link', reason: 'clicked the link in a newsletter', by: null, at: new Date().toISOString() });
    const tracked = await api.call('POST', '/v1/track', { body: { userId: 'ada', event: 'order.completed', messageId: 'order-A-1042', properties: { order_id: 'A-1042', total: 59.9 } } });
    expect(tracked.status).toBe(200);
    const workflowId = 'journey/post-purchase/ada/A-1042';
    expect(tracked.body.runs).toEqual([expect.objectContaining({ workflowId, action: 'started' })]);
    const [thanks] = await sink.waitFor(1);
    expect(thanks?.subject).toBe('Thank you for order A-1042, Ada');
    await sleepingRun(workflowId);

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${api.url}/inspector`);
    await page.getByLabel('Support key').fill(SUPPORT_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();

    await page.getByLabel('Customer id, email or phone').fill('Ada.Lovelace@Example.com');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('heading', { name: 'Customer ada' }).waitFor();
    const consentRow = page.getByRole('row', { name: /^email unsubscribed/ });
    await expect(consentRow.textContent()).resolves.toContain('clicked the link in a newsletter');
    await shoot(page, 'customer.png');

    await page.getByRole('link', { name: 'post-purchase' }).click();
    await page.getByRole('heading', { name: `Run ${workflowId}` }).waitFor();
    const skipped = page.getByRole('row', { name: /^cross-sell email skipped:unsubscribed/ });
    await skipped.waitFor();
    await expect(page.getByRole('row', { name: /^thank-you email sent/ }).textContent()).resolves.toContain('ada.lovelace@example.com');
    await shoot(page, 'run.png');
    await page.setViewportSize({ width: 390, height: 844 });
    await shoot(page, 'run-phone.png');
    await page.setViewportSize({ width: 1280, height: 900 });

    await page.getByRole('link', { name: 'preview order-thanks (thank-you)' }).click();
    await page.frameLocator('iframe.preview').getByRole('heading', { name: 'Thank you for order A-1042, Ada' }).waitFor();
    await shoot(page, 'message.png');
    await page.goBack();

    await page.getByLabel('Reason (for the audit log)').fill('Customer asked us by phone to stop the follow-up');
    await page.getByRole('button', { name: 'Exit run' }).click();
    await page.getByRole('status').filter({ hasText: 'The run was exited.' }).waitFor();
    await expect(page.locator('dl.facts dd').first().textContent()).resolves.toMatch(/^exited/);
    expect(await page.getByRole('button', { name: 'Exit run' }).count()).toBe(0);
    await shoot(page, 'run-exited.png');
    await context.close();

    expect((await service.getRun(workflowId))?.status).toBe('exited');
    expect(await service.auditLog({ target: workflowId })).toEqual([expect.objectContaining({ actor: 'grace', reason: 'Customer asked us by phone to stop the follow-up' })]);
    expect(sink.messages).toHaveLength(1);

    if (process.env.UPDATE_SCREENSHOTS === '1') {
      const docs = join(ROOT, 'docs/screenshots');
      mkdirSync(docs, { recursive: true });
      for (const name of ['customer.png', 'run.png', 'run-phone.png', 'message.png']) copyFileSync(join(OUTPUT, name), join(docs, `inspector-${name}`));
    }
  });
});
