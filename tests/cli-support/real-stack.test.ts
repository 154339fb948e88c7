// The CLI and the client over the real stack: Temporal dev server, a worker with real activities
// (PGlite, SMTP), the API with the real support routes and SupportService. An order system sends
// events with an ingest key; support staff read and act with a support key.
import { NativeConnection, bundleWorkflowCode, DefaultLogger, Runtime, type Worker } from '@temporalio/worker';
import nodemailer from 'nodemailer';
import { createActivities } from '../../activities';
import { createApiServer } from '../../api';
import { supportRoutes } from '../../api/routes/support';
import { createTouchpointClient } from '../../client';
import { JourneySchema } from '../../dsl/schema';
import { buildSnapshot, templateVersionHash } from '../../dsl/snapshot';
import { createRouter } from '../../routing';
import { createSupportService } from '../../support';
import type { SupportService } from '../../support/types';
import { createWorker } from '../../worker';
import { listen, type Api } from '../api/http';
import { createTestStore, type TestStore } from '../support/db';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';
import { startTestTemporal, type TestTemporal } from '../support/temporal';
import { cliAgainst } from './cli-io';

const SUPPORT_KEY = 'support-key-cli-0123456789';
const INGEST_KEY = 'ingest-key-cli-0123456789';
const WORKFLOW_ID = 'journey/post-purchase/ada/A-1042';

const TEMPLATES = {
  'order-thanks': ['{{!-- email.subject --}}', 'Thank you for order {{event.properties.order_id}}', '{{!-- email.html --}}', '<p>Thanks!</p>', '{{!-- email.text --}}', 'Thanks!'].join('\n'),
  'cross-sell': ['{{!-- email.subject --}}', '10% off your next order', '{{!-- email.html --}}', '<p>10% off</p>', '{{!-- email.text --}}', '10% off'].join('\n'),
};
const journey = buildSnapshot(
  JourneySchema.parse({
    id: 'post-purchase',
    name: 'Post-purchase (CLI test)',
    trigger: { event: 'order.completed' },
    entry: { reentry: 'always', key: 'properties.order_id' },
    steps: [
      { id: 'thank-you', send: { channel: 'email', template: 'order-thanks', category: 'transactional' } },
      { id: 'cross-sell', send: { channel: 'email', template: 'cross-sell' } },
      { id: 'wait-a-month', wait: '30d' },
    ],
  }),
  Object.fromEntries(Object.entries(TEMPLATES).map(([name, source]) => [name, templateVersionHash(source)])),
  'tests/cli-support/real-stack.test.ts',
);

let temporal: TestTemporal;
let db: TestStore;
let sink: SmtpSink;
let native: NativeConnection;
let worker: Worker;
let running: Promise<void>;
let api: Api;
let service: SupportService;
let cli: ReturnType<typeof cliAgainst>;

beforeAll(async () => {
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } } });
  } catch {
    // Installed by an earlier test file in this jest worker.
  }
  [temporal, db, sink] = await Promise.all([startTestTemporal(), createTestStore('pglite'), startSmtpSink()]);
  const store = db.store;
  for (const [name, source] of Object.entries(TEMPLATES)) await store.saveTemplateVersion({ name, hash: templateVersionHash(source), source });
  const taskQueue = `cli-support-${process.pid}`;
  service = createSupportService({ store, client: temporal.client, namespace: temporal.namespace, taskQueue, temporalUiUrl: 'http://127.0.0.1:8233' });
  const router = createRouter({ client: temporal.client, store, journeys: [journey], taskQueue });
  const keys = [
    { key: INGEST_KEY, name: 'orders', role: 'ingest' as const },
    { key: SUPPORT_KEY, name: 'grace', role: 'support' as const },
  ];
  api = await listen(createApiServer({ store, router, apiKeys: keys, health: async () => ({}), plugins: [supportRoutes({ service, keys })] }));
  native = await NativeConnection.connect({ address: temporal.server.address });
  worker = await createWorker({
    connection: native,
    namespace: temporal.namespace,
    taskQueue,
    workflowBundle: await bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: new DefaultLogger('ERROR') }),
    activities: createActivities({ store, email: { transport: nodemailer.createTransport({ host: '127.0.0.1', port: sink.port, secure: false, ignoreTLS: true }), from: 'shop@example.com' }, defaultTimezone: 'UTC' }),
  });
  running = worker.run();
  cli = cliAgainst(api.url, SUPPORT_KEY);

  // An order system (ingest key, through the typed client) identifies Ada, who had unsubscribed from offers, and she orders.
  const orders = createTouchpointClient({ baseUrl: api.url, apiKey: INGEST_KEY });
  await orders.identify({ userId: 'ada', messageId: 'id-ada', traits: { email: 'ada.lovelace@example.com', plan: 'pro' } });
  await store.setConsent({ customerId: 'ada', channel: 'email', status: 'unsubscribed', source: 'unsubscribe_link', reason: 'clicked the newsletter link', by: null, at: new Date().toISOString() });
  const tracked = await orders.track({ userId: 'ada', event: 'order.completed', messageId: 'order-A-1042', properties: { order_id: 'A-1042' } });
  expect(tracked.runs).toEqual([expect.objectContaining({ workflowId: WORKFLOW_ID })]);
  await sink.waitFor(1);
  for (;;) {
    const run = await service.getRun(WORKFLOW_ID);
    if (run?.state?.currentStep === 'wait-a-month' && run.nextWakeUp) break;
    await new Promise((r) => setTimeout(r, 200));
  }
}, 120_000);

afterAll(async () => {
  if (worker?.getState() === 'RUNNING') worker.shutdown();
  await running;
  await native?.close();
  await api?.close();
  await temporal?.stop();
  await sink?.close();
  await db?.dispose();
});

test('customers show finds Ada by email, in any case, with her consent change and her run', async () => {
  const { code, stdout, stderr } = await cli('customers', 'show', 'Ada.Lovelace@Example.com');
  expect([code, stderr]).toEqual([0, '']);
  expect(stdout).toMatch(/^Customer:\s+ada$/m);
  expect(stdout).toMatch(/^email\s+unsubscribed\s+\S+ \S+\s+unsubscribe_link\s+—\s+clicked the newsletter link$/m);
  expect(stdout).toMatch(new RegExp(`^${WORKFLOW_ID}\\s+post-purchase\\s+\\w{8}\\s+A-1042\\s+running\\s+wait-a-month\\s`, 'm'));
  const json = JSON.parse((await cli('customers', 'show', 'ada', '--json')).stdout);
  expect(json.customer.contact).toMatchObject({ customerId: 'ada', email: 'ada.lovelace@example.com' });
  expect(json.runs.runs).toEqual([expect.objectContaining({ workflowId: WORKFLOW_ID, status: 'running' })]);
});

test('runs list filters by customer and journey, in table and JSON form', async () => {
  const table = await cli('runs', 'list', '--customer', 'ada', '--journey', 'post-purchase');
  expect(table.code).toBe(0);
  expect(table.stdout).toContain(WORKFLOW_ID);
  const json = JSON.parse((await cli('runs', 'list', '--customer', 'ada', '--json')).stdout);
  expect(json.runs.map((r: { workflowId: string }) => r.workflowId)).toEqual([WORKFLOW_ID]);
  expect((await cli('runs', 'list', '--customer', 'nobody')).stdout).toBe('No runs for customer nobody.');
});

test('runs show explains the skipped offer and shows the subject of the receipt that was sent', async () => {
  const { code, stdout } = await cli('runs', 'show', WORKFLOW_ID);
  expect(code).toBe(0);
  expect(stdout).toMatch(/^Next wake-up:\s+\d{4}-\d\d-\d\d /m);
  expect(stdout).toMatch(/^Temporal UI:\s+http:\/\/127\.0\.0\.1:8233\/namespaces\/default\/workflows\/journey%2Fpost-purchase%2Fada%2FA-1042\//m);
  expect(stdout).toMatch(/^thank-you\s+email\s+order-thanks\s+sent\s/m);
  expect(stdout).toMatch(/^cross-sell\s+email\s+cross-sell\s+skipped:unsubscribed\s/m);
  expect(stdout).toMatch(/^thank-you\s+email\s+ada\.lovelace@example\.com\s+subject: Thank you for order A-1042$/m);
  const json = JSON.parse((await cli('runs', 'show', WORKFLOW_ID, '--json')).stdout);
  expect(json.messages.map((m: { reason: string }) => m.reason).sort()).toEqual(['sent', 'skipped:unsubscribed']);
});

test('unknown ids exit 1 with a message naming them', async () => {
  const customer = await cli('customers', 'show', 'nobody@example.com');
  expect(customer.code).toBe(1);
  expect(customer.stderr).toContain('"nobody@example.com"');
  const run = await cli('runs', 'show', 'journey/post-purchase/ada/NOPE');
  expect(run.code).toBe(1);
  expect(run.stderr).toContain('no run "journey/post-purchase/ada/NOPE"');
  expect(run.stderr).toContain('touchpoint runs list --customer ada');
});

test('an ingest key cannot read customers: exit 1 and a message asking for a support key', async () => {
  const { code, stderr } = await cliAgainst(api.url, INGEST_KEY)('customers', 'show', 'ada');
  expect(code).toBe(1);
  expect(stderr).toContain('this API key may not do that (API key "orders" has role ingest');
  expect(stderr).toContain('set TOUCHPOINT_API_KEY');
});

test('runs exit needs a reason, then exits the run and the audit log names who did it', async () => {
  const missing = await cli('runs', 'exit', WORKFLOW_ID);
  expect(missing.code).toBe(2);
  const { code, stdout } = await cli('runs', 'exit', WORKFLOW_ID, '--reason', 'customer asked by phone');
  expect(code).toBe(0);
  expect(stdout).toMatch(new RegExp(`^Run ${WORKFLOW_ID} is now exited`));
  expect(JSON.parse((await cli('runs', 'show', WORKFLOW_ID, '--json')).stdout)).toMatchObject({ status: 'exited' });
  const audit = await createTouchpointClient({ baseUrl: api.url, apiKey: SUPPORT_KEY }).audit({ target: WORKFLOW_ID });
  expect(audit).toEqual([expect.objectContaining({ actor: 'grace', reason: 'customer asked by phone' })]);
});
