// Run progress rides on the activity calls a run makes anyway: sendMessage, loadProfile and
// nextLocalTime record the finished steps they carry before their own work, recordProgress
// records them (and the run's ending) alone; a retried call records nothing twice.
import { createActivities } from '../../activities';
import type { JourneyActivities, RunRef, StepProgress } from '../../activities/contract';
import { analyticsRows, openAnalyticsDb, type AnalyticsDb } from '../store/analytics-db';

describe('run progress through activities', () => {
  let analytics: AnalyticsDb;
  let activities: JourneyActivities;
  beforeAll(async () => {
    analytics = await openAnalyticsDb('pglite');
    activities = createActivities({ store: analytics.store, email: null, defaultTimezone: 'Europe/Rome' });
  });
  afterAll(() => analytics?.dispose());

  let runs = 0;
  const run = (): RunRef => ({ workflowId: `journey/post-purchase/ada/A-${++runs}`, runId: `run-${runs}`, journeyId: 'post-purchase', journeyVersion: 'v5', customerId: 'ada' });
  const step = (stepId: string, kind: StepProgress['kind'], result: string): StepProgress => ({
    stepId, kind, visit: 1, enteredAt: '2030-01-01T10:00:00.000Z', finishedAt: '2030-01-02T10:00:00.000Z', outcome: `${kind} ${result}`, result,
  });
  const row = (stepId: string, kind: string, result: string) => ({ step_id: stepId, visit: 1, kind, result, outcome: `${kind} ${result}`, journey_version: 'v5', customer_id: 'ada' });

  test('recordProgress records finished steps and the ending once, however often it is retried', async () => {
    const ref = run();
    const report = { run: ref, steps: [step('await-delivery', 'wait_for', 'event')], ending: { status: 'exited' as const, reason: 'exit_on order.refunded', at: '2030-01-03T00:00:00.000Z' } };
    await activities.recordProgress(report);
    await activities.recordProgress(report);
    expect(await analyticsRows(analytics.db, ref.runId)).toEqual({
      steps: [row('await-delivery', 'wait_for', 'event')],
      runs: [{ status: 'exited', end_reason: 'exit_on order.refunded', ended_at: '2030-01-03T00:00:00.000Z', journey_id: 'post-purchase' }],
    });
  });

  test('sendMessage records the steps it carries, even when the send itself cannot go out (no email channel here)', async () => {
    const ref = run();
    const outcome = await activities.sendMessage({
      ...ref,
      messageKey: `${ref.workflowId}/${ref.runId}/thank-you/1`,
      stepId: 'thank-you',
      channel: 'email',
      template: 'order-thanks',
      templateVersion: 'h',
      trigger: { id: 'e1', name: 'order.completed', properties: {}, timestamp: '2030-01-01T10:00:00.000Z' },
      progress: [step('settle-in', 'wait', 'done'), step('is-gift', 'branch', 'else')],
    });
    expect(outcome.reason).toBe('failed:channel_not_configured');
    expect((await analyticsRows(analytics.db, ref.runId)).steps).toEqual([row('is-gift', 'branch', 'else'), row('settle-in', 'wait', 'done')]);
  });

  test('loadProfile and nextLocalTime record the report they are given and still answer', async () => {
    const ref = run();
    await analytics.store.upsertContact({ customerId: 'ada', traits: { plan: 'pro', timezone: 'America/New_York' }, at: '2030-01-01T00:00:00.000Z' });
    const profile = await activities.loadProfile('ada', { run: ref, steps: [step('split-offer', 'split', 'b')] });
    expect(profile).toEqual({ customerId: 'ada', traits: { plan: 'pro', timezone: 'America/New_York' }, timezone: 'America/New_York' });
    const at = await activities.nextLocalTime({ customerId: 'ada', time: '09:00', after: '2030-01-05T12:00:00.000Z', progress: { run: ref, steps: [step('survey-wait', 'survey', 'detractor')] } });
    expect(at).toBe('2030-01-05T14:00:00.000Z');
    expect((await analyticsRows(analytics.db, ref.runId)).steps).toEqual([row('split-offer', 'split', 'b'), row('survey-wait', 'survey', 'detractor')]);
    // Without a report they record nothing.
    await activities.loadProfile('ada');
    expect((await analyticsRows(analytics.db, ref.runId)).steps).toHaveLength(2);
  });
});
