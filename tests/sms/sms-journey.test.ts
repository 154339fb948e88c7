// SMS journeys end to end on the time-skipping Temporal server with the REAL activities, PGlite,
// the real twilio library, the Twilio emulator and the webhook plugin over real HTTP.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { createApiServer } from '../../api';
import { twilioWebhooks } from '../../api/routes/twilio-webhooks';
import { journeyWorkflowId } from '../../core/ids';
import type { RunState } from '../../core/run-state';
import { JourneySchema, type JourneyInput } from '../../dsl/schema';
import { buildSnapshot } from '../../dsl/snapshot';
import type { Store } from '../../store/types';
import { JOURNEY_WORKFLOW, runStateQuery, type JourneyRunWorkflow } from '../../workflows/definitions';
import { createTestStore, type TestStore } from '../support/db';
import { startTwilioEmulator, type TwilioEmulator } from '../support/twilio-emulator';
import { listen, type Api } from '../api/http';
import { startTimeSkipping } from '../workflows/support/time-skipping';
import { emulatorSmsDeps, PUBLIC_URL, saveSmsTemplate, SMS_TEMPLATE_HASH, smsCustomer } from './support';

const JOURNEY: JourneyInput = {
  id: 'sms-onboarding',
  name: 'SMS onboarding',
  trigger: { event: 'user.signed_up' },
  steps: [
    { id: 'welcome', send: { channel: 'sms', template: 'sms-welcome' } },
    { id: 'pause', wait: '3d' },
    { id: 'nudge', send: { channel: 'sms', template: 'sms-welcome' } },
  ],
};
const snapshot = buildSnapshot(JourneySchema.parse(JOURNEY), { 'sms-welcome': SMS_TEMPLATE_HASH }, 'tests/sms (sms-onboarding)');

describe('SMS journeys with real activities', () => {
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let running: Promise<void>;
  let testStore: TestStore;
  let store: Store;
  let emulator: TwilioEmulator;
  let api: Api;
  const taskQueue = `sms-journeys-${process.pid}`;

  beforeAll(async () => {
    try {
      Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } } });
    } catch {
      // Installed already by an earlier test file in this jest worker.
    }
    testStore = await createTestStore('pglite');
    store = testStore.store;
    await saveSmsTemplate(store);
    emulator = await startTwilioEmulator();
    api = await listen(
      createApiServer({
        store,
        router: { route: async () => ({ runs: [] }) },
        apiKeys: [],
        health: async () => ({}),
        plugins: [twilioWebhooks({ store, authToken: emulator.authToken, publicUrl: PUBLIC_URL })],
      }),
    );
    emulator.forward(PUBLIC_URL, api.url);
    env = await startTimeSkipping();
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: new DefaultLogger('ERROR') }),
      activities: createActivities({ store, email: null, sms: emulatorSmsDeps(emulator), defaultTimezone: 'UTC' }),
    });
    running = worker.run();
  });
  afterAll(async () => {
    worker?.shutdown();
    await running;
    await env?.teardown();
    await api?.close();
    await emulator?.stop();
    await testStore?.dispose();
  });

  const start = (customerId: string) =>
    env.client.workflow.start<JourneyRunWorkflow>(JOURNEY_WORKFLOW, {
      taskQueue,
      workflowId: journeyWorkflowId(snapshot.journey.id, customerId),
      args: [{ snapshot, customerId, trigger: { id: `signup-${customerId}`, name: 'user.signed_up', properties: { plan: 'pro' }, timestamp: '2030-01-01T09:00:00.000Z' } }],
    });

  const waitForState = async (handle: Awaited<ReturnType<typeof start>>, accept: (state: RunState) => boolean, what: string) => {
    let last: RunState | undefined;
    for (let i = 0; i < 500; i++) {
      last = await handle.query(runStateQuery);
      if (accept(last)) return last;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`run ${handle.workflowId} never reached: ${what}; last state: ${JSON.stringify(last)}`);
  };

  test('Twilio answers 500 then 201: the run retries the activity and the customer gets exactly one SMS', async () => {
    const customerId = await smsCustomer(store, { phone: '+14155550301', first_name: 'Ada' });
    emulator.failNext({ kind: 'server_error' });
    const handle = await start(customerId);
    const state = await waitForState(handle, (s) => s.sends.some((send) => send.stepId === 'welcome'), 'the welcome SMS decided');
    expect(state.sends).toEqual([expect.objectContaining({ stepId: 'welcome', channel: 'sms', reason: 'sent' })]);
    const texts = emulator.messages.filter((m) => m.to === '+14155550301');
    expect(texts).toHaveLength(1);
    expect(state.sends[0]?.providerId).toBe(texts[0]?.sid);
    await handle.terminate('test done');
  });

  test('a customer who texts STOP while the run waits gets no further marketing SMS from it', async () => {
    // Written with spaces and dashes: the STOP (from +14155550302) still matches through E.164.
    const customerId = await smsCustomer(store, { phone: '+1 415-555-0302', first_name: 'Bo' });
    const handle = await start(customerId);
    await waitForState(handle, (s) => s.currentStep === 'pause' && s.sends.length === 1, 'waiting in "pause" after the welcome SMS');

    const answer = await emulator.sendInbound(`${PUBLIC_URL}/webhooks/twilio/inbound`, { from: '+14155550302', body: 'STOP' });
    expect(answer.status).toBe(200);

    await handle.result();
    const state = await handle.query(runStateQuery);
    expect(state.sends.map((s) => [s.stepId, s.reason])).toEqual([
      ['welcome', 'sent'],
      ['nudge', expect.stringMatching(/^skipped:(unsubscribed|suppressed)$/)],
    ]);
    expect(emulator.messages.filter((m) => m.to === '+14155550302')).toHaveLength(1);
  });
});
