// Export and erasure over the real stack: Temporal dev server, a worker with real activities
// (PGlite, SMTP), the API with the privacy routes, and the CLI. Ada has a running run and a sent
// email; erasing her exits the run, deletes its history from Temporal and leaves nothing that names
// her but the audit log, while Adam's data and run are untouched.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NativeConnection, bundleWorkflowCode, DefaultLogger, Runtime, type Worker } from '@temporalio/worker';
import nodemailer from 'nodemailer';
import { createActivities } from '../../activities';
import { createApiServer } from '../../api';
import { privacyRoutes } from '../../api/routes/privacy';
import { supportRoutes } from '../../api/routes/support';
import { createTouchpointClient } from '../../client';
import { JourneySchema } from '../../dsl/schema';
import { buildSnapshot, templateVersionHash } from '../../dsl/snapshot';
import { createPrivacyService } from '../../privacy/service';
import { createRouter } from '../../routing';
import { createSupportService } from '../../support';
import { createWorker } from '../../worker';
import { listen, type Api } from '../api/http';
import { cliAgainst } from '../cli-support/cli-io';
import { createTestStore, type TestStore } from '../support/db';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';
import { startTestTemporal, type TestTemporal } from '../support/temporal';

const ADMIN_KEY = 'admin-key-privacy-0123456789';
const SUPPORT_KEY = 'support-key-privacy-0123456789';
const INGEST_KEY = 'ingest-key-privacy-0123456789';
const ADA_RUN = 'journey/post-purchase/ada/A-1';
const ADAM_RUN = 'journey/post-purchase/adam/B-1';

const TEMPLATES = {
  'order-thanks': ['{{!-- email.subject --}}', 'Thanks {{traits.first_name}} for order {{event.properties.order_id}}', '{{!-- email.html --}}', '<p>Thanks {{traits.first_name}}!</p>', '{{!-- email.text --}}', 'Thanks!'].join('\n'),
};
const journey = buildSnapshot(
  JourneySchema.parse({
    id: 'post-purchase',
    name: 'Post-purchase (privacy test)',
    trigger: { event: 'order.completed' },
    entry: { reentry: 'always', key: 'properties.order_id' },
    steps: [
      { id: 'thank-you', send: { channel: 'email', template: 'order-thanks', category: 'transactional' } },
      { id: 'wait-a-month', wait: '30d' },
    ],
  }),
  Object.fromEntries(Object.entries(TEMPLATES).map(([name, source]) => [name, templateVersionHash(source)])),
  'tests/privacy/erasure.test.ts',
);

let temporal: TestTemporal;
let db: TestStore;
let sink: SmtpSink;
let native: NativeConnection;
let worker: Worker;
let running: Promise<void>;
let api: Api;

async function runStatus(workflowId: string): Promise<string> {
  try {
    return (await temporal.client.workflow.getHandle(workflowId).describe()).status.name;
  } catch (error) {
    if (error instanceof Error && error.name === 'WorkflowNotFoundError') return 'NOT_FOUND';
    throw error;
  }
}

async function until(what: string, check: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } } });
  } catch {
    // Installed by an earlier test file in this jest worker.
  }
  [temporal, db, sink] = await Promise.all([startTestTemporal(), createTestStore('pglite'), startSmtpSink()]);
  const store = db.store;
  for (const [name, source] of Object.entries(TEMPLATES)) await store.saveTemplateVersion({ name, hash: templateVersionHash(source), source });
  const taskQueue = `privacy-${process.pid}`;
  const support = createSupportService({ store, client: temporal.client, namespace: temporal.namespace, taskQueue });
  const privacy = createPrivacyService({ store, client: temporal.client, namespace: temporal.namespace, exitRun: (id, input) => support.exitRun(id, input), now: () => new Date() });
  const router = createRouter({ client: temporal.client, store, journeys: [journey], taskQueue });
  const keys = [
    { key: INGEST_KEY, name: 'orders', role: 'ingest' as const },
    { key: SUPPORT_KEY, name: 'grace', role: 'support' as const },
    { key: ADMIN_KEY, name: 'dpo', role: 'admin' as const },
  ];
  api = await listen(createApiServer({ store, router, apiKeys: keys, health: async () => ({}), plugins: [supportRoutes({ service: support, keys }), privacyRoutes({ service: privacy, keys })] }));
  native = await NativeConnection.connect({ address: temporal.server.address });
  worker = await createWorker({
    connection: native,
    namespace: temporal.namespace,
    taskQueue,
    workflowBundle: await bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: new DefaultLogger('ERROR') }),
    activities: createActivities({ store, email: { transport: nodemailer.createTransport({ host: '127.0.0.1', port: sink.port, secure: false, ignoreTLS: true }), from: 'shop@example.com' }, defaultTimezone: 'UTC' }),
  });
  running = worker.run();

  const orders = createTouchpointClient({ baseUrl: api.url, apiKey: INGEST_KEY });
  for (const [userId, order, email] of [['ada', 'A-1', 'ada@example.com'], ['adam', 'B-1', 'adam@example.com']] as const) {
    await orders.identify({ userId, messageId: `id-${userId}`, traits: { email, first_name: userId === 'ada' ? 'Ada' : 'Adam' } });
    await orders.track({ userId, event: 'order.completed', messageId: `order-${order}`, properties: { order_id: order, street: `${userId} street 1` } });
  }
  await sink.waitFor(2);
  await until('both runs wait', async () => (await store.listMessages({ customerId: 'ada' })).length === 1 && (await store.listMessages({ customerId: 'adam' })).length === 1);
}, 180_000);

afterAll(async () => {
  if (worker?.getState() === 'RUNNING') worker.shutdown();
  await running;
  await native?.close();
  await api?.close();
  await temporal?.stop();
  await sink?.close();
  await db?.dispose();
});

test('export writes everything stored about Ada, with her run in Temporal, and nothing about Adam', async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'tp-export-')), 'ada.json');
  const { code, stdout, stderr } = await cliAgainst(api.url, SUPPORT_KEY)('customers', 'export', 'ada', '--out', out);
  expect([code, stderr]).toEqual([0, '']);
  expect(stdout).toMatch(/^Wrote \d+ rows from \d+ tables and 1 workflow executions about ada to /);
  const data = JSON.parse(readFileSync(out, 'utf8'));
  expect(data.tables.contacts).toEqual([expect.objectContaining({ customer_id: 'ada', email: 'ada@example.com' })]);
  expect(data.tables.events.map((e: { message_id: string }) => e.message_id).sort()).toEqual(['id-ada', 'order-A-1']);
  expect(data.tables.messages).toEqual([expect.objectContaining({ reason: 'sent', content: expect.objectContaining({ subject: 'Thanks Ada for order A-1' }) })]);
  expect(data.executions).toEqual([expect.objectContaining({ workflowId: ADA_RUN, status: 'RUNNING' })]);
  expect(JSON.stringify(data)).not.toContain('adam');
});

test('erasure needs an admin key and a reason', async () => {
  const support = await cliAgainst(api.url, SUPPORT_KEY)('customers', 'erase', 'ada', '--reason', 'ticket 42');
  expect(support.code).toBe(1);
  expect(support.stderr).toContain('role support');
  const noReason = await cliAgainst(api.url, ADMIN_KEY)('customers', 'erase', 'ada');
  expect(noReason.code).toBe(2);
  expect(noReason.stderr).toContain('--reason');
  expect(await runStatus(ADA_RUN)).toBe('RUNNING');
});

test('erase exits and deletes Ada\'s run, deletes her profile, anonymises the rest, and audits it', async () => {
  const { code, stdout, stderr } = await cliAgainst(api.url, ADMIN_KEY)('customers', 'erase', 'ada', '--reason', 'GDPR request, ticket 42');
  expect([code, stderr]).toEqual([0, '']);
  expect(stdout).toContain('Runs exited: 1; workflow executions deleted from Temporal: 1');
  expect(stdout).toMatch(/Deleted: contacts 1/);
  // run_steps: the wait Ada's run is in is recorded when entered (a report counts runs waiting there).
  expect(stdout).toMatch(/Anonymised: events 2, journey_entries 1, journey_runs 1, run_steps 1, messages 1/);

  // DeleteWorkflowExecution is asynchronous: the server deletes the closed run from a background task queue.
  await until('the run is gone from Temporal', async () => (await runStatus(ADA_RUN)) === 'NOT_FOUND', 90_000);
  const store = db.store;
  expect(await store.getContact('ada')).toBeNull();
  expect(await store.listMessages({ customerId: 'ada' })).toEqual([]);
  const admin = createTouchpointClient({ baseUrl: api.url, apiKey: ADMIN_KEY });
  const left = await admin.exportCustomer('ada');
  expect(Object.entries(left.tables).filter(([, rows]) => rows.length > 0).map(([table]) => table)).toEqual(['audit_log']);
  expect(left.executions).toEqual([]);
  expect(await admin.audit({ target: 'ada' })).toEqual([expect.objectContaining({ action: 'customer.erase', actor: 'dpo', reason: 'GDPR request, ticket 42' })]);

  // Adam is untouched: his run waits, his message keeps its content.
  expect(await runStatus(ADAM_RUN)).toBe('RUNNING');
  expect(await store.listMessages({ customerId: 'adam' })).toEqual([expect.objectContaining({ reason: 'sent', content: expect.objectContaining({ subject: 'Thanks Adam for order B-1' }) })]);

  // Ada's order system retries her order: a duplicate, nothing starts again.
  const retried = await createTouchpointClient({ baseUrl: api.url, apiKey: INGEST_KEY }).track({ userId: 'ada', event: 'order.completed', messageId: 'order-A-1', properties: { order_id: 'A-1' } });
  expect(retried.duplicate).toBe(true);
}, 150_000);
