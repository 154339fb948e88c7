// Issue 12 §2, done when: an order.completed that happened after a cart.updated but reached the
// API before it (a batch in the wrong order, or a retry) ends the abandoned-cart run as converted
// before any message goes out. Real API over HTTP, real router, worker and activities on a real
// Temporal dev server, PGlite store, SMTP sink; a customer without an order gets the reminder.
import { join, resolve } from 'node:path';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import nodemailer, { type Transporter } from 'nodemailer';
import { createActivities } from '../../activities';
import { createApiServer } from '../../api';
import { loadJourneys } from '../../dsl/load';
import { formatProblem } from '../../dsl/problems';
import { createRouter } from '../../routing';
import { runStateQuery } from '../../workflows/definitions';
import { API_KEY, listen, type Api } from '../api/http';
import { createTestStore, type TestStore } from '../support/db';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';
import { startTestTemporal, type TestTemporal } from '../support/temporal';

const FIXTURES = resolve(__dirname, '../fixtures/abandoned-cart');

describe('events that arrive out of order, end to end', () => {
  let temporal: TestTemporal;
  let db: TestStore;
  let mail: SmtpSink;
  let api: Api;
  let worker: Worker;
  let running: Promise<void>;
  let transport: Transporter;
  let connection: NativeConnection;

  beforeAll(async () => {
    try {
      Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } } });
    } catch {
      // Installed by an earlier test file in this jest worker.
    }
    // One at a time, each kept as soon as it runs: afterAll stops whatever started, even after a failure.
    mail = await startSmtpSink();
    db = await createTestStore('pglite');
    temporal = await startTestTemporal();
    const loaded = await loadJourneys({ paths: [join(FIXTURES, 'journeys')], templatesDir: join(FIXTURES, 'templates'), cwd: FIXTURES });
    if (loaded.problems.length > 0) throw new Error(loaded.problems.map(formatProblem).join('\n'));
    for (const template of loaded.templates) await db.store.saveTemplateVersion(template);
    const taskQueue = `reordered-${process.pid}`;
    const router = createRouter({ client: temporal.client, store: db.store, journeys: loaded.journeys, taskQueue });
    api = await listen(createApiServer({ store: db.store, router, apiKeys: [API_KEY], health: async () => ({}) }));
    transport = nodemailer.createTransport({ host: '127.0.0.1', port: mail.port, secure: false, ignoreTLS: true });
    worker = await Worker.create({
      connection: (connection = await NativeConnection.connect({ address: temporal.server.address })),
      taskQueue,
      workflowBundle: await bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: new DefaultLogger('ERROR') }),
      activities: createActivities({ store: db.store, email: { transport, from: 'Shop <shop@example.com>' }, defaultTimezone: 'UTC' }),
    });
    running = worker.run();
    // A dev server, a workflow bundle and PGlite on a shared machine: more than the default minute.
  }, 180_000);
  afterAll(async () => {
    if (worker?.getState() === 'RUNNING') worker.shutdown();
    await running;
    await connection?.close();
    transport?.close();
    await api?.close();
    await temporal?.stop();
    await mail?.close();
    await db?.dispose();
  });

  const customer = async (id: string) =>
    api.call('POST', '/v1/identify', { body: { userId: id, traits: { email: `${id}@example.com`, first_name: id }, messageId: `id-${id}` } });

  const result = (workflowId: string) => temporal.client.workflow.getHandle(workflowId).result();

  it('a batch with the order before the cart update it followed: converted, no reminder', async () => {
    await customer('ana');
    const t = Date.now();
    const response = await api.call('POST', '/v1/batch', {
      body: {
        batch: [
          { type: 'track', userId: 'ana', event: 'order.completed', properties: { order_id: 'A-1' }, messageId: 'ana-order', timestamp: new Date(t + 60_000).toISOString() },
          { type: 'track', userId: 'ana', event: 'cart.updated', properties: { items: 2 }, messageId: 'ana-cart', timestamp: new Date(t).toISOString() },
        ],
      },
    });
    expect(response.status).toBe(200);
    expect(response.body.results[1].runs).toEqual([
      expect.objectContaining({ journeyId: 'abandoned-cart', workflowId: 'journey/abandoned-cart/ana', action: 'started', reason: expect.stringContaining('order.completed ana-order') }),
    ]);
    expect(await result('journey/abandoned-cart/ana')).toMatchObject({ status: 'converted', endReason: 'goal order.completed', sends: [] });
  });

  it('an order sent in its own request before the late cart update: converted, no reminder; a cart alone gets it', async () => {
    await customer('ben');
    await customer('cid');
    const t = Date.now();
    const order = await api.call('POST', '/v1/track', {
      body: { userId: 'ben', event: 'order.completed', properties: { order_id: 'B-1' }, messageId: 'ben-order', timestamp: new Date(t).toISOString() },
    });
    expect(order.body.runs).toEqual([]);
    // The cart update happened ten seconds before the order and arrives after it (a client retry).
    const cart = { event: 'cart.updated', properties: { items: 3 }, timestamp: new Date(t - 10_000).toISOString() };
    await api.call('POST', '/v1/track', { body: { userId: 'ben', messageId: 'ben-cart', ...cart } });
    await api.call('POST', '/v1/track', { body: { userId: 'cid', messageId: 'cid-cart', ...cart } });
    expect(await result('journey/abandoned-cart/ben')).toMatchObject({ status: 'converted', sends: [] });
    expect(await result('journey/abandoned-cart/cid')).toMatchObject({ status: 'completed', sends: [{ stepId: 'reminder', reason: 'sent' }] });
    const state = await temporal.client.workflow.getHandle('journey/abandoned-cart/ben').query(runStateQuery);
    expect(state.stepsDone).toEqual([]);
    await mail.waitFor(1);
    expect(mail.to('cid@example.com').map((m) => m.subject)).toEqual(['Your cart is waiting, cid']);
    expect(mail.to('ben@example.com')).toEqual([]);
    expect(mail.to('ana@example.com')).toEqual([]);
  });
});
