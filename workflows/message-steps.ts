// Steps that message the customer: `send`, and `survey` (send a survey, then wait for its answer).
// Both send through one helper: message keys, quiet-hours retries on a durable timer, the send log.
import { durationMs } from '../dsl/duration';
import type { SendOutcome, SendRequest } from '../activities/contract';
import type { Channel } from '../dsl/schema';
import type { MessageCategory } from '../store/types';
import { describeActivityFailure, sendMessage } from './activities';
import type { PlanNode } from './plan';
import type { RunContext, StepResult } from './run-context';
import { LIMITS, pushBounded, type ActiveStep } from './state';
import { answerOf, answersMessage, describeAnswer, SURVEY_RESPONDED } from './survey-answer';

type NodeOf<K extends PlanNode['kind']> = Extract<PlanNode, { kind: K }>;

/** What a step sends. */
interface Message {
  channel: Channel;
  template: string;
  fallback?: Channel | undefined;
  category?: MessageCategory | undefined;
  survey?: SendRequest['survey'];
}

/** The final decision on a step's message and the key it was decided under. */
interface Delivered {
  outcome: SendOutcome;
  messageKey: string;
}

export async function runSend(ctx: RunContext, node: NodeOf<'send'>): Promise<StepResult> {
  const active = ctx.enter(node.step.id);
  const delivered = await deliver(ctx, active, node.step.send);
  if (delivered === 'woken') return ctx.interrupted();
  ctx.finish(`${delivered.outcome.reason} (${delivered.outcome.channel})`);
  return { next: node.next };
}

/**
 * Send the survey (its link expires when the answer window closes), then wait for the
 * `survey.responded` event naming that message, or the deadline. Later steps read the result as
 * `survey.*`. A survey that was not sent (skipped, failed) has no answer to wait for.
 */
export async function runSurvey(ctx: RunContext, node: NodeOf<'survey'>): Promise<StepResult> {
  const active = ctx.enter(node.step.id);
  const { survey } = node.step;
  const stepId = active.stepId;
  active.expiresAt ??= new Date(ctx.now() + durationMs(survey.wait)).toISOString();
  const expiresAt = active.expiresAt;

  if (active.messageKey === undefined) {
    const message: Message = {
      channel: survey.channel,
      template: survey.template,
      fallback: survey.fallback,
      category: survey.category,
      survey: { kind: survey.kind, expiresAt },
    };
    const delivered = await deliver(ctx, active, message, Date.parse(expiresAt));
    if (delivered === 'woken') return ctx.interrupted();
    const { outcome } = delivered;
    if (outcome.reason !== 'sent') {
      ctx.state.survey = { step: stepId, kind: survey.kind, answered: false };
      const late = outcome.reason.startsWith('deferred:') ? ' until after the answer deadline' : '';
      ctx.finish(`not sent: ${outcome.reason}${late} (${outcome.channel}); no answer to wait for`, 'no_response');
      return { next: node.next };
    }
    active.messageKey = delivered.messageKey;
  }

  const messageKey = active.messageKey;
  active.waitingFor = SURVEY_RESPONDED;
  active.deadline = expiresAt;
  const answer = () => ctx.inbox.firstUnconsumed((event) => answersMessage(event, messageKey));
  const slept = await ctx.sleepUntil(Date.parse(expiresAt), () => answer() !== undefined);
  if (ctx.ending !== null) return { next: null };
  const found = answer();
  if (found !== undefined) {
    ctx.inbox.consume(found.id);
    const result = answerOf(stepId, survey.kind, found);
    ctx.state.survey = result;
    ctx.finish(describeAnswer(result), result.category ?? 'answered');
    return { next: node.next };
  }
  if (slept === 'woken') return 'suspend';
  ctx.state.survey = { step: stepId, kind: survey.kind, answered: false };
  ctx.finish(`no answer by ${expiresAt}`, 'no_response');
  return { next: node.next };
}

/**
 * Decide and send the active step's message, sleeping on a durable timer whenever the decision
 * is "deferred until T" (quiet hours) and trying again under a new message key. Every decision
 * goes to the run's send log. A deferral past `giveUpAt` (epoch ms) is final. 'woken': the sleep
 * was cut short (the run ends, or continues as new inside the step).
 */
async function deliver(ctx: RunContext, active: ActiveStep, message: Message, giveUpAt = Infinity): Promise<Delivered | 'woken'> {
  const run = ctx.runRef();
  const baseKey = `${run.workflowId}/${run.runId}/${active.stepId}/${active.visit}`;
  const quietHours = ctx.input.snapshot.journey.quiet_hours;
  for (;;) {
    if (active.deadline !== undefined) {
      if ((await ctx.sleepUntil(Date.parse(active.deadline))) === 'woken') return 'woken';
      delete active.deadline;
    }
    const attempt = active.attempt ?? 1;
    const messageKey = attempt === 1 ? baseKey : `${baseKey}/attempt-${attempt}`;
    const outcome = await sendOnce(ctx, {
      messageKey,
      ...run,
      stepId: active.stepId,
      channel: message.channel,
      ...(message.fallback === undefined ? {} : { fallback: message.fallback }),
      ...(message.category === undefined ? {} : { category: message.category }),
      ...(quietHours === undefined ? {} : { quietHours }),
      ...(message.survey === undefined ? {} : { survey: message.survey }),
      template: message.template,
      templateVersion: ctx.input.snapshot.templates[message.template] ?? '',
      trigger: ctx.state.trigger,
      // What templates read besides the trigger: the last survey answer and the latest events received.
      ...(ctx.state.survey ? { surveyResult: ctx.state.survey } : {}),
      ...(ctx.state.latest && Object.keys(ctx.state.latest).length > 0 ? { latest: ctx.state.latest } : {}),
    });
    const record = { stepId: active.stepId, messageKey, channel: outcome.channel, template: message.template, reason: outcome.reason, at: ctx.nowIso() };
    pushBounded(
      ctx.state.sends,
      { ...record, ...(outcome.providerId === undefined ? {} : { providerId: outcome.providerId }), ...(outcome.detail === undefined ? {} : { detail: outcome.detail }) },
      LIMITS.sends,
    );
    if (outcome.retryAt !== undefined && outcome.reason.startsWith('deferred:')) {
      // Never sooner than a second from now: a retryAt in the past must not spin the run.
      const at = Math.max(Date.parse(outcome.retryAt) || 0, ctx.now() + 1000);
      if (at < giveUpAt) {
        active.deadline = new Date(at).toISOString();
        active.attempt = attempt + 1;
        continue;
      }
    }
    return { outcome, messageKey };
  }
}

/** One send decision, carrying the run's pending progress; a send that failed for good becomes `failed:provider`, not a failed run. */
async function sendOnce(ctx: RunContext, request: SendRequest): Promise<SendOutcome> {
  try {
    return await ctx.withProgress((progress) => sendMessage(progress === undefined ? request : { ...request, progress }));
  } catch (error) {
    return { reason: 'failed:provider', channel: request.channel, detail: describeActivityFailure(error) };
  }
}
