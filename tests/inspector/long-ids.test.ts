// Every inspector page and action over real HTTP on the real stack (Temporal dev server, a worker
// with the real activities, PGlite, SMTP to a local sink, the API server with the inspector and
// the real SupportService), for long ids: a UUID customer id and order id inside a run id, a
// 118-character customer id, a 256-character one (the API's limit), and a 120-character journey
// id. Following each page's own links must never end in a 414.
import { createHash, randomUUID } from 'node:crypto';
import { NativeConnection, DefaultLogger, Runtime, type Worker } from '@temporalio/worker';
import nodemailer from 'nodemailer';
import { createActivities } from '../../activities';
import { createApiServer } from '../../api';
import type { JourneyEvent } from '../../core/events';
import { journeyWorkflowId } from '../../core/ids';
import { JourneySchema, type JourneySnapshot } from '../../dsl/schema';
import { buildSnapshot } from '../../dsl/snapshot';
import { inspectorRoutes } from '../../inspector';
import { createSupportService } from '../../support/service';
import type { SupportService } from '../../support/types';
import { createWorker } from '../../worker';
import { JOURNEY_WORKFLOW, type JourneyRunWorkflow } from '../../workflows/definitions';
import { listen, type Api } from '../api/http';
import { createTestStore, type TestStore } from '../support/db';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';
import { startTestTemporal, type TestTemporal } from '../support/temporal';
import { eventually } from '../support-api/world';

const SUPPORT = { key: 'support-key-long-ids-0123456789', name: 'grace', role: 'support' as const };
const SECRET = 'inspector-long-ids-secret';
const JOURNEY_ID = `post-purchase-${'x'.repeat(120 - 'post-purchase-'.length)}`;
const HELLO = '{{!-- email.subject --}}\nHello\n{{!-- email.html --}}\n<h1>Hello {{customer.id}}</h1>\n{{!-- email.text --}}\nHello.';
const hashOf = (source: string) => createHash('sha256').update(source).digest('hex');

const CUSTOMERS = {
  uuid: randomUUID(),
  long118: `cust/${'ä'.repeat(3)}-${randomUUID()}-`.padEnd(118, 'z'),
  long256: `c-${randomUUID()}`.padEnd(256, 'q'),
};

describe('inspector pages with long ids', () => {
  let temporal: TestTemporal;
  let db: TestStore;
  let sink: SmtpSink;
  let native: NativeConnection;
  let worker: Worker;
  let running: Promise<void>;
  let api: Api;
  let service: SupportService;
  let snapshot: JourneySnapshot;
  const taskQueue = `long-ids-${randomUUID()}`;

  beforeAll(async () => {
    try {
      Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } } });
    } catch {
      // Installed by an earlier test file in this jest worker.
    }
    [temporal, db, sink] = await Promise.all([startTestTemporal(), createTestStore('pglite'), startSmtpSink()]);
    const { store } = db;
    await store.saveTemplateVersion({ name: 'hello', hash: hashOf(HELLO), source: HELLO });
    snapshot = buildSnapshot(
      JourneySchema.parse({
        id: JOURNEY_ID, name: 'Long ids', trigger: { event: 'order.completed' }, entry: { reentry: 'always', key: 'properties.order_id' },
        steps: [{ id: 'hello', send: { channel: 'email', template: 'hello' } }, { id: 'rest', wait: '30d' }, { id: 'again', send: { channel: 'email', template: 'hello' } }],
      }),
      { hello: hashOf(HELLO) },
      'tests/inspector/long-ids.test.ts',
    );
    service = createSupportService({ store, client: temporal.client, namespace: temporal.namespace, taskQueue, journeys: [snapshot] });
    const inspector = inspectorRoutes({ service, secret: SECRET, sessions: store.inspectorSessions, keys: [SUPPORT], journeys: [snapshot] });
    api = await listen(createApiServer({ store, router: { route: async () => ({ runs: [] }) }, apiKeys: [SUPPORT], health: async () => ({}), plugins: [inspector] }));
    native = await NativeConnection.connect({ address: temporal.server.address });
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: sink.port, secure: false, ignoreTLS: true });
    worker = await createWorker({
      connection: native, namespace: temporal.namespace, taskQueue,
      activities: createActivities({ store, email: { transport, from: 'Shop <shop@example.com>' }, defaultTimezone: 'UTC' }),
    });
    running = worker.run();
  }, 180_000);

  afterAll(async () => {
    worker?.shutdown();
    await running?.catch(() => undefined);
    await native?.close();
    await api?.close();
    await sink?.close();
    await temporal?.stop();
    await db?.dispose();
  });

  const get = (path: string, cookie?: string) => fetch(`${api.url}${path}`, { redirect: 'manual', headers: cookie ? { cookie } : {} });
  const post = (path: string, form: Record<string, string>, cookie: string) =>
    fetch(`${api.url}${path}`, { method: 'POST', redirect: 'manual', body: new URLSearchParams(form), headers: { cookie } });
  /** The page at `path`, which must answer 200. */
  async function page(path: string, cookie: string): Promise<string> {
    const response = await get(path, cookie);
    const text = await response.text();
    expect({ path, status: response.status }).toEqual({ path, status: 200 });
    return text;
  }
  const hrefs = (html: string, prefix: string) => [...html.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!.replaceAll('&amp;', '&')).filter((h) => h.startsWith(prefix));
  const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

  async function start(customerId: string, orderId: string): Promise<string> {
    await db.store.upsertContact({ customerId, traits: { email: `${createHash('md5').update(customerId).digest('hex')}@example.com` }, at: new Date().toISOString() });
    const trigger: JourneyEvent = { id: `order-${randomUUID()}`, name: 'order.completed', properties: { order_id: orderId }, timestamp: new Date().toISOString() };
    const handle = await temporal.client.workflow.start<JourneyRunWorkflow>(JOURNEY_WORKFLOW, {
      taskQueue, workflowId: journeyWorkflowId(JOURNEY_ID, customerId, orderId), args: [{ snapshot, customerId, entryKey: orderId, trigger }],
    });
    await eventually(() => service.getRun(handle.workflowId), (run) => run?.messages.some((m) => m.reason === 'sent') === true, `hello sent to ${customerId}`);
    return handle.workflowId;
  }

  async function signIn(next: string): Promise<string> {
    const response = await fetch(`${api.url}/inspector/login`, { method: 'POST', redirect: 'manual', body: new URLSearchParams({ key: SUPPORT.key, next }) });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(next);
    return (response.headers.get('set-cookie') ?? '').split(';')[0]!;
  }

  test.each(Object.entries(CUSTOMERS))('every page and action works for the %s customer id, following the pages\' own links', async (_kind, customerId) => {
    const workflowId = await start(customerId, randomUUID());
    const customerPath = `/inspector/customers/${encodeURIComponent(customerId)}`;

    // Signed out: sent to sign in with the long path kept, and back to it after.
    const redirect = await get(customerPath);
    expect(redirect.status).toBe(303);
    expect(redirect.headers.get('location')).toBe(`/inspector/login?next=${encodeURIComponent(customerPath)}`);
    const cookie = await signIn(customerPath);

    // Search by id → customer page → run page → message page → preview.
    const search = await get(`/inspector?q=${encodeURIComponent(customerId)}`, cookie);
    expect(search.status).toBe(303);
    expect(search.headers.get('location')).toBe(customerPath);
    const customer = await page(customerPath, cookie);
    const [runPath] = hrefs(customer, '/inspector/runs/');
    expect(runPath).toBe(`/inspector/runs/${encodeURIComponent(workflowId)}`);
    // Over find-my-way's default limit of 100 characters for a path parameter (which answered 414).
    expect(encodeURIComponent(workflowId).length).toBeGreaterThan(100);
    const run = await page(runPath!, cookie);
    expect(run).toContain(workflowId.replaceAll('&', '&amp;'));
    const [messagePath] = hrefs(run, '/inspector/messages/');
    expect(messagePath!.length).toBeGreaterThan(150);
    const message = await page(messagePath!, cookie);
    const [previewSrc] = [...message.matchAll(/src="([^"]+\/preview)"/g)].map((m) => m[1]!);
    expect(previewSrc).toBe(`${messagePath}/preview`);
    expect(await page(previewSrc!, cookie)).toContain('<h1>Hello');

    // The report of the journey (a 120-character id) from the run page's link.
    const [reportPath] = hrefs(await page('/inspector/journeys', cookie), '/inspector/journeys/');
    expect(reportPath).toBe(`/inspector/journeys/${JOURNEY_ID}/report`);
    expect(await page(reportPath!, cookie)).toContain(JOURNEY_ID);

    // Actions: consent, exit one run, exit all (a second run), each back to its page with a notice.
    const csrf = csrfOf(customer);
    const consent = await post(`${customerPath}/consent`, { channel: 'sms', status: 'unsubscribed', reason: 'asked by phone', csrf }, cookie);
    expect(consent.status).toBe(303);
    expect(consent.headers.get('location')).toBe(`${customerPath}?notice=consent`);
    expect(await page(consent.headers.get('location')!, cookie)).toContain('Consent changed.');
    expect((await db.store.getConsent(customerId)).sms?.status).toBe('unsubscribed');

    const exit = await post(`${runPath}/exit`, { reason: 'asked us', csrf }, cookie);
    expect(exit.status).toBe(303);
    expect(exit.headers.get('location')).toBe(`${runPath}?notice=exited`);
    expect(await page(exit.headers.get('location')!, cookie)).toContain('The run was exited.');

    const second = await start(customerId, randomUUID());
    const exitAll = await post(`${customerPath}/exit-all`, { reason: 'account closed', csrf }, cookie);
    expect(exitAll.status).toBe(303);
    expect(exitAll.headers.get('location')).toBe(`${customerPath}?notice=exited-all`);
    await eventually(() => service.getRun(second), (r) => r?.status !== 'running', 'second run exited');
  }, 120_000);
});
