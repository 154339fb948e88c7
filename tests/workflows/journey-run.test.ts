// The journey interpreter on the time-skipping server: sends, waits, events, branches, splits, endings.
import { ApplicationFailure } from '@temporalio/common';
import { assignVariant } from '../../dsl/split';
import type { JourneyInput } from '../../dsl/schema';
import { CURRENT_STEP, CUSTOMER_ID, JOURNEY_ID, JOURNEY_VERSION } from '../../workflows/search-attributes';
import { exitRunSignal, journeyEventSignal } from '../../workflows/definitions';
import { event, startHarness, type Harness } from './support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

const DAY = 86_400_000;

const onboarding: JourneyInput = {
  id: 'onboarding',
  name: 'Onboarding',
  trigger: { event: 'signed.up' },
  exit_on: ['unsubscribed'],
  goal: 'order.completed',
  steps: [
    { id: 'welcome', send: { channel: 'email', template: 'welcome' } },
    { id: 'pause', wait: '3d' },
    { id: 'tips', send: { channel: 'email', template: 'tips' } },
  ],
};

test('a journey with a three-day wait completes and sends its messages in order', async () => {
  const { handle, customerId } = await h.start(onboarding);
  const result = await handle.result();
  expect(result.status).toBe('completed');
  expect(result.endReason).toBe('completed');
  expect(result.stepsDone.map((s) => s.stepId)).toEqual(['welcome', 'pause', 'tips']);
  const pause = result.stepsDone[1];
  const wakeUp = new Date(Date.parse(pause?.enteredAt ?? '') + 3 * DAY).toISOString();
  expect(pause?.outcome).toBe(`waited until ${wakeUp}`);
  expect(Date.parse(pause?.finishedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(wakeUp));
  const sent = h.activities.sent(customerId);
  expect(sent.map((s) => s.template)).toEqual(['welcome', 'tips']);
  const { firstExecutionRunId } = await handle.describe().then((d) => ({ firstExecutionRunId: d.runId }));
  expect(sent.map((s) => s.messageKey)).toEqual([
    `${handle.workflowId}/${firstExecutionRunId}/welcome/1`,
    `${handle.workflowId}/${firstExecutionRunId}/tips/1`,
  ]);
  expect(result.sends.map((s) => [s.stepId, s.reason])).toEqual([
    ['welcome', 'sent'],
    ['tips', 'sent'],
  ]);
});

test('the state query shows the current step and its wake-up time during a wait; TouchpointStep is never upserted', async () => {
  const { handle } = await h.start(onboarding);
  const state = await h.waitForState(handle, (s) => s.currentStep === 'pause', 'the pause step');
  const entered = await h.waitForState(handle, (s) => s.stepsDone.length === 1, 'welcome done').then((s) => s.stepsDone[0]?.finishedAt);
  expect(state.status).toBe('running');
  expect(state.nextWakeUp).toBe(new Date(Date.parse(entered ?? '') + 3 * DAY).toISOString());
  expect(state.waitingFor).toBeNull();
  const description = await handle.describe();
  // Runs started since the touchpoint-no-step-attribute patch show their step through the query only.
  expect(description.typedSearchAttributes.get(CURRENT_STEP)).toBeUndefined();
  const events = (await handle.fetchHistory()).events ?? [];
  const upserted = events.flatMap((e) => Object.keys(e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields ?? {}));
  // The run labels itself once (and Temporal records its patches in TemporalChangeVersion); no step upserts.
  expect(upserted).toEqual(expect.arrayContaining([CUSTOMER_ID.name, JOURNEY_ID.name, JOURNEY_VERSION.name]));
  expect(upserted).not.toContain(CURRENT_STEP.name);
  expect(description.typedSearchAttributes.get(CUSTOMER_ID)).toBe(state.customerId);
  expect(description.typedSearchAttributes.get(JOURNEY_ID)).toBe('onboarding');
  expect(description.typedSearchAttributes.get(JOURNEY_VERSION)).toBe(state.journeyVersion);
  await handle.terminate('test done');
});

test('a send that fails for good is recorded as failed:provider and the journey goes on', async () => {
  const customerId = 'broken-template';
  h.activities.decideSends(customerId, (request, attempt) => {
    if (attempt === 1) throw ApplicationFailure.nonRetryable(`template ${request.template} has no email part`, 'TemplateBroken');
    return undefined;
  });
  const { handle } = await h.start(onboarding, { customerId });
  const result = await handle.result();
  expect(result.status).toBe('completed');
  expect(result.sends.map((s) => [s.stepId, s.reason, s.detail])).toEqual([
    ['welcome', 'failed:provider', 'TemplateBroken: template welcome has no email part'],
    ['tips', 'sent', undefined],
  ]);
});

const orderFollowUp: JourneyInput = {
  id: 'order-follow-up',
  name: 'Order follow-up',
  trigger: { event: 'cart.abandoned' },
  steps: [
    { id: 'cool-off', wait: '1d' },
    {
      id: 'await-order',
      wait_for: {
        event: 'order.completed',
        where: { field: 'event.properties.total', op: 'gte', value: 50 },
        timeout: '7d',
        on_event: [{ id: 'thanks', send: { channel: 'email', template: 'thanks' } }],
        on_timeout: [{ id: 'nudge', send: { channel: 'email', template: 'nudge' } }],
      },
    },
    { id: 'done', exit: { reason: 'follow-up over' } },
  ],
};

test('an event signalled before its wait_for step is reached is not lost', async () => {
  const { handle, customerId } = await h.start(orderFollowUp);
  await h.waitForState(handle, (s) => s.currentStep === 'cool-off', 'the cool-off wait');
  await handle.signal(journeyEventSignal, event('order.completed', { total: 20 }, 'small-order'));
  await handle.signal(journeyEventSignal, event('order.completed', { total: 80 }, 'big-order'));
  const result = await handle.result();
  expect(result.stepsDone.map((s) => [s.stepId, s.outcome])).toEqual([
    ['cool-off', expect.stringMatching(/^waited until /)],
    ['await-order', 'received order.completed (big-order)'],
    ['thanks', 'sent (email)'],
    ['done', 'exit: follow-up over'],
  ]);
  // Found at once: the wait_for step did not sleep.
  const awaitOrder = result.stepsDone[1];
  expect(awaitOrder?.finishedAt).toBe(awaitOrder?.enteredAt);
  expect(h.activities.sent(customerId).map((s) => s.template)).toEqual(['thanks']);
  expect(result).toMatchObject({ status: 'exited', endReason: 'exit step done: follow-up over', eventsReceived: 2, duplicateEvents: 0 });
});

test('a wait_for that times out takes its on_timeout steps', async () => {
  const { handle, customerId } = await h.start(orderFollowUp);
  const result = await handle.result();
  const awaitOrder = result.stepsDone.find((s) => s.stepId === 'await-order');
  expect(awaitOrder?.outcome).toBe('timeout');
  expect(Date.parse(awaitOrder?.finishedAt ?? '') - Date.parse(awaitOrder?.enteredAt ?? '')).toBeGreaterThanOrEqual(7 * DAY);
  expect(h.activities.sent(customerId).map((s) => s.template)).toEqual(['nudge']);
});

test('an event delivered twice with the same id counts once', async () => {
  const twoOrders: JourneyInput = {
    id: 'two-orders',
    name: 'Two orders',
    trigger: { event: 'signed.up' },
    steps: [
      { id: 'first-order', wait_for: { event: 'order.completed', timeout: '10d' } },
      { id: 'second-order', wait_for: { event: 'order.completed', timeout: '10d' } },
    ],
  };
  const { handle } = await h.start(twoOrders);
  await h.waitForState(handle, (s) => s.waitingFor === 'order.completed', 'waiting for an order');
  const order = event('order.completed', { total: 10 });
  await handle.signal(journeyEventSignal, order);
  await handle.signal(journeyEventSignal, order);
  const result = await handle.result();
  expect(result.stepsDone.map((s) => s.outcome)).toEqual([`received order.completed (${order.id})`, 'timeout']);
  expect(result.eventsReceived).toBe(1);
  expect(result.duplicateEvents).toBe(1);
});

test('an exit_on event ends a sleeping run at once', async () => {
  const { handle, customerId } = await h.start(onboarding);
  await h.waitForState(handle, (s) => s.currentStep === 'pause', 'the pause step');
  await handle.signal(journeyEventSignal, event('unsubscribed'));
  const result = await handle.result();
  expect(result).toMatchObject({ status: 'exited', endReason: 'exit_on unsubscribed', currentStep: null, nextWakeUp: null });
  const pause = result.stepsDone.find((s) => s.stepId === 'pause');
  expect(pause?.outcome).toBe('interrupted (exit_on unsubscribed)');
  expect(Date.parse(pause?.finishedAt ?? '') - Date.parse(pause?.enteredAt ?? '')).toBeLessThan(DAY);
  expect(h.activities.sent(customerId).map((s) => s.template)).toEqual(['welcome']);
});

test('the goal event ends the run as converted', async () => {
  const { handle, customerId } = await h.start(onboarding);
  await h.waitForState(handle, (s) => s.currentStep === 'pause', 'the pause step');
  await handle.signal(journeyEventSignal, event('order.completed', { total: 12 }));
  const result = await handle.result();
  expect(result).toMatchObject({ status: 'converted', endReason: 'goal order.completed' });
  expect(h.activities.sent(customerId)).toHaveLength(1);
});

test('exitRun ends the run as exited with the reason given', async () => {
  const { handle } = await h.start(onboarding);
  await h.waitForState(handle, (s) => s.currentStep === 'pause', 'the pause step');
  await handle.signal(exitRunSignal, { reason: 'customer asked by phone', by: 'support:ana' });
  const result = await handle.result();
  expect(result).toMatchObject({ status: 'exited', endReason: 'exitRun by support:ana: customer asked by phone' });
});

const planChooser: JourneyInput = {
  id: 'plan-chooser',
  name: 'Plan chooser',
  trigger: { event: 'signed.up' },
  steps: [
    {
      id: 'by-plan',
      branch: {
        cases: [
          { when: { field: 'traits.plan', op: 'eq', value: 'pro' }, steps: [{ id: 'pro-tips', send: { channel: 'email', template: 'pro' } }] },
          { when: { field: 'traits.seats', op: 'gt', value: 5 }, steps: [{ id: 'team-tips', send: { channel: 'email', template: 'team' } }] },
        ],
        else: [{ id: 'basic-tips', send: { channel: 'email', template: 'basic' } }],
      },
    },
    { id: 'bye', send: { channel: 'email', template: 'bye' } },
  ],
};

test('a branch takes the first case that holds, else the else steps, then continues after the branch', async () => {
  const runs = [
    { traits: { plan: 'pro', seats: 10 }, outcome: 'case 1 (traits.plan eq "pro")', templates: ['pro', 'bye'] },
    { traits: { plan: 'free', seats: 10 }, outcome: 'case 2 (traits.seats gt 5)', templates: ['team', 'bye'] },
    { traits: { plan: 'free', seats: 1 }, outcome: 'else', templates: ['basic', 'bye'] },
  ];
  for (const run of runs) {
    const customerId = `branch-${run.outcome}`;
    h.activities.setTraits(customerId, run.traits);
    const { handle } = await h.start(planChooser, { customerId });
    const result = await handle.result();
    expect(result.stepsDone[0]?.outcome).toBe(run.outcome);
    expect(h.activities.sent(customerId).map((s) => s.template)).toEqual(run.templates);
  }
});

test('a split gives a customer the same variant on every entry', async () => {
  const subjectTest: JourneyInput = {
    id: 'subject-test',
    name: 'Subject test',
    trigger: { event: 'signed.up' },
    entry: { reentry: 'always', key: 'properties.order_id' },
    steps: [
      {
        id: 'subject',
        split: {
          variants: [
            { id: 'a', weight: 50, steps: [{ id: 'send-a', send: { channel: 'email', template: 'subject-a' } }] },
            { id: 'b', weight: 50, steps: [{ id: 'send-b', send: { channel: 'email', template: 'subject-b' } }] },
          ],
        },
      },
    ],
  };
  const seen = new Set<string>();
  for (const customerId of ['split-1', 'split-2', 'split-3', 'split-4']) {
    const expected = assignVariant(customerId, 'subject-test', 'subject', [
      { id: 'a', weight: 50 },
      { id: 'b', weight: 50 },
    ]);
    for (const entryKey of ['order-1', 'order-2']) {
      const { handle } = await h.start(subjectTest, { customerId, entryKey });
      const result = await handle.result();
      expect(result.stepsDone[0]?.outcome).toBe(`variant ${expected}`);
      expect(result.entryKey).toBe(entryKey);
    }
    expect(h.activities.sent(customerId).map((s) => s.template)).toEqual([`subject-${expected}`, `subject-${expected}`]);
    seen.add(expected);
  }
  // These customers land in both variants, so the variant's own steps are what ran.
  expect([...seen].sort()).toEqual(['a', 'b']);
});
