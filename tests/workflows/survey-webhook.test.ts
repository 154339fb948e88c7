// Survey and webhook steps on the time-skipping server: the survey message and its answer
// window, answers routed by message key into `survey.*`, timeouts, surveys that were not sent,
// webhook outcomes, and continue-as-new inside a survey wait.
import { ApplicationFailure } from '@temporalio/common';
import type { JourneyInput } from '../../dsl/schema';
import { assignVariant } from '../../dsl/split';
import { journeyEventSignal, runStateQuery } from '../../workflows/definitions';
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

/** NPS after an order: detractors with a negative comment get a help-desk ticket, other detractors an apology, promoters a review request. */
const npsJourney: JourneyInput = {
  id: 'nps-follow-up',
  name: 'NPS follow-up',
  trigger: { event: 'order.delivered' },
  steps: [
    { id: 'nps', survey: { kind: 'nps', channel: 'email', template: 'nps-survey', wait: '7d', category: 'transactional' } },
    {
      id: 'act',
      branch: {
        cases: [
          {
            when: {
              all: [
                { field: 'survey.category', op: 'eq', value: 'detractor' },
                { field: 'survey.sentiment', op: 'eq', value: 'negative' },
              ],
            },
            steps: [
              {
                id: 'ticket',
                webhook: { url: 'https://helpdesk.example.com/hooks/touchpoint', body: { customer: '{{customer.id}}', score: '{{survey.score}}' }, timeout: '5s' },
              },
            ],
          },
          { when: { field: 'survey.category', op: 'eq', value: 'detractor' }, steps: [{ id: 'sorry', send: { channel: 'email', template: 'sorry' } }] },
          { when: { field: 'survey.category', op: 'eq', value: 'promoter' }, steps: [{ id: 'review', send: { channel: 'email', template: 'review-request' } }] },
        ],
        else: [{ id: 'no-answer', exit: { reason: 'no survey answer' } }],
      },
    },
  ],
};

/** The answer the survey page sends for the message `messageKey`. */
const answer = (messageKey: string, score: number, category: string, comment: string | null, sentiment: string | null) =>
  event('survey.responded', {
    survey_id: 'nps-follow-up.nps',
    kind: 'nps',
    score,
    category,
    comment,
    sentiment,
    sentiment_score: sentiment === 'negative' ? -0.6 : sentiment === null ? null : 0.5,
    journey_id: 'nps-follow-up',
    step_id: 'nps',
    message_key: messageKey,
    revision: 1,
  });

/** The survey message's key, once the run waits for the answer. */
async function surveyKey(handle: RunHandle, customerId: string): Promise<string> {
  await h.waitForState(handle, (s) => s.currentStep === 'nps' && s.waitingFor === 'survey.responded', 'waiting for the survey answer');
  // The last survey message: a deferred one is tried again under a new key.
  const request = h.activities.sent(customerId).findLast((s) => s.survey !== undefined);
  if (!request) throw new Error(`no survey message was sent for ${customerId}`);
  return request.messageKey;
}

test('a survey is sent with its answer deadline; the answer to that message routes a negative detractor to the help desk', async () => {
  const { handle, customerId } = await h.start(npsJourney, { trigger: event('order.delivered', { order_id: 'A-1' }) });
  const messageKey = await surveyKey(handle, customerId);
  const waiting = await handle.query(runStateQuery);
  const [request] = h.activities.sent(customerId);
  expect(request).toMatchObject({ template: 'nps-survey', channel: 'email', category: 'transactional', stepId: 'nps', survey: { kind: 'nps' } });
  expect(messageKey).toBe(`${handle.workflowId}/${handle.firstExecutionRunId}/nps/1`);
  // The link expires when the step stops waiting.
  expect(request?.survey?.expiresAt).toBe(waiting.nextWakeUp);

  // An answer to another message (an older order's survey) is not this step's answer.
  await handle.signal(journeyEventSignal, answer(`${messageKey}-other`, 10, 'promoter', null, null));
  await handle.signal(journeyEventSignal, answer(messageKey, 3, 'detractor', 'Arrived broken, nobody answers', 'negative'));
  const result = await handle.result();
  expect(result.status).toBe('completed');
  expect(result.stepsDone.map((s) => [s.stepId, s.outcome])).toEqual([
    ['nps', 'answered 3 (detractor), negative comment'],
    ['act', 'case 1 (all(survey.category eq "detractor", survey.sentiment eq "negative"))'],
    ['ticket', 'HTTP 200 from helpdesk.example.com in 5 ms'],
  ]);
  const [call] = h.activities.webhookCalls(customerId);
  expect(call).toMatchObject({
    callKey: `${handle.workflowId}/${handle.firstExecutionRunId}/ticket/1`,
    runId: handle.firstExecutionRunId,
    stepId: 'ticket',
    trigger: { name: 'order.delivered', properties: { order_id: 'A-1' } },
    webhook: { url: 'https://helpdesk.example.com/hooks/touchpoint', timeout: '5s' },
    survey: { step: 'nps', kind: 'nps', answered: true, score: 3, category: 'detractor', comment: 'Arrived broken, nobody answers', sentiment: 'negative', sentiment_score: -0.6 },
  });
  expect(h.activities.sent(customerId)).toHaveLength(1);
});

test('without an answer the survey times out at its deadline, answered false, and no case holds', async () => {
  const { handle, customerId } = await h.start(npsJourney);
  const result = await handle.result();
  expect(result).toMatchObject({ status: 'exited', endReason: 'exit step no-answer: no survey answer' });
  const nps = result.stepsDone[0];
  const deadline = h.activities.sent(customerId)[0]?.survey?.expiresAt;
  expect(deadline).toBe(new Date(Date.parse(nps?.enteredAt ?? '') + 7 * DAY).toISOString());
  expect(nps?.outcome).toBe(`no answer by ${deadline}`);
  expect(Date.parse(nps?.finishedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(deadline ?? ''));
  expect(result.stepsDone.map((s) => s.stepId)).toEqual(['nps', 'act', 'no-answer']);
  expect(h.activities.progress(customerId).flatMap((p) => p.steps.map((s) => [s.stepId, s.result]))).toEqual([
    ['nps', 'no_response'],
    ['act', 'else'],
    ['no-answer', 'exit'],
  ]);
  expect(h.activities.progress(customerId).at(-1)?.ending).toMatchObject({ status: 'exited', reason: 'exit step no-answer: no survey answer' });
});

test('a survey that was not sent does not wait: the run goes on at once with answered false', async () => {
  const customerId = 'survey-unsubscribed';
  h.activities.decideSends(customerId, (request) => ({ reason: 'skipped:unsubscribed', channel: request.channel }));
  const { handle } = await h.start(npsJourney, { customerId });
  const result = await handle.result();
  const nps = result.stepsDone[0];
  expect(nps?.outcome).toBe('not sent: skipped:unsubscribed (email); no answer to wait for');
  // No sleep: it finished right after the send decision, not at the 7-day deadline.
  expect(Date.parse(nps?.finishedAt ?? '') - Date.parse(nps?.enteredAt ?? '')).toBeLessThan(HOUR);
  expect(result.sends.map((s) => [s.stepId, s.reason])).toEqual([['nps', 'skipped:unsubscribed']]);
  expect(result.stepsDone.map((s) => s.stepId)).toEqual(['nps', 'act', 'no-answer']);
});

test('a survey deferred past its answer deadline is not sent and does not wait', async () => {
  const customerId = 'survey-short-window';
  h.activities.decideSends(customerId, (request, _attempt, scheduledAt) => ({
    reason: 'deferred:quiet_hours',
    channel: request.channel,
    retryAt: new Date(scheduledAt + 8 * HOUR).toISOString(),
  }));
  const hurried: JourneyInput = { ...npsJourney, id: 'nps-hurried', steps: [{ id: 'nps', survey: { kind: 'nps', channel: 'email', template: 'nps-survey', wait: '2h' } }] };
  const { handle } = await h.start(hurried, { customerId });
  const result = await handle.result();
  expect(result.stepsDone.map((s) => s.outcome)).toEqual(['not sent: deferred:quiet_hours until after the answer deadline (email); no answer to wait for']);
  expect(h.activities.sent(customerId)).toHaveLength(1);
});

test('a survey deferred by quiet hours is sent later under a new key, keeping its deadline; the answer names that key', async () => {
  const customerId = 'survey-night-owl';
  h.activities.decideSends(customerId, (request, attempt, scheduledAt) =>
    attempt === 1 ? { reason: 'deferred:quiet_hours', channel: request.channel, retryAt: new Date(scheduledAt + 8 * HOUR).toISOString() } : undefined,
  );
  const { handle } = await h.start(npsJourney, { customerId });
  await h.waitForState(handle, (s) => s.sends.length === 1, 'the deferred decision');
  await h.env.sleep(9 * HOUR);
  const messageKey = await surveyKey(handle, customerId);
  const [first, second] = h.activities.sent(customerId);
  expect(second?.messageKey).toBe(`${first?.messageKey}/attempt-2`);
  expect(messageKey).toBe(second?.messageKey);
  expect(second?.survey?.expiresAt).toBe(first?.survey?.expiresAt);
  await handle.signal(journeyEventSignal, answer(messageKey, 10, 'promoter', 'Lovely', 'positive'));
  const result = await handle.result();
  expect(result.stepsDone.map((s) => [s.stepId, s.outcome])).toEqual([
    ['nps', 'answered 10 (promoter), positive comment'],
    ['act', 'case 3 (survey.category eq "promoter")'],
    ['review', 'sent (email)'],
  ]);
});

test('a webhook that fails for good is recorded as failed and the journey goes on; retries keep one call key', async () => {
  const journey: JourneyInput = {
    id: 'webhooks',
    name: 'Webhooks',
    trigger: { event: 'signed.up' },
    steps: [
      { id: 'crm', webhook: { url: 'https://crm.example.com/hooks/{{customer.id}}' } },
      { id: 'loyalty', webhook: { url: 'https://loyalty.example.com/hooks' } },
      { id: 'broken', webhook: { url: 'https://broken.example.com/hooks' } },
      { id: 'welcome', send: { channel: 'email', template: 'welcome' } },
    ],
  };
  const customerId = 'webhook-failures';
  h.activities.decideWebhooks(customerId, (request, attempt) => {
    if (request.stepId === 'crm' && attempt === 1) throw ApplicationFailure.retryable('connection reset', 'WebhookAttemptFailed');
    if (request.stepId === 'loyalty') return { ok: false, status: 500, attempts: 5, detail: 'HTTP 500 after 5 attempts: upstream down' };
    if (request.stepId === 'broken') throw ApplicationFailure.nonRetryable('url renders to "not a url"', 'InvalidArgument');
    return undefined;
  });
  const { handle } = await h.start(journey, { customerId });
  const result = await handle.result();
  expect(result.status).toBe('completed');
  expect(result.stepsDone.map((s) => [s.stepId, s.outcome])).toEqual([
    ['crm', 'HTTP 200 from crm.example.com in 5 ms'],
    ['loyalty', 'failed: HTTP 500 after 5 attempts: upstream down'],
    ['broken', 'failed: InvalidArgument: url renders to "not a url"'],
    ['welcome', 'sent (email)'],
  ]);
  const attempts = h.activities.webhookCalls(customerId);
  expect(attempts.map((c) => [c.stepId, c.callKey])).toEqual([
    ['crm', `${handle.workflowId}/${handle.firstExecutionRunId}/crm/1`],
    ['crm', `${handle.workflowId}/${handle.firstExecutionRunId}/crm/1`],
    ['loyalty', `${handle.workflowId}/${handle.firstExecutionRunId}/loyalty/1`],
    ['broken', `${handle.workflowId}/${handle.firstExecutionRunId}/broken/1`],
  ]);
  expect(attempts[0]?.survey).toBeNull();
  // Analytics group webhooks by status, or `failed`. A call that failed for good may not have
  // recorded the progress it carried: the next call carries it again (recording is idempotent).
  const calls = h.activities.progress(customerId).map((p) => [p.via, p.steps.map((s) => `${s.stepId}:${s.kind}:${s.result}`)]);
  expect(calls).toEqual([
    ['callWebhook', ['crm:webhook:200']],
    ['callWebhook', ['loyalty:webhook:failed']],
    ['sendMessage', ['loyalty:webhook:failed', 'broken:webhook:failed']],
    ['recordProgress', []],
  ]);
});

const AB = [
  { id: 'a', weight: 1 },
  { id: 'b', weight: 1 },
];

test('progress reports carry each finished step once, with the next activity call, and the ending at the end', async () => {
  const journey: JourneyInput = {
    id: 'progress',
    name: 'Progress',
    trigger: { event: 'signed.up' },
    steps: [
      { id: 'pause', wait: '1d' },
      { id: 'ab', split: { variants: AB } },
      { id: 'nps', survey: { kind: 'nps', channel: 'email', template: 'nps-survey', wait: '3d' } },
      { id: 'check', branch: { cases: [{ when: { field: 'survey.score', op: 'lte', value: 6 }, steps: [{ id: 'ticket', webhook: { url: 'https://helpdesk.example.com/t' } }] }] } },
      { id: 'morning', wait: { until: '09:00' } },
      { id: 'bye', send: { channel: 'email', template: 'bye' } },
      { id: 'done', exit: { reason: 'all done' } },
    ],
  };
  const { handle, customerId } = await h.start(journey);
  await h.env.sleep(2 * DAY);
  await h.waitForState(handle, (s) => s.waitingFor === 'survey.responded', 'the survey wait');
  const messageKey = h.activities.sent(customerId)[0]?.messageKey ?? '';
  await handle.signal(journeyEventSignal, answer(messageKey, 5, 'detractor', null, null));
  const result = await handle.result();
  expect(result.status).toBe('exited');

  const calls = h.activities.progress(customerId);
  const carried = calls.map((c) => [c.via, c.steps.map((s) => s.stepId)]);
  // Entering a wait is reported at once (no finished step with it), so a report counts runs waiting there.
  expect(carried).toEqual([
    ['recordProgress', []],
    ['sendMessage', ['pause', 'ab']],
    ['loadProfile', ['nps']],
    ['callWebhook', ['check']],
    ['nextLocalTime', ['ticket']],
    ['recordProgress', []],
    ['sendMessage', ['morning']],
    ['recordProgress', ['done']],
  ]);
  const steps = calls.flatMap((c) => c.steps);
  expect(steps.map((s) => [s.stepId, s.kind, s.visit, s.result])).toEqual([
    ['pause', 'wait', 1, 'waited'],
    ['ab', 'split', 1, assignVariant(customerId, 'progress', 'ab', AB)],
    ['nps', 'survey', 1, 'detractor'],
    ['check', 'branch', 1, 'case-1'],
    ['ticket', 'webhook', 1, '200'],
    ['morning', 'wait', 1, 'waited'],
    ['done', 'exit', 1, 'exit'],
  ]);
  // The same enteredAt, finishedAt and outcome support staff see.
  const done = result.stepsDone.filter((s) => s.stepId !== 'bye');
  expect(steps.map((s) => ({ stepId: s.stepId, enteredAt: s.enteredAt, finishedAt: s.finishedAt, outcome: s.outcome }))).toEqual(done);
  expect(calls.at(-1)?.ending).toEqual({ status: 'exited', reason: 'exit step done: all done', at: steps.at(-1)?.finishedAt });
});

test('a run that converts mid-wait reports its ending, and the interrupted step is not a finished one', async () => {
  const journey: JourneyInput = {
    id: 'converting',
    name: 'Converting',
    trigger: { event: 'signed.up' },
    goal: 'order.completed',
    steps: [
      { id: 'ab', split: { variants: AB } },
      { id: 'nps', survey: { kind: 'csat', channel: 'email', template: 'csat', wait: '3d' } },
    ],
  };
  const { handle, customerId } = await h.start(journey);
  await h.waitForState(handle, (s) => s.waitingFor === 'survey.responded', 'the survey wait');
  await handle.signal(journeyEventSignal, event('order.completed'));
  expect(await handle.result()).toMatchObject({ status: 'converted' });
  const calls = h.activities.progress(customerId);
  expect(calls.map((c) => [c.via, c.steps.map((s) => s.stepId), c.ending?.status])).toEqual([
    ['sendMessage', ['ab'], undefined],
    ['recordProgress', [], 'converted'],
  ]);
});

async function waitForNewRun(handle: RunHandle, firstRunId: string): Promise<string> {
  for (let i = 0; i < 500; i++) {
    const { runId } = await handle.describe();
    if (runId !== firstRunId) return runId;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`run ${handle.workflowId} did not continue as new`);
}

test('continue-as-new in the middle of a survey wait resumes it: same deadline, no second message, the answer still counts', async () => {
  const { handle, customerId } = await h.start(npsJourney, { limits: { maxHistoryEvents: 12 } });
  const messageKey = await surveyKey(handle, customerId);
  const before = await handle.query(runStateQuery);
  const { runId } = await handle.describe();
  await handle.signal(journeyEventSignal, event('page.viewed'));
  await waitForNewRun(handle, runId);
  const after = await h.waitForState(handle, (s) => s.eventsReceived === 1 && s.waitingFor === 'survey.responded', 'the survey wait in the new run');
  expect(after).toMatchObject({ currentStep: 'nps', nextWakeUp: before.nextWakeUp, sends: before.sends });

  await handle.signal(journeyEventSignal, answer(messageKey, 4, 'detractor', 'Too slow', null));
  const result = await handle.result();
  expect(result.stepsDone.map((s) => [s.stepId, s.outcome])).toEqual([
    ['nps', 'answered 4 (detractor), unscored comment'],
    ['act', 'case 2 (survey.category eq "detractor")'],
    ['sorry', 'sent (email)'],
  ]);
  expect(h.activities.sent(customerId).map((s) => s.template)).toEqual(['nps-survey', 'sorry']);
});
