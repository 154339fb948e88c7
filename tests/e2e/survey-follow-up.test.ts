// A follow-up email quotes the customer's survey answer, on the real Temporal dev server with a
// real worker, the real activities (PGlite store, SMTP to a local sink, signed survey links) and
// the real ingest → router path: order → NPS email → the answer event → the follow-up email
// reads {{survey.score}} and {{survey.comment}}.
import { createHash, randomUUID } from 'node:crypto';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import nodemailer, { type Transporter } from 'nodemailer';
import { createActivities } from '../../activities';
import { ingest } from '../../api/ingest';
import { JourneySchema, type JourneyInput } from '../../dsl/schema';
import { buildSnapshot } from '../../dsl/snapshot';
import { createRouter } from '../../routing';
import { createWorker } from '../../worker';
import { createTestStore, type TestStore } from '../support/db';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';
import { startTestTemporal, type TestTemporal } from '../support/temporal';

const TEMPLATES: Record<string, string> = {
  'nps-ask': '{{!-- email.subject --}}\nHow did we do?\n{{!-- email.text --}}\nAnswer here: {{survey.url}}',
  'nps-follow-up':
    '{{!-- email.subject --}}\nAbout your {{survey.score}}/10\n{{!-- email.text --}}\n{{#if survey.answered}}You told us: "{{survey.comment}}". We are on it.{{/if}}',
};
const JOURNEY: JourneyInput = {
  id: 'nps-e2e',
  name: 'NPS follow-up e2e',
  trigger: { event: 'order.delivered' },
  steps: [
    { id: 'nps', survey: { kind: 'nps', channel: 'email', template: 'nps-ask', wait: '7d', category: 'transactional' } },
    { id: 'follow-up', send: { channel: 'email', template: 'nps-follow-up', category: 'transactional' } },
  ],
};
const hashOf = (source: string) => createHash('sha256').update(source).digest('hex');

describe('a follow-up email after a survey step, end to end', () => {
  let db: TestStore;
  let sink: SmtpSink;
  let temporal: TestTemporal;
  let transport: Transporter;
  let connection: NativeConnection;
  let worker: Worker;
  let running: Promise<void>;

  beforeAll(async () => {
    try {
      Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } } });
    } catch {
      // Installed already by an earlier test file in this jest worker.
    }
    [db, sink, temporal] = await Promise.all([createTestStore('pglite'), startSmtpSink(), startTestTemporal()]);
    transport = nodemailer.createTransport({ host: '127.0.0.1', port: sink.port, secure: false, ignoreTLS: true });
    connection = await NativeConnection.connect({ address: temporal.server.address });
  }, 120_000);
  afterAll(async () => {
    if (worker?.getState() === 'RUNNING') worker.shutdown();
    await running;
    await connection?.close();
    transport?.close();
    await temporal?.stop();
    await sink?.close();
    await db?.dispose();
  });

  test('the customer answers 4 with a comment; the follow-up quotes both', async () => {
    const store = db.store;
    const hashes: Record<string, string> = {};
    for (const [name, source] of Object.entries(TEMPLATES)) {
      hashes[name] = hashOf(source);
      await store.saveTemplateVersion({ hash: hashes[name]!, name, source });
    }
    const snapshot = buildSnapshot(JourneySchema.parse(JOURNEY), hashes, 'tests/e2e (nps-e2e)');
    const taskQueue = `nps-e2e-${randomUUID()}`;
    worker = await createWorker({
      connection,
      namespace: temporal.namespace,
      taskQueue,
      activities: createActivities({
        store,
        email: { transport, from: 'Shop <hello@shop.example>' },
        links: { publicUrl: 'https://touchpoint.shop.example', secret: 'e2e-link-secret-0123456789abcdef' },
        defaultTimezone: 'UTC',
      }),
    });
    running = worker.run();
    const router = createRouter({ client: temporal.client, store, journeys: [snapshot], taskQueue });
    const customerId = `c-${randomUUID().slice(0, 8)}`;
    const send = (messageId: string, event: string, properties: Record<string, unknown>, traits: Record<string, unknown> = {}) =>
      ingest({ store, router }, { messageId, type: 'track', customerId, event, properties, traits, timestamp: new Date().toISOString() });

    await send(`m-${customerId}-1`, 'order.delivered', { order_id: 'A-1' }, { email: `${customerId}@shop.example` });
    await sink.waitFor(1, 60_000);
    const asked = sink.to(`${customerId}@shop.example`);
    expect(asked[0]?.subject).toBe('How did we do?');
    // The SMTP server has it before the activity records the outcome: wait for the log.
    let survey;
    for (let i = 0; i < 200 && survey?.reason !== 'sent'; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, 50));
      [survey] = (await store.listMessages({ workflowId: `journey/nps-e2e/${customerId}`, limit: 10 })).filter((m) => m.stepId === 'nps');
    }
    expect(survey?.reason).toBe('sent');

    // What the survey page ingests when the customer answers (api/routes/surveys.ts).
    await send(`m-${customerId}-2`, 'survey.responded', {
      survey_id: 'nps-e2e.nps',
      kind: 'nps',
      score: 4,
      category: 'detractor',
      comment: 'The box arrived crushed & nobody called back',
      sentiment: 'negative',
      sentiment_score: -0.6,
      journey_id: 'nps-e2e',
      step_id: 'nps',
      message_key: survey!.messageKey,
      revision: 1,
    });
    await sink.waitFor(2, 60_000);
    const [, followUp] = sink.to(`${customerId}@shop.example`);
    expect(followUp?.subject).toBe('About your 4/10');
    expect(followUp?.text?.trim()).toBe('You told us: "The box arrived crushed & nobody called back". We are on it.');
  }, 120_000);
});
