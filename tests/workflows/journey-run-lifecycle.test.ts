// The journey interpreter over long stretches of time: inactivity triggers, deferred sends,
// local-time waits and continue-as-new, on the time-skipping server.
import type { JourneyInput } from '../../dsl/schema';
import { journeyEventSignal } from '../../workflows/definitions';
import { event, startHarness, type Harness, type RunHandle } from './support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

const DAY = 86_400_000;
const HOUR = 3_600_000;

const winBack: JourneyInput = {
  id: 'win-back',
  name: 'Win-back',
  trigger: { inactivity: { event: 'order.completed', for: '30d' } },
  exit_on: ['unsubscribed'],
  goal: 'order.completed',
  steps: [
    { id: 'miss-you', send: { channel: 'email', template: 'miss-you' } },
    { id: 'pause', wait: '7d' },
    { id: 'last-call', send: { channel: 'email', template: 'last-call' } },
  ],
};

test('an inactivity journey starts its steps only after a quiet period; each watched event restarts the clock', async () => {
  const first = event('order.completed', { total: 30 });
  const { handle, customerId } = await h.start(winBack, { trigger: first });
  // signalWithStart delivers the trigger as a signal as well: not an event of its own, nor a duplicate.
  await handle.signal(journeyEventSignal, first);
  const watching = await h.waitForState(handle, (s) => s.status === 'watching' && s.nextWakeUp !== null, 'watching');
  expect(watching).toMatchObject({ currentStep: null, eventsReceived: 0, duplicateEvents: 0 });
  const firstDeadline = Date.parse(watching.nextWakeUp ?? '');

  await h.env.sleep(20 * DAY);
  const second = event('order.completed', { total: 45 });
  await handle.signal(journeyEventSignal, second);
  // Before entry, exit_on does not apply: the customer is only being watched.
  await handle.signal(journeyEventSignal, event('unsubscribed'));
  const restarted = await h.waitForState(handle, (s) => s.eventsReceived === 2, 'both events received');
  expect(restarted.status).toBe('watching');
  expect(Date.parse(restarted.nextWakeUp ?? '')).toBeGreaterThanOrEqual(firstDeadline + 20 * DAY);

  await h.env.sleep(20 * DAY);
  const stillWatching = await handle.query('state');
  expect(stillWatching).toMatchObject({ status: 'watching' });
  expect(h.activities.sent(customerId)).toEqual([]);

  const result = await handle.result();
  expect(result.status).toBe('completed');
  const missYou = result.stepsDone[0];
  expect(missYou?.stepId).toBe('miss-you');
  expect(Date.parse(missYou?.enteredAt ?? '')).toBeGreaterThanOrEqual(Date.parse(restarted.nextWakeUp ?? ''));
  // Templates see the last watched event as the trigger.
  expect(h.activities.sent(customerId).map((s) => [s.template, s.trigger.id])).toEqual([
    ['miss-you', second.id],
    ['last-call', second.id],
  ]);
});

test('after entry the watched event is the goal of a win-back journey', async () => {
  const { handle } = await h.start(winBack, { trigger: event('order.completed') });
  await h.env.sleep(31 * DAY);
  await h.waitForState(handle, (s) => s.currentStep === 'pause', 'the pause after entry');
  await handle.signal(journeyEventSignal, event('order.completed'));
  expect(await handle.result()).toMatchObject({ status: 'converted', endReason: 'goal order.completed' });
});

test('a deferred send sleeps until retryAt and is tried again under a new message key', async () => {
  const quietHours: JourneyInput = {
    id: 'quiet-hours',
    name: 'Quiet hours',
    trigger: { event: 'signed.up' },
    steps: [{ id: 'welcome', send: { channel: 'sms', template: 'welcome' } }],
  };
  const customerId = 'night-owl';
  let retryAt = '';
  h.activities.decideSends(customerId, (request, attempt, scheduledAt) => {
    if (attempt > 1) return undefined;
    retryAt = new Date(scheduledAt + 8 * HOUR).toISOString();
    return { reason: 'deferred:quiet_hours', channel: request.channel, retryAt, detail: 'quiet hours 21:00-08:00' };
  });
  const { handle } = await h.start(quietHours, { customerId });
  const deferred = await h.waitForState(handle, (s) => s.sends.length === 1, 'the deferred decision');
  expect(deferred).toMatchObject({ currentStep: 'welcome', nextWakeUp: retryAt });
  const result = await handle.result();
  const [firstKey, secondKey] = h.activities.sent(customerId).map((s) => s.messageKey);
  expect(secondKey).toBe(`${firstKey}/attempt-2`);
  expect(result.sends.map((s) => [s.reason, s.messageKey])).toEqual([
    ['deferred:quiet_hours', firstKey],
    ['sent', secondKey],
  ]);
  expect(Date.parse(result.sends[1]?.at ?? '')).toBeGreaterThanOrEqual(Date.parse(retryAt));
  expect(result.stepsDone).toEqual([expect.objectContaining({ stepId: 'welcome', outcome: 'sent (sms)' })]);
});

test('a wait until a local time sleeps to the next occurrence of that time', async () => {
  const morning: JourneyInput = {
    id: 'morning',
    name: 'Morning',
    trigger: { event: 'signed.up' },
    steps: [{ id: 'until-morning', wait: { until: '09:30' } }],
  };
  const { handle } = await h.start(morning);
  const result = await handle.result();
  const step = result.stepsDone[0];
  const entered = new Date(step?.enteredAt ?? '');
  const expected = new Date(entered);
  expected.setUTCHours(9, 30, 0, 0);
  if (expected <= entered) expected.setUTCDate(expected.getUTCDate() + 1);
  expect(step?.outcome).toBe(`waited until ${expected.toISOString()}`);
});

async function waitForNewRun(handle: RunHandle, firstRunId: string): Promise<string> {
  for (let i = 0; i < 500; i++) {
    const { runId } = await handle.describe();
    if (runId !== firstRunId) return runId;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`run ${handle.workflowId} did not continue as new`);
}

test('continue-as-new in the middle of a wait keeps the deadline, buffered events, sends and counters', async () => {
  const journey: JourneyInput = {
    id: 'long-runner',
    name: 'Long runner',
    trigger: { event: 'signed.up' },
    steps: [
      { id: 'welcome', send: { channel: 'email', template: 'welcome' } },
      { id: 'pause', wait: '3d' },
      {
        id: 'await-order',
        wait_for: { event: 'order.completed', timeout: '5d', on_event: [{ id: 'thanks', send: { channel: 'email', template: 'thanks' } }] },
      },
    ],
  };
  // The first run reaches the pause with 12–17 history events (how workflow tasks batch varies), so it
  // never continues as new before the signals; seven signals add at least 10 events, so it always
  // does after them, with the events buffered in the wait.
  const { handle, customerId } = await h.start(journey, { limits: { maxHistoryEvents: 20 } });
  const before = await h.waitForState(handle, (s) => s.currentStep === 'pause', 'the pause step');
  const { runId: firstRunId } = await handle.describe();
  expect(firstRunId).toBe(handle.firstExecutionRunId);
  const order = event('order.completed');
  for (let i = 0; i < 7; i++) await handle.signal(journeyEventSignal, order);
  await waitForNewRun(handle, firstRunId);

  const after = await h.waitForState(handle, (s) => s.currentStep === 'pause', 'the pause step in the new run');
  expect(after).toMatchObject({ nextWakeUp: before.nextWakeUp, eventsReceived: 1, duplicateEvents: 6, sends: before.sends, stepsDone: before.stepsDone });

  const result = await handle.result();
  expect(result.stepsDone.map((s) => [s.stepId, s.outcome])).toEqual([
    ['welcome', 'sent (email)'],
    ['pause', `waited until ${before.nextWakeUp}`],
    ['await-order', `received order.completed (${order.id})`],
    ['thanks', 'sent (email)'],
  ]);
  // Message keys use the first run id, so they stay the same whatever run sends.
  expect(h.activities.sent(customerId).map((s) => s.messageKey)).toEqual([
    `${handle.workflowId}/${handle.firstExecutionRunId}/welcome/1`,
    `${handle.workflowId}/${handle.firstExecutionRunId}/thanks/1`,
  ]);
});

test('continue-as-new while watching keeps the quiet-period deadline', async () => {
  const { handle } = await h.start(winBack, { trigger: event('order.completed'), limits: { maxHistoryEvents: 10 } });
  const { runId: firstRunId } = await handle.describe();
  await handle.signal(journeyEventSignal, event('order.completed'));
  const restarted = await h.waitForState(handle, (s) => s.eventsReceived === 1, 'the clock restart');
  await handle.signal(journeyEventSignal, event('page.viewed'));
  await waitForNewRun(handle, firstRunId);
  const after = await h.waitForState(handle, (s) => s.eventsReceived === 2, 'the new run');
  expect(after).toMatchObject({ status: 'watching', nextWakeUp: restarted.nextWakeUp });
  expect(await handle.result()).toMatchObject({ status: 'completed' });
});

test('a loop of steps that never waits fails the run instead of spinning', async () => {
  const spin: JourneyInput = {
    id: 'spin',
    name: 'Spin',
    trigger: { event: 'signed.up' },
    steps: [
      { id: 'there', goto: 'back' },
      { id: 'back', goto: 'there' },
    ],
  };
  const { handle } = await h.start(spin);
  await expect(handle.result()).rejects.toMatchObject({
    cause: { type: 'JourneyLoop', message: expect.stringContaining('a loop made with goto must pass through a wait or wait_for step') },
  });
});
