// One function per step kind: each runs (or resumes) its step and says where the run goes next.
import { ApplicationFailure, workflowInfo } from '@temporalio/workflow';
import { assignVariant } from '../dsl/split';
import { describeCondition, evaluateCondition } from '../dsl/conditions';
import { durationMs } from '../dsl/duration';
import type { SendOutcome } from '../activities/contract';
import { loadProfile, nextLocalTime, sendMessage } from './activities';
import type { PlanNode } from './plan';
import type { RunContext } from './run-context';
import { LIMITS, pushBounded } from './state';

/** Continue at `next` (null: the steps are done), or stop here and continue-as-new inside the step. */
export type StepResult = { next: string | null } | 'suspend';

type NodeOf<K extends PlanNode['kind']> = Extract<PlanNode, { kind: K }>;

export function runStep(ctx: RunContext, node: PlanNode): Promise<StepResult> {
  switch (node.kind) {
    case 'send':
      return runSend(ctx, node);
    case 'wait':
      return runWait(ctx, node);
    case 'wait_for':
      return runWaitFor(ctx, node);
    case 'branch':
      return runBranch(ctx, node);
    case 'split':
      return Promise.resolve(runSplit(ctx, node));
    case 'goto':
      ctx.enter(node.step.id, false);
      ctx.finish(`goto ${node.target}`);
      return Promise.resolve({ next: node.target });
    case 'exit': {
      const active = ctx.enter(node.step.id, false);
      const why = node.step.exit === true ? '' : `: ${node.step.exit.reason}`;
      ctx.finish(`exit${why}`);
      ctx.end({ status: 'exited', reason: `exit step ${active.stepId}${why}` });
      return Promise.resolve({ next: null });
    }
    default: {
      const unknown: never = node;
      throw ApplicationFailure.nonRetryable(`unknown step ${JSON.stringify(unknown)}`, 'InvalidJourney');
    }
  }
}

/** What a sleep that did not reach its deadline means: the run ends, or continue-as-new. */
function interrupted(ctx: RunContext): StepResult {
  return ctx.ending !== null ? { next: null } : 'suspend';
}

async function runSend(ctx: RunContext, node: NodeOf<'send'>): Promise<StepResult> {
  const active = ctx.enter(node.step.id);
  const { send } = node.step;
  const info = workflowInfo();
  const baseKey = `${info.workflowId}/${info.firstExecutionRunId}/${active.stepId}/${active.visit}`;
  for (;;) {
    if (active.deadline !== undefined) {
      if ((await ctx.sleepUntil(Date.parse(active.deadline))) === 'woken') return interrupted(ctx);
      delete active.deadline;
    }
    const attempt = active.attempt ?? 1;
    const messageKey = attempt === 1 ? baseKey : `${baseKey}/attempt-${attempt}`;
    const outcome = await sendOnce(ctx, {
      messageKey,
      workflowId: info.workflowId,
      runId: info.firstExecutionRunId,
      journeyId: ctx.journeyId,
      journeyVersion: ctx.input.snapshot.version,
      stepId: active.stepId,
      customerId: ctx.input.customerId,
      channel: send.channel,
      ...(send.fallback === undefined ? {} : { fallback: send.fallback }),
      ...(send.category === undefined ? {} : { category: send.category }),
      ...(ctx.input.snapshot.journey.quiet_hours === undefined ? {} : { quietHours: ctx.input.snapshot.journey.quiet_hours }),
      template: send.template,
      templateVersion: ctx.input.snapshot.templates[send.template] ?? '',
      trigger: ctx.state.trigger,
    });
    const record = { stepId: active.stepId, messageKey, channel: outcome.channel, template: send.template, reason: outcome.reason, at: ctx.nowIso() };
    pushBounded(
      ctx.state.sends,
      { ...record, ...(outcome.providerId === undefined ? {} : { providerId: outcome.providerId }), ...(outcome.detail === undefined ? {} : { detail: outcome.detail }) },
      LIMITS.sends,
    );
    if (outcome.retryAt !== undefined && outcome.reason.startsWith('deferred:')) {
      // Never sooner than a second from now: a retryAt in the past must not spin the run.
      const at = Math.max(Date.parse(outcome.retryAt) || 0, ctx.now() + 1000);
      active.deadline = new Date(at).toISOString();
      active.attempt = attempt + 1;
      continue;
    }
    ctx.finish(`${outcome.reason} (${outcome.channel})`);
    return { next: node.next };
  }
}

/** One send decision; a send that failed for good becomes a `failed:provider` outcome, not a failed run. */
async function sendOnce(ctx: RunContext, request: Parameters<typeof sendMessage>[0]): Promise<SendOutcome> {
  try {
    return await sendMessage(request);
  } catch (error) {
    // An ActivityFailure wraps the activity's ApplicationFailure; read its `type`, never instanceof.
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    const type = cause instanceof Error && 'type' in cause && typeof cause.type === 'string' ? `${cause.type}: ` : '';
    const message = cause instanceof Error ? cause.message : String(cause);
    return { reason: 'failed:provider', channel: request.channel, detail: `${type}${message}` };
  }
}

async function runWait(ctx: RunContext, node: NodeOf<'wait'>): Promise<StepResult> {
  const active = ctx.enter(node.step.id);
  if (active.deadline === undefined) {
    const { wait } = node.step;
    if (typeof wait === 'object' && 'until' in wait) {
      const at = await nextLocalTime({ customerId: ctx.input.customerId, time: wait.until, after: ctx.nowIso() });
      if (Number.isNaN(Date.parse(at))) {
        throw ApplicationFailure.nonRetryable(`nextLocalTime returned "${at}" for step ${active.stepId}, not an ISO time`, 'InvalidActivityResult');
      }
      active.deadline = new Date(Date.parse(at)).toISOString();
    } else {
      active.deadline = new Date(ctx.now() + durationMs(typeof wait === 'string' ? wait : wait.for)).toISOString();
    }
  }
  if ((await ctx.sleepUntil(Date.parse(active.deadline))) === 'woken') return interrupted(ctx);
  ctx.finish(`waited until ${active.deadline}`);
  return { next: node.next };
}

async function runWaitFor(ctx: RunContext, node: NodeOf<'wait_for'>): Promise<StepResult> {
  const active = ctx.enter(node.step.id);
  const { event: name, where, timeout } = node.step.wait_for;
  active.waitingFor = name;
  active.deadline ??= new Date(ctx.now() + durationMs(timeout)).toISOString();
  const match = () =>
    ctx.inbox.firstUnconsumed((e) => e.name === name && (where === undefined || evaluateCondition(where, ctx.conditionContext(e))));
  const slept = await ctx.sleepUntil(Date.parse(active.deadline), () => match() !== undefined);
  if (ctx.ending !== null) return { next: null };
  const found = match();
  if (found !== undefined) {
    ctx.inbox.consume(found.id);
    ctx.finish(`received ${found.name} (${found.id})`);
    return { next: node.onEvent };
  }
  if (slept === 'woken') return 'suspend';
  ctx.finish('timeout');
  return { next: node.onTimeout };
}

async function runBranch(ctx: RunContext, node: NodeOf<'branch'>): Promise<StepResult> {
  ctx.enter(node.step.id, false);
  const profile = await loadProfile(ctx.input.customerId);
  ctx.state.traits = profile.traits;
  const conditionCtx = ctx.conditionContext();
  const index = node.step.branch.cases.findIndex((c) => evaluateCondition(c.when, conditionCtx));
  const chosen = node.step.branch.cases[index];
  if (chosen === undefined) {
    ctx.finish('else');
    return { next: node.otherwise };
  }
  ctx.finish(`case ${index + 1} (${describeCondition(chosen.when)})`);
  return { next: node.cases[index] ?? node.next };
}

function runSplit(ctx: RunContext, node: NodeOf<'split'>): StepResult {
  const active = ctx.enter(node.step.id, false);
  const variant = assignVariant(ctx.input.customerId, ctx.journeyId, active.stepId, node.step.split.variants);
  ctx.finish(`variant ${variant}`);
  return { next: node.variants[variant] ?? node.next };
}
