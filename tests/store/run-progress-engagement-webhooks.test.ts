// The analytics rows on both engines: finished steps and run endings (idempotent reports), opens
// and clicks of messages (privacy-proxy opens apart), and the webhook call log.
import { randomUUID } from 'node:crypto';
import type { RunProgressReport, StepProgress } from '../../activities/contract';
import type { Store, WebhookAttemptInput } from '../../store/types';
import { STORE_KINDS } from '../support/db';
import { analyticsRows, openAnalyticsDb, type AnalyticsDb } from './analytics-db';

const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

describe.each(STORE_KINDS)('run progress, engagement and webhook calls on %s', (kind) => {
  let analytics: AnalyticsDb;
  let store: Store;
  beforeAll(async () => {
    analytics = await openAnalyticsDb(kind);
    store = analytics.store;
  });
  afterAll(() => analytics?.dispose());

  const runRef = (runId: string) => ({ workflowId: `journey/post-purchase/ada/${runId}`, runId, journeyId: 'post-purchase', journeyVersion: 'v7', customerId: 'ada' });
  const step = (stepId: string, over: Partial<StepProgress> = {}): StepProgress => ({
    stepId, kind: 'branch', visit: 1, enteredAt: '2030-01-01T10:00:00.000Z', finishedAt: '2030-01-01T10:00:00.000Z', outcome: 'case 1', result: 'case-1', ...over,
  });

  test('recordRunProgress keeps the first report of a step visit and of an ending: a retried report changes nothing', async () => {
    const runId = unique('run');
    const first: RunProgressReport = {
      run: runRef(runId),
      steps: [
        step('nps', { kind: 'survey', outcome: 'answered 3 (detractor)', result: 'detractor' }),
        step('detractor-check', { outcome: 'case 1 (survey.category eq detractor)', result: 'case-1' }),
      ],
    };
    await store.recordRunProgress(first);
    await store.recordRunProgress(first);
    // A second visit of a step is a row of its own; a changed report of a recorded visit is ignored.
    await store.recordRunProgress({
      run: runRef(runId),
      steps: [step('detractor-check', { visit: 2, result: 'else', outcome: 'else' }), step('nps', { kind: 'survey', result: 'promoter' })],
      ending: { status: 'completed', reason: 'steps done', at: '2030-01-02T10:00:00.000Z' },
    });
    await store.recordRunProgress({ run: runRef(runId), steps: [], ending: { status: 'exited', reason: 'exit_on order.refunded', at: '2030-01-03T10:00:00.000Z' } });

    const { steps: rows, runs } = await analyticsRows(analytics.db, runId);
    expect(rows).toEqual([
      { step_id: 'detractor-check', visit: 1, kind: 'branch', result: 'case-1', outcome: 'case 1 (survey.category eq detractor)', journey_version: 'v7', customer_id: 'ada' },
      { step_id: 'detractor-check', visit: 2, kind: 'branch', result: 'else', outcome: 'else', journey_version: 'v7', customer_id: 'ada' },
      { step_id: 'nps', visit: 1, kind: 'survey', result: 'detractor', outcome: 'answered 3 (detractor)', journey_version: 'v7', customer_id: 'ada' },
    ]);
    expect(runs).toEqual([{ status: 'completed', end_reason: 'steps done', ended_at: '2030-01-02T10:00:00.000Z', journey_id: 'post-purchase' }]);
  });

  test('recordRunProgress with neither steps nor ending writes nothing', async () => {
    const runId = unique('run');
    await store.recordRunProgress({ run: runRef(runId), steps: [] });
    expect(await analyticsRows(analytics.db, runId)).toEqual({ steps: [], runs: [] });
  });

  const claimed = async () => {
    const key = unique('msg');
    await store.claimMessage({
      messageKey: key, workflowId: 'wf', runId: 'run', journeyId: 'post-purchase', journeyVersion: 'v7', stepId: 'thank-you',
      customerId: 'ada', channel: 'email', template: 'order-thanks', templateVersion: 'h', address: null,
    });
    return key;
  };

  test('recordEngagement keeps the earliest open and click, counts every one, and counts privacy-proxy opens apart', async () => {
    const key = await claimed();
    expect((await store.getMessage(key))?.engagement).toEqual({ openedAt: null, clickedAt: null, openCount: 0, proxiedOpenCount: 0, clickCount: 0 });

    expect(await store.recordEngagement({ messageKey: key, kind: 'opened', proxied: true, at: '2030-01-01T09:00:00.000Z' })).toBe(true);
    expect((await store.getMessage(key))?.engagement).toEqual({ openedAt: null, clickedAt: null, openCount: 0, proxiedOpenCount: 1, clickCount: 0 });

    await store.recordEngagement({ messageKey: key, kind: 'opened', at: '2030-01-01T10:00:00.000Z' });
    await store.recordEngagement({ messageKey: key, kind: 'opened', proxied: false, at: '2030-01-01T12:00:00.000Z' });
    // Arriving late, an earlier open becomes the first.
    await store.recordEngagement({ messageKey: key, kind: 'opened', at: '2030-01-01T09:30:00.000Z' });
    await store.recordEngagement({ messageKey: key, kind: 'clicked', at: '2030-01-01T10:05:00.000Z' });
    await store.recordEngagement({ messageKey: key, kind: 'clicked', at: '2030-01-02T08:00:00.000Z' });

    const row = await store.getMessage(key);
    expect(row?.engagement).toEqual({
      openedAt: '2030-01-01T09:30:00.000Z', clickedAt: '2030-01-01T10:05:00.000Z', openCount: 3, proxiedOpenCount: 1, clickCount: 2,
    });
    // Engagement never touches the send's own columns.
    expect(row).toMatchObject({ status: 'deciding', reason: null, attempts: 1 });
  });

  test('recordEngagement returns false for a message key the log does not have', async () => {
    expect(await store.recordEngagement({ messageKey: unique('nope'), kind: 'clicked', at: '2030-01-01T10:00:00.000Z' })).toBe(false);
  });

  const attempt = (callKey: string, over: Partial<WebhookAttemptInput> = {}): WebhookAttemptInput => ({
    callKey, workflowId: 'wf', runId: 'run', journeyId: 'post-purchase', stepId: 'notify-crm', customerId: 'ada',
    url: 'https://crm.example/notes', method: 'POST', status: 500, ok: false, done: false,
    detail: 'HTTP 500 from crm.example', responseExcerpt: 'oops', at: '2030-01-01T10:00:00.000Z', ...over,
  });

  test('recordWebhookAttempt creates the row, counts attempts, and a done row is never changed again', async () => {
    const key = unique('call');
    expect(await store.getWebhookCall(key)).toBeNull();
    const first = await store.recordWebhookAttempt(attempt(key, { attempt: 1 }));
    expect(first).toEqual({
      callKey: key, workflowId: 'wf', runId: 'run', journeyId: 'post-purchase', stepId: 'notify-crm', customerId: 'ada',
      url: 'https://crm.example/notes', method: 'POST', status: 500, ok: false, done: false, attempts: 1,
      detail: 'HTTP 500 from crm.example', responseExcerpt: 'oops', createdAt: '2030-01-01T10:00:00.000Z', updatedAt: '2030-01-01T10:00:00.000Z',
    });
    // The same attempt recorded again (an activity retried after writing) still counts once.
    expect((await store.recordWebhookAttempt(attempt(key, { attempt: 1 }))).attempts).toBe(1);

    const done = await store.recordWebhookAttempt(
      attempt(key, { attempt: 2, status: 200, ok: true, done: true, detail: 'HTTP 200 from crm.example', responseExcerpt: null, at: '2030-01-01T10:00:02.000Z' }),
    );
    expect(done).toMatchObject({ attempts: 2, status: 200, ok: true, done: true, responseExcerpt: null, createdAt: '2030-01-01T10:00:00.000Z', updatedAt: '2030-01-01T10:00:02.000Z' });
    const late = await store.recordWebhookAttempt(attempt(key, { attempt: 3, status: 503, at: '2030-01-01T10:00:09.000Z' }));
    expect(late).toEqual(done);
    expect(await store.getWebhookCall(key)).toEqual(done);
  });

  test('recordWebhookAttempt without an attempt number counts one more each time; a call that got no answer has a null status', async () => {
    const key = unique('call');
    await store.recordWebhookAttempt(attempt(key, { status: null, detail: 'no answer within 10s', responseExcerpt: null }));
    const second = await store.recordWebhookAttempt(attempt(key, { status: null, done: true, detail: 'no answer after 2 attempts', responseExcerpt: null }));
    expect(second).toMatchObject({ attempts: 2, status: null, ok: false, done: true, detail: 'no answer after 2 attempts' });
  });
});
