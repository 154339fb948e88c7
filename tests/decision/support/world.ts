// The whole send path for decision tests: the real journey workflow on a time-skipping server,
// the real activities (createActivities) on a PGlite store, a real SMTP server and a real HTTP
// server with the unsubscribe routes. The activities' clock follows the test server's time.
import { createHash, randomUUID } from 'node:crypto';
import { Context } from '@temporalio/activity';
import type { WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import Fastify, { type FastifyInstance } from 'fastify';
import nodemailer from 'nodemailer';
import { createActivities } from '../../../activities';
import type { JourneyActivities, SendPolicy } from '../../../activities/contract';
import { unsubscribeRoutes } from '../../../api/routes/unsubscribe';
import { journeyWorkflowId } from '../../../core/ids';
import type { JourneyEvent } from '../../../core/events';
import type { RunState } from '../../../core/run-state';
import { buildSnapshot } from '../../../dsl/snapshot';
import { JourneySchema, type JourneyInput } from '../../../dsl/schema';
import type { Store } from '../../../store/types';
import { JOURNEY_WORKFLOW, runStateQuery, type JourneyRunWorkflow } from '../../../workflows/definitions';
import { createTestStore, type TestStore } from '../../support/db';
import { startTimeSkipping } from '../../workflows/support/time-skipping';
import { startSmtpSink, type SmtpSink } from '../../support/smtp-sink';

/** Templates every decision test can send; `news` shows the unsubscribe link. */
export const TEMPLATES: Record<string, string> = {
  news: '{{!-- email.subject --}}\nNews for {{customer.id}} ({{journey.id}})\n{{!-- email.text --}}\nHello. Unsubscribe: {{links.unsubscribe}}',
  tips: '{{!-- email.subject --}}\nTips for {{customer.id}}\n{{!-- email.text --}}\nA tip.',
  receipt: '{{!-- email.subject --}}\nReceipt for {{customer.id}}\n{{!-- email.text --}}\nThanks for your order.',
};
const hashOf = (source: string) => createHash('sha256').update(source).digest('hex');

export type Steps = JourneyInput['steps'];

export interface World {
  env: TestWorkflowEnvironment;
  store: Store;
  mail: SmtpSink;
  /** Base URL of the HTTP server with GET/POST /u/<token>. */
  publicUrl: string;
  secret: string;
  /** A new customer with these traits (fresh id). */
  customer(traits: Record<string, unknown>): Promise<string>;
  /** Start a run of a one-off journey for this customer; `workflowId` fixed by journey and customer. */
  start(customerId: string, steps: Steps, options?: { quietHours?: JourneyInput['quiet_hours']; trigger?: JourneyEvent; journeyId?: string }): Promise<RunHandle>;
  /** Start and wait for the run's end (time skips over its timers). */
  run(customerId: string, steps: Steps, options?: Parameters<World['start']>[2]): Promise<RunState>;
  /** Poll the run's state until `accept` holds. */
  waitForState(handle: RunHandle, accept: (state: RunState) => boolean, what: string): Promise<RunState>;
  stop(): Promise<void>;
}

export type RunHandle = WorkflowHandleWithFirstExecutionRunId<JourneyRunWorkflow>;

export interface WorldOptions {
  policy?: SendPolicy;
  /** Wrap the real activities (fault injection around the store, say). @default none */
  wrapStore?: (store: Store) => Store;
  /** Send email to this port instead of the world's mail server (a server the test starts later). @default the world's */
  smtpPort?: number;
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

export async function startWorld(options: WorldOptions = {}): Promise<World> {
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } } });
  } catch {
    // Installed already by an earlier test file in this jest worker.
  }
  bundle ??= bundleWorkflowCode({ workflowsPath: require.resolve('../../../workflows'), logger: new DefaultLogger('ERROR') });
  const parts: Array<() => Promise<unknown>> = [];
  const stopAll = async () => {
    for (const stop of parts.reverse()) await stop().catch(() => undefined);
  };
  try {
    const testStore: TestStore = await createTestStore('pglite');
    parts.push(() => testStore.dispose());
    const store = testStore.store;
    const templates: Record<string, string> = {};
    for (const [name, source] of Object.entries(TEMPLATES)) {
      await store.saveTemplateVersion({ hash: hashOf(source), name, source });
      templates[name] = hashOf(source);
    }
    const mail = await startSmtpSink();
    parts.push(() => mail.close());
    const secret = randomUUID().repeat(2);
    const http: FastifyInstance = Fastify({ logger: false });
    await http.register(unsubscribeRoutes({ store, secret }));
    const publicUrl = (await http.listen({ port: 0, host: '127.0.0.1' })).replace('localhost', '127.0.0.1');
    parts.push(() => http.close());

    const env = await startTimeSkipping();
    parts.push(() => env.teardown());
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: options.smtpPort ?? mail.port, secure: false, ignoreTLS: true });
    parts.push(async () => transport.close());
    const activities: JourneyActivities = createActivities({
      store: options.wrapStore ? options.wrapStore(store) : store,
      email: { transport, from: 'Touchpoint <hello@touchpoint.test>' },
      defaultTimezone: 'UTC',
      ...(options.policy ? { policy: options.policy } : {}),
      links: { publicUrl, secret },
      // Caps and quiet hours decide by the test server's clock, which skips with the workflow's timers.
      now: () => new Date(Context.current().info.currentAttemptScheduledTimestampMs),
    });
    const taskQueue = `decision-${randomUUID()}`;
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await bundle, activities });
    const running = worker.run();
    parts.push(async () => {
      worker.shutdown();
      await running;
    });

    const start: World['start'] = async (customerId, steps, runOptions = {}) => {
      const journeyId = runOptions.journeyId ?? 'decision';
      const journey = JourneySchema.parse({
        id: journeyId,
        name: 'Decision test',
        trigger: { event: 'signed.up' },
        ...(runOptions.quietHours === undefined ? {} : { quiet_hours: runOptions.quietHours }),
        steps,
      });
      const snapshot = buildSnapshot(journey, templates, `tests/decision (${journeyId})`);
      const trigger = runOptions.trigger ?? { id: `evt-${randomUUID()}`, name: 'signed.up', properties: {}, timestamp: new Date().toISOString() };
      return env.client.workflow.start<JourneyRunWorkflow>(JOURNEY_WORKFLOW, {
        taskQueue,
        workflowId: journeyWorkflowId(journeyId, customerId),
        args: [{ snapshot, customerId, trigger }],
      });
    };
    return {
      env,
      store,
      mail,
      publicUrl,
      secret,
      async customer(traits) {
        const customerId = `c-${randomUUID().slice(0, 8)}`;
        await store.upsertContact({ customerId, traits, at: new Date().toISOString() });
        return customerId;
      },
      start,
      run: async (customerId, steps, runOptions) => (await start(customerId, steps, runOptions)).result(),
      async waitForState(handle, accept, what) {
        let last: RunState | undefined;
        for (let i = 0; i < 500; i++) {
          last = await handle.query(runStateQuery);
          if (accept(last)) return last;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        throw new Error(`run ${handle.workflowId} never reached: ${what}; last state: ${JSON.stringify(last)}`);
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
