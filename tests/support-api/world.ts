// The support API on real parts: a Temporal dev server, a real worker with the real activities
// (PGlite store, SMTP to a local sink), and the API server with the support routes over HTTP.
import { createHash, randomUUID } from 'node:crypto';
import { NativeConnection, DefaultLogger, Runtime, type Worker } from '@temporalio/worker';
import nodemailer from 'nodemailer';
import { createActivities } from '../../activities';
import { createApiServer } from '../../api';
import type { ApiKey } from '../../api/auth';
import { supportRoutes } from '../../api/routes/support';
import type { JourneyEvent } from '../../core/events';
import { journeyWorkflowId } from '../../core/ids';
import { JourneySchema, type JourneyInput, type JourneySnapshot } from '../../dsl/schema';
import { buildSnapshot } from '../../dsl/snapshot';
import type { Store } from '../../store/types';
import { createSupportService } from '../../support/service';
import type { SupportService } from '../../support/types';
import { createWorker } from '../../worker';
import { JOURNEY_WORKFLOW, type JourneyRunWorkflow } from '../../workflows/definitions';
import { listen, type Api } from '../api/http';
import { createTestStore } from '../support/db';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';
import { startTestTemporal, type TestTemporal } from '../support/temporal';

export const KEYS = {
  support: { name: 'desk', role: 'support', key: 'support-key-0123456789abcdef' },
  ingest: { name: 'orders', role: 'ingest', key: 'ingest-key-0123456789abcdef' },
  admin: { name: 'ops', role: 'admin', key: 'admin-key-0123456789abcdef' },
} satisfies Record<string, ApiKey>;

export const UI_URL = 'http://temporal-ui.test';
export const JOURNEY_ID = 'support-demo';

const TEMPLATES: Record<string, string> = {
  hello: '{{!-- email.subject --}}\nHello {{customer.id}}\n{{!-- email.text --}}\nWelcome aboard, {{customer.id}}.',
  tips: '{{!-- email.subject --}}\nTips for {{customer.id}}\n{{!-- email.text --}}\nA tip.',
};
const hashOf = (source: string) => createHash('sha256').update(source).digest('hex');

/** Send hello, sleep 30 days, send tips: a run that stays asleep for the whole test. */
const JOURNEY: JourneyInput = {
  id: JOURNEY_ID,
  name: 'Support demo',
  trigger: { event: 'order.completed' },
  steps: [
    { id: 'hello', send: { channel: 'email', template: 'hello' } },
    { id: 'rest', wait: '30d' },
    { id: 'tips', send: { channel: 'email', template: 'tips' } },
  ],
};

/** Save the demo templates in `store` and return the demo journey's snapshot. */
export async function demoSnapshot(store: Store): Promise<JourneySnapshot> {
  const hashes: Record<string, string> = {};
  for (const [name, source] of Object.entries(TEMPLATES)) {
    await store.saveTemplateVersion({ hash: hashOf(source), name, source });
    hashes[name] = hashOf(source);
  }
  return buildSnapshot(JourneySchema.parse(JOURNEY), hashes, `tests/support-api (${JOURNEY_ID})`);
}

export interface SupportWorld {
  api: Api;
  store: Store;
  service: SupportService;
  sink: SmtpSink;
  temporal: TestTemporal;
  customer(traits: Record<string, unknown>): Promise<string>;
  /** Start a run of the demo journey; resolves with its workflow id. */
  start(customerId: string, entryKey: string): Promise<string>;
  stop(): Promise<void>;
}

export async function startSupportWorld(): Promise<SupportWorld> {
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } } });
  } catch {
    // Installed already by an earlier test file in this jest worker.
  }
  const parts: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    for (const part of parts.reverse()) await part().catch(() => undefined);
  };
  try {
    const testStore = await createTestStore('pglite');
    parts.push(() => testStore.dispose());
    const store = testStore.store;
    const snapshot = await demoSnapshot(store);
    const sink = await startSmtpSink();
    parts.push(() => sink.close());
    const temporal = await startTestTemporal();
    parts.push(() => temporal.stop());
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: sink.port, secure: false, ignoreTLS: true });
    parts.push(async () => transport.close());
    const taskQueue = `support-api-${randomUUID()}`;
    const connection = await NativeConnection.connect({ address: temporal.server.address });
    parts.push(() => connection.close());
    const worker: Worker = await createWorker({
      connection,
      namespace: temporal.namespace,
      taskQueue,
      activities: createActivities({ store, email: { transport, from: 'Touchpoint <hello@touchpoint.test>' }, defaultTimezone: 'UTC' }),
    });
    const running = worker.run();
    parts.push(async () => {
      worker.shutdown();
      await running;
    });
    const service = createSupportService({ store, client: temporal.client, namespace: temporal.namespace, temporalUiUrl: UI_URL, taskQueue });
    const keys = Object.values(KEYS);
    const api = await listen(
      createApiServer({
        store,
        router: { route: async () => ({ runs: [] }) },
        apiKeys: keys,
        health: async () => ({}),
        plugins: [supportRoutes({ service, keys })],
      }),
    );
    parts.push(() => api.close());
    return {
      api,
      store,
      service,
      sink,
      temporal,
      async customer(traits) {
        const customerId = `c-${randomUUID().slice(0, 8)}`;
        await store.upsertContact({ customerId, traits, at: new Date().toISOString() });
        return customerId;
      },
      async start(customerId, entryKey) {
        const trigger: JourneyEvent = { id: `order-${randomUUID()}`, name: 'order.completed', properties: { order_id: entryKey }, timestamp: new Date().toISOString() };
        const handle = await temporal.client.workflow.start<JourneyRunWorkflow>(JOURNEY_WORKFLOW, {
          taskQueue,
          workflowId: journeyWorkflowId(JOURNEY_ID, customerId, entryKey),
          args: [{ snapshot, customerId, entryKey, trigger }],
        });
        return handle.workflowId;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Poll `read` until `accept` holds (visibility and workflow tasks catch up in moments). */
export async function eventually<T>(read: () => Promise<T>, accept: (value: T) => boolean, what: string): Promise<T> {
  let last: T | undefined;
  for (let i = 0; i < 300; i++) {
    last = await read();
    if (accept(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`never reached: ${what}; last: ${JSON.stringify(last)}`);
}
