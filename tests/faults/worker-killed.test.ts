// The worker is killed (SIGKILL) after the SMTP server received the whole email and before the
// message log recorded the answer. A new worker takes the retried activity over: it finds the
// send `dispatching`, does not send again, and records unknown:provider_outcome (at most once).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DefaultLogger, Runtime, Worker, bundleWorkflowCode } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import nodemailer from 'nodemailer';
import { createActivities } from '../../activities';
import { journeyWorkflowId } from '../../core/ids';
import { buildSnapshot } from '../../dsl/snapshot';
import { JourneySchema } from '../../dsl/schema';
import { JOURNEY_WORKFLOW, type JourneyRunWorkflow } from '../../workflows/definitions';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';
import { createTestStore, type TestStore } from '../support/db';
import { startTimeSkipping } from '../workflows/support/time-skipping';
import { startChild, type RunningChild } from './support/child-process';
import { sharePostgres, type Release } from './support/postgres-lock';

const TEMPLATE = '{{!-- email.subject --}}\nYour order {{event.properties.order_id}}\n{{!-- email.text --}}\nThanks.';

describe('worker killed between the provider call and the log update', () => {
  let env: TestWorkflowEnvironment;
  let testStore: TestStore;
  let mail: SmtpSink;
  let child: RunningChild | undefined;
  let releasePostgres: Release | undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'touchpoint-faults-killed-'));
  const workers: Array<{ worker: Worker; running: Promise<void> }> = [];
  let arrived: () => void;
  const emailArrived = new Promise<void>((resolveArrived) => (arrived = resolveArrived));
  let release: () => void;
  const replyReleased = new Promise<void>((resolveRelease) => (release = resolveRelease));

  beforeAll(async () => {
    try {
      Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } } });
    } catch {
      // Installed already in this jest worker.
    }
    releasePostgres = await sharePostgres();
    testStore = await createTestStore('postgres');
    // The first email's 250 is held until the test has killed the worker that sent it.
    mail = await startSmtpSink({
      beforeReply: async () => {
        arrived();
        await replyReleased;
      },
    });
    env = await startTimeSkipping();
  }, 600_000);
  afterAll(async () => {
    release();
    await child?.kill('SIGKILL');
    for (const { worker, running } of workers) {
      worker.shutdown();
      await running.catch(() => undefined);
    }
    await env?.teardown();
    await mail?.close();
    await testStore?.dispose();
    releasePostgres?.();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const runWorker = async (options: Parameters<typeof Worker.create>[0]) => {
    const worker = await Worker.create(options);
    workers.push({ worker, running: worker.run() });
  };

  test('no second email is sent and the run records unknown:provider_outcome', async () => {
    const store = testStore.store;
    const taskQueue = `faults-${process.pid}-${Date.now()}`;
    const customerId = 'killed-1';
    await store.upsertContact({ customerId, traits: { email: 'once@example.com' }, at: new Date().toISOString() });
    await store.saveTemplateVersion({ hash: 'order-v1', name: 'order', source: TEMPLATE });
    const journey = JourneySchema.parse({
      id: 'orders', name: 'Orders', trigger: { event: 'order.completed' },
      steps: [{ id: 'thanks', send: { channel: 'email', template: 'order', category: 'transactional' } }],
    });

    // Workflows run here; the first activity worker runs in the child process.
    await runWorker({ connection: env.nativeConnection, taskQueue, workflowBundle: await bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: new DefaultLogger('ERROR') }) });
    child = await startChild({
      entry: 'tests/faults/child/worker.ts',
      env: { ...process.env, TEMPORAL_ADDRESS: env.address, TEMPORAL_TASK_QUEUE: taskQueue, DATABASE_URL: testStore.databaseUrl ?? '', SMTP_URL: mail.url, TOUCHPOINT_DATA_DIR: dataDir, QUIET_HOURS: '', FREQUENCY_CAPS: '' },
      readyWhen: 'worker ready',
    });
    const handle = await env.client.workflow.start<JourneyRunWorkflow>(JOURNEY_WORKFLOW, {
      taskQueue,
      workflowId: journeyWorkflowId('orders', customerId),
      args: [{ snapshot: buildSnapshot(journey, { order: 'order-v1' }, 'tests/faults'), customerId, trigger: { id: 'evt-o-1', name: 'order.completed', properties: { order_id: 'A-1' }, timestamp: new Date().toISOString() } }],
    });
    const key = `${handle.workflowId}/${handle.firstExecutionRunId}/thanks/1`;

    await emailArrived;
    expect(await store.getMessage(key)).toMatchObject({ status: 'dispatching', address: 'once@example.com' });
    await child.kill('SIGKILL');
    release();

    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: mail.port, secure: false, ignoreTLS: true });
    await runWorker({ connection: env.nativeConnection, taskQueue, activities: createActivities({ store, email: { transport, from: 'hello@touchpoint.test' }, defaultTimezone: 'UTC' }) });
    // Temporal learns of the dead worker only when the attempt's start-to-close timeout (1 minute) runs
    // out, and the test server does not skip time while an attempt is out: this waits a real minute.
    const state = await handle.result();
    transport.close();

    expect(state.sends.map((s) => `${s.stepId}:${s.reason}`)).toEqual(['thanks:unknown:provider_outcome']);
    expect(state.sends[0]?.detail).toContain("stopped before recording the provider's answer");
    expect(mail.messages.map((m) => m.subject)).toEqual(['Your order A-1']);
    expect(await store.getMessage(key)).toMatchObject({ status: 'done', reason: 'unknown:provider_outcome', address: 'once@example.com' });
    console.log(`faults: worker SIGKILL between SMTP DATA and the log update → 1/1 completed, ${mail.messages.length} email, 0 dup, logged ${state.sends[0]?.reason}`);
  }, 150_000);
});
