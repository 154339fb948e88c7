// A run that finished months ago, on the time-skipping server: getRun reads it from its result
// (the final RunState) and the message log, with no worker replaying anything.
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import nodemailer from 'nodemailer';
import { createActivities } from '../../activities';
import { journeyWorkflowId } from '../../core/ids';
import { createSupportService } from '../../support/service';
import { JOURNEY_WORKFLOW, type JourneyRunWorkflow } from '../../workflows/definitions';
import { createTestStore, type TestStore } from '../support/db';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';
import { startTimeSkipping } from '../workflows/support/time-skipping';
import { demoSnapshot, JOURNEY_ID } from './world';

describe('a run that finished months ago', () => {
  let env: TestWorkflowEnvironment;
  let testStore: TestStore;
  let sink: SmtpSink;
  beforeAll(async () => {
    try {
      Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } } });
    } catch {
      // Installed already by an earlier test file in this jest worker.
    }
    testStore = await createTestStore('pglite');
    sink = await startSmtpSink();
    env = await startTimeSkipping();
  }, 60_000);
  afterAll(async () => {
    await env?.teardown();
    await sink?.close();
    await testStore?.dispose();
  });

  test('is read by getRun from its result: completed, both sends with their reasons, the emails as sent', async () => {
    const store = testStore.store;
    const snapshot = await demoSnapshot(store);
    const customerId = `c-${randomUUID().slice(0, 8)}`;
    await store.upsertContact({ customerId, traits: { email: 'old@example.com' }, at: new Date().toISOString() });
    const taskQueue = `finished-run-${randomUUID()}`;
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: sink.port, secure: false, ignoreTLS: true });
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: new DefaultLogger('ERROR') }),
      activities: createActivities({ store, email: { transport, from: 'Touchpoint <hello@touchpoint.test>' }, defaultTimezone: 'UTC' }),
    });
    const workflowId = journeyWorkflowId(JOURNEY_ID, customerId, 'OLD-1');
    await worker.runUntil(async () => {
      const handle = await env.client.workflow.start<JourneyRunWorkflow>(JOURNEY_WORKFLOW, {
        taskQueue,
        workflowId,
        args: [{ snapshot, customerId, entryKey: 'OLD-1', trigger: { id: 'order-old-1', name: 'order.completed', properties: {}, timestamp: new Date().toISOString() } }],
      });
      await handle.result();
    });
    transport.close();
    await env.sleep('90d');

    // No worker polls any more: the detail must come from the closed run's result and the store.
    const service = createSupportService({ store, client: env.client, namespace: env.namespace ?? 'default', temporalUiUrl: null });
    const run = await service.getRun(workflowId);
    expect(run).toMatchObject({ workflowId, customerId, entryKey: 'OLD-1', status: 'completed', currentStep: null, nextWakeUp: null, closedAt: expect.any(String), temporalUiUrl: null });
    expect(run?.state?.stepsDone.map((step) => step.stepId)).toEqual(['hello', 'rest', 'tips']);
    expect(run?.state?.sends.map((send) => [send.stepId, send.reason])).toEqual([['hello', 'sent'], ['tips', 'sent']]);
    expect(run?.messages.map((message) => [message.stepId, message.reason, message.content?.subject])).toEqual([
      ['hello', 'sent', `Hello ${customerId}`],
      ['tips', 'sent', `Tips for ${customerId}`],
    ]);
    expect(await service.getRun(journeyWorkflowId(JOURNEY_ID, 'nobody'))).toBeNull();
  });
});
