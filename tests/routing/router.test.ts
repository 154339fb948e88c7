// The event router against a real Temporal dev server and a real (PGlite) store. No worker
// polls, so started runs stay open and every start and signal is visible in their history.
import { createRouter, type Router } from '../../routing';
import type { LoggedEvent } from '../../store/types';
import { journeyWorkflowId } from '../../core/ids';
import { CURRENT_STEP, CUSTOMER_ID, JOURNEY_ID, JOURNEY_VERSION } from '../../workflows/search-attributes';
import { createTestStore, type TestStore } from '../support/db';
import { startTestTemporal, type TestTemporal } from '../support/temporal';
import { runHistory, sendStep, snapshotOf, waitForVisibility } from './fixtures';

const journeys = [
  snapshotOf({ id: 'welcome', name: 'Welcome', trigger: { event: 'user.signed_up' }, steps: [sendStep('welcome-email')] }, 'hash-welcome'),
  snapshotOf({ id: 'pro-tips', name: 'Pro tips', trigger: { event: 'user.signed_up', where: { field: 'traits.plan', op: 'eq', value: 'pro' } }, steps: [sendStep()] }),
  snapshotOf({
    id: 'nudge',
    name: 'Nudge',
    trigger: { event: 'cart.updated' },
    entry: { reentry: 'always' },
    // Listens to its own trigger too: the router must still deliver each event only once.
    steps: [sendStep(), { id: 'more', wait_for: { event: 'cart.updated', timeout: '1d' } }],
  }),
  // Its test sends events of 2025 (cooldown in event time): any age may start it.
  snapshotOf({ id: 'digest', name: 'Digest', trigger: { event: 'digest.requested' }, entry: { reentry: { cooldown: '2d' }, max_event_age: false }, steps: [sendStep()] }),
  snapshotOf({
    id: 'vip-offer',
    name: 'VIP offer',
    trigger: {
      event: 'points.changed',
      where: { all: [{ field: 'event.properties.points', op: 'gte', value: 500 }, { not: { field: 'traits.tier', op: 'in', value: ['banned', 'closed'] } }] },
    },
    entry: { reentry: 'always', max_event_age: '4h' },
    steps: [{ id: 'wait-4h', wait: '4h' }, sendStep('offer')],
  }),
  snapshotOf({
    id: 'review',
    name: 'Review request',
    trigger: { event: 'order.delivered' },
    entry: { key: 'properties.order_id', reentry: 'once' },
    exit_on: ['order.refunded'],
    steps: [{ id: 'wait-review', wait_for: { event: 'review.submitted', timeout: '7d', on_timeout: [sendStep('reminder')] } }],
  }),
  snapshotOf({
    id: 'trial',
    name: 'Trial',
    trigger: { event: 'trial.started' },
    exit_on: [{ event: 'user.deleted' }],
    goal: 'plan.upgraded',
    steps: [sendStep(), { id: 'check', branch: { cases: [{ when: { received: 'feature.used' }, steps: [sendStep('tips')] }] } }],
  }),
  snapshotOf({ id: 'winback', name: 'Win-back', trigger: { inactivity: { event: 'order.completed', for: '60d' } }, steps: [sendStep()] }),
  snapshotOf({
    id: 'cart',
    name: 'Abandoned cart',
    trigger: { event: 'basket.updated' },
    goal: 'checkout.completed',
    steps: [{ id: 'wait-4h', wait: '4h' }, sendStep('reminder')],
  }),
];

/** The input a run was started with (first event of its history). */
async function startInput(temporal: TestTemporal, workflowId: string): Promise<Record<string, unknown>> {
  const { events } = await temporal.client.workflow.getHandle(workflowId).fetchHistory();
  const data = events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]?.data;
  return JSON.parse(Buffer.from(data ?? []).toString());
}

describe('the event router', () => {
  let temporal: TestTemporal;
  let db: TestStore;
  let router: Router;
  let counter = 0;

  /** Log a track event (as the API does) and return the logged row. */
  async function track(customerId: string, event: string, properties: Record<string, unknown> = {}, timestamp = new Date().toISOString()): Promise<LoggedEvent> {
    counter += 1;
    const messageId = `msg-${counter}`;
    const logged = await db.store.recordEvent({ messageId, type: 'track', customerId, event, properties, traits: {}, timestamp });
    return logged.event;
  }

  beforeAll(async () => {
    db = await createTestStore('pglite');
    temporal = await startTestTemporal();
    router = createRouter({ client: temporal.client, store: db.store, journeys, taskQueue: 'router-test' });
  });
  afterAll(async () => {
    await Promise.all([temporal?.stop(), db?.dispose()]);
  });

  it('starts the triggered journey with the deterministic workflow id, its snapshot and search attributes', async () => {
    const result = await router.route(await track('ada', 'user.signed_up'));
    expect(result.runs).toEqual([
      { journeyId: 'welcome', workflowId: 'journey/welcome/ada', action: 'started' },
      {
        journeyId: 'pro-tips',
        workflowId: 'journey/pro-tips/ada',
        action: 'skipped',
        code: 'trigger.where',
        reason: 'journey pro-tips: trigger.where does not hold for this event: traits.plan eq "pro" does not hold (traits.plan is missing)',
        condition: [{ condition: 'traits.plan eq "pro"', field: 'traits.plan', held: false }],
      },
    ]);
    const description = await temporal.client.workflow.getHandle('journey/welcome/ada').describe();
    expect(description.type).toBe('journeyRun');
    expect(description.taskQueue).toBe('router-test');
    expect(description.status.name).toBe('RUNNING');
    const attributes = description.typedSearchAttributes;
    expect([attributes.get(CUSTOMER_ID), attributes.get(JOURNEY_ID), attributes.get(JOURNEY_VERSION), attributes.get(CURRENT_STEP)]).toEqual([
      'ada',
      'welcome',
      'hash-welcome',
      // No longer set by new runs: the current step comes from the run's state query.
      undefined,
    ]);
  });

  it('starts a journey whose trigger.where holds for the contact traits', async () => {
    await db.store.upsertContact({ customerId: 'pro-user', traits: { plan: 'pro' }, at: new Date().toISOString() });
    const result = await router.route(await track('pro-user', 'user.signed_up'));
    expect(result.runs.map((r) => [r.journeyId, r.action])).toEqual([
      ['welcome', 'started'],
      ['pro-tips', 'started'],
    ]);
  });

  it('evaluates trigger.where on the traits the caller passes, not the stored contact, when it passes them', async () => {
    await db.store.upsertContact({ customerId: 'ctx-user', traits: { plan: 'free' }, at: new Date().toISOString() });
    const result = await router.route(await track('ctx-user', 'user.signed_up'), { contactTraits: async () => ({ plan: 'pro' }) });
    expect(result.runs.map((r) => [r.journeyId, r.action])).toEqual([
      ['welcome', 'started'],
      ['pro-tips', 'started'],
    ]);
  });

  it('routes a retried event idempotently: no second start and no signal, even after the run closed', async () => {
    const event = await track('retry-1', 'cart.updated');
    const first = await router.route(event);
    const again = await router.route(event);
    expect(again).toEqual(first);
    expect(first.runs).toEqual([{ journeyId: 'nudge', workflowId: 'journey/nudge/retry-1', action: 'started' }]);
    await temporal.client.workflow.getHandle('journey/nudge/retry-1').terminate('test');
    expect(await router.route(event)).toEqual(first);
    const { executions } = await temporal.client.workflowService.listWorkflowExecutions({
      namespace: temporal.namespace,
      query: `WorkflowId = 'journey/nudge/retry-1'`,
    });
    expect(executions).toHaveLength(1);
    expect(await runHistory(temporal.client, 'journey/nudge/retry-1')).toEqual({ started: 1, signals: [] });
  });

  it('lets a customer enter a "once" journey only once, naming the earlier entry', async () => {
    const first = await track('once-1', 'user.signed_up');
    await router.route(first);
    await temporal.client.workflow.getHandle('journey/welcome/once-1').terminate('test');
    const second = await router.route(await track('once-1', 'user.signed_up'));
    expect(second.runs[0]).toEqual({
      journeyId: 'welcome',
      workflowId: 'journey/welcome/once-1',
      action: 'skipped',
      code: 'entry.reentry',
      reason: expect.stringMatching(new RegExp(`journey welcome: entry is "once".*${first.messageId}`)),
    });
  });

  it('delivers an "always" trigger to the running run, and starts a new run once it has closed', async () => {
    const handle = temporal.client.workflow.getHandle('journey/nudge/always-1');
    const first = await router.route(await track('always-1', 'cart.updated'));
    const firstRunId = (await handle.describe()).runId;
    const second = await track('always-1', 'cart.updated', { items: 2 });
    expect((await router.route(second)).runs).toEqual([
      { journeyId: 'nudge', workflowId: 'journey/nudge/always-1', action: 'signalled', reason: expect.stringContaining('in progress') },
    ]);
    expect((await runHistory(temporal.client, 'journey/nudge/always-1')).signals).toEqual([
      { id: second.messageId, name: 'cart.updated', properties: { items: 2 }, timestamp: second.timestamp },
    ]);
    await handle.terminate('test');
    const third = await router.route(await track('always-1', 'cart.updated'));
    expect(third.runs).toEqual(first.runs);
    expect((await handle.describe()).runId).not.toBe(firstRunId);
  });

  it('skips a cooldown journey until the cooldown has passed since the last entry, in event time', async () => {
    const day = 86_400_000;
    const t0 = Date.parse('2025-03-01T10:00:00Z');
    const at = (days: number) => new Date(t0 + days * day).toISOString();
    const handle = temporal.client.workflow.getHandle('journey/digest/cool-1');
    expect((await router.route(await track('cool-1', 'digest.requested', {}, at(0)))).runs[0]?.action).toBe('started');
    await handle.terminate('test');
    const early = await router.route(await track('cool-1', 'digest.requested', {}, at(1)));
    expect(early.runs[0]).toMatchObject({ action: 'skipped', reason: expect.stringContaining('journey digest: entry cooldown is 2d') });
    expect((await router.route(await track('cool-1', 'digest.requested', {}, at(3)))).runs[0]?.action).toBe('started');
  });

  it('runs a keyed journey once per order and correlates later events by key, or by lookup when the key is absent', async () => {
    const customer = "o'brien";
    const o1 = journeyWorkflowId('review', customer, 'o-1');
    const o2 = journeyWorkflowId('review', customer, 'o-2');
    expect((await router.route(await track(customer, 'order.delivered', { order_id: 'o-1' }))).runs).toEqual([
      { journeyId: 'review', workflowId: o1, action: 'started' },
    ]);
    expect((await router.route(await track(customer, 'order.delivered', { order_id: 'o-2' }))).runs[0]).toMatchObject({ workflowId: o2, action: 'started' });
    const missing = await router.route(await track(customer, 'order.delivered', { total: 10 }));
    expect(missing.runs[0]).toMatchObject({ action: 'skipped', reason: expect.stringContaining('journey review: entry.key is properties.order_id') });

    const review = await track(customer, 'review.submitted', { order_id: 'o-1', stars: 5 });
    expect((await router.route(review)).runs).toEqual([
      { journeyId: 'review', workflowId: o1, action: 'signalled', reason: expect.stringContaining('review.submitted') },
    ]);
    expect((await runHistory(temporal.client, o2)).signals).toEqual([]);

    await waitForVisibility(temporal.client, `TouchpointJourney = 'review' AND TouchpointCustomer = 'o\\'brien' AND ExecutionStatus = 'Running'`, 2);
    const refund = await track(customer, 'order.refunded', {});
    const routed = await router.route(refund);
    expect(routed.runs.map((r) => [r.workflowId, r.action]).sort()).toEqual([
      [o1, 'signalled'],
      [o2, 'signalled'],
    ]);
    expect((await runHistory(temporal.client, o2)).signals.map((s) => s.id)).toEqual([refund.messageId]);
  });

  it('signals exit_on and goal events to the running run, and ignores customers without one', async () => {
    await router.route(await track('trial-1', 'trial.started'));
    const used = await track('trial-1', 'feature.used');
    const upgraded = await track('trial-1', 'plan.upgraded');
    const deleted = await track('trial-1', 'user.deleted');
    for (const event of [used, upgraded, deleted]) {
      expect((await router.route(event)).runs).toEqual([
        { journeyId: 'trial', workflowId: 'journey/trial/trial-1', action: 'signalled', reason: expect.any(String) },
      ]);
    }
    expect((await runHistory(temporal.client, 'journey/trial/trial-1')).signals.map((s) => s.id)).toEqual([used.messageId, upgraded.messageId, deleted.messageId]);
    expect(await router.route(await track('nobody', 'plan.upgraded'))).toEqual({ runs: [] });
  });

  it('starts one watching run per customer for an inactivity journey, and restarts its clock on each event', async () => {
    const first = await track('shopper', 'order.completed');
    const started = await router.route(first);
    expect(started.runs).toEqual([{ journeyId: 'winback', workflowId: 'journey/winback/shopper', action: 'started' }]);
    expect(await router.route(first)).toEqual(started);
    const description = await temporal.client.workflow.getHandle('journey/winback/shopper').describe();
    expect(description.typedSearchAttributes.get(CURRENT_STEP)).toBeUndefined();
    const second = await track('shopper', 'order.completed');
    expect((await router.route(second)).runs).toEqual([
      { journeyId: 'winback', workflowId: 'journey/winback/shopper', action: 'signalled', reason: expect.stringContaining('inactivity clock') },
    ]);
    expect((await runHistory(temporal.client, 'journey/winback/shopper')).signals.map((s) => s.id)).toEqual([first.messageId, second.messageId]);
  });

  it('hands a starting run the events it listens to that happened after its trigger but were logged before it', async () => {
    const t0 = Date.parse('2030-06-01T10:00:00Z');
    const at = (minutes: number) => new Date(t0 + minutes * 60_000).toISOString();
    // Logged first (a reordered batch, a retry): nobody listened yet, so routing reached no run.
    const before = await track('late-cart', 'checkout.completed', { order_id: 'X-0' }, at(-10));
    const after = await track('late-cart', 'checkout.completed', { order_id: 'X-1' }, at(5));
    expect((await router.route(before)).runs).toEqual([]);
    expect((await router.route(after)).runs).toEqual([]);
    const cart = await track('late-cart', 'basket.updated', {}, at(0));
    const routed = await router.route(cart);
    expect(routed.runs).toEqual([
      {
        journeyId: 'cart',
        workflowId: 'journey/cart/late-cart',
        action: 'started',
        reason: `journey cart: 1 event(s) that happened after the trigger but arrived before it were handed to the run (checkout.completed ${after.messageId})`,
      },
    ]);
    expect(await startInput(temporal, 'journey/cart/late-cart')).toMatchObject({
      trigger: { id: cart.messageId },
      backlog: [{ id: after.messageId, name: 'checkout.completed', properties: { order_id: 'X-1' }, timestamp: after.timestamp }],
    });
    // Nothing new was logged between the read and the start: no signal on top of the input.
    expect((await runHistory(temporal.client, 'journey/cart/late-cart')).signals).toEqual([]);
  });

  it('starts a run without backlog when nothing it listens to happened after the trigger', async () => {
    const routed = await router.route(await track('plain-cart', 'basket.updated'));
    expect(routed.runs).toEqual([{ journeyId: 'cart', workflowId: 'journey/cart/plain-cart', action: 'started' }]);
    expect(await startInput(temporal, 'journey/cart/plain-cart')).not.toHaveProperty('backlog');
  });

  it('names the comparison of trigger.where that failed and the value it saw; a numeric string counts as its number', async () => {
    const rich = await router.route(await track('points-1', 'points.changed', { points: '650.00' }));
    expect(rich.runs).toEqual([{ journeyId: 'vip-offer', workflowId: 'journey/vip-offer/points-1', action: 'started' }]);
    const poor = await router.route(await track('points-2', 'points.changed', { points: '120' }));
    expect(poor.runs).toEqual([
      expect.objectContaining({
        action: 'skipped',
        code: 'trigger.where',
        reason: 'journey vip-offer: trigger.where does not hold for this event: event.properties.points gte 500 does not hold (saw "120")',
        condition: [{ condition: 'event.properties.points gte 500', field: 'event.properties.points', held: false, saw: '120' }],
      }),
    ]);
    await db.store.upsertContact({ customerId: 'points-3', traits: { tier: 'banned' }, at: new Date().toISOString() });
    const banned = await router.route(await track('points-3', 'points.changed', { points: 900 }));
    expect(banned.runs[0]).toMatchObject({
      reason: expect.stringContaining('traits.tier in ["banned","closed"] holds (saw "banned")'),
      condition: [{ condition: 'traits.tier in ["banned","closed"]', field: 'traits.tier', held: true, saw: 'banned' }],
    });
  });

  it('starts nothing from a trigger event older than entry.max_event_age (default 24h) when it arrives, and says so', async () => {
    const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();
    const stale = await router.route(await track('old-points', 'points.changed', { points: 900 }, hoursAgo(5)));
    expect(stale.runs).toEqual([
      {
        journeyId: 'vip-offer',
        workflowId: 'journey/vip-offer/old-points',
        action: 'skipped',
        code: 'entry.max_event_age',
        reason: expect.stringMatching(/^journey vip-offer: event points\.changed \(messageId msg-\d+\) happened at .* 5h 0m later; entry\.max_event_age is 4h, so it starts no run$/),
      },
    ]);
    expect((await router.route(await track('old-points', 'points.changed', { points: 900 }, hoursAgo(3)))).runs[0]?.action).toBe('started');
    // Three days old: the default refuses it, with how to change it.
    const signup = await router.route(await track('old-signup', 'user.signed_up', {}, hoursAgo(72)));
    expect(signup.runs[0]).toMatchObject({ journeyId: 'welcome', action: 'skipped', code: 'entry.max_event_age', reason: expect.stringContaining('3d 0h later; entry.max_event_age is 24h (the default; set entry.max_event_age') });
    expect(await temporal.client.workflow.getHandle('journey/welcome/old-signup').describe().catch(() => null)).toBeNull();
  });

  it('routes nothing for identify events', async () => {
    const { event } = await db.store.recordEvent({
      messageId: 'identify-1',
      type: 'identify',
      customerId: 'ada',
      event: null,
      properties: {},
      traits: { plan: 'pro' },
      timestamp: new Date().toISOString(),
    });
    expect(await router.route(event)).toEqual({ runs: [] });
  });
});
