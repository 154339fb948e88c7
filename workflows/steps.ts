// One function per step kind: each runs (or resumes) its step and says where the run goes next.
import { ApplicationFailure } from '@temporalio/workflow';
import { assignVariant } from '../dsl/split';
import { describeCondition, evaluateCondition } from '../dsl/conditions';
import { durationMs } from '../dsl/duration';
import { loadProfile, nextLocalTime } from './activities';
import { runSend, runSurvey } from './message-steps';
import type { PlanNode } from './plan';
import type { RunContext, StepResult } from './run-context';
import { runWebhook } from './webhook-step';

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
    case 'survey':
      return runSurvey(ctx, node);
    case 'webhook':
      return runWebhook(ctx, node);
    case 'goto':
      ctx.enter(node.step.id, false);
      ctx.finish(`goto ${node.target}`, 'goto');
      return Promise.resolve({ next: node.target });
    case 'exit': {
      const active = ctx.enter(node.step.id, false);
      const why = node.step.exit === true ? '' : `: ${node.step.exit.reason}`;
      ctx.finish(`exit${why}`, 'exit');
      ctx.end({ status: 'exited', reason: `exit step ${active.stepId}${why}` });
      return Promise.resolve({ next: null });
    }
    default: {
      const unknown: never = node;
      throw ApplicationFailure.nonRetryable(`unknown step ${JSON.stringify(unknown)}`, 'InvalidJourney');
    }
  }
}

async function runWait(ctx: RunContext, node: NodeOf<'wait'>): Promise<StepResult> {
  const active = ctx.enter(node.step.id);
  if (active.deadline === undefined) {
    const { wait } = node.step;
    if (typeof wait === 'object' && 'until' in wait) {
      const request = { customerId: ctx.input.customerId, time: wait.until, after: ctx.nowIso() };
      const at = await ctx.withProgress((steps) => nextLocalTime(steps === undefined ? request : { ...request, progress: ctx.report(steps) }));
      if (Number.isNaN(Date.parse(at))) {
        throw ApplicationFailure.nonRetryable(`nextLocalTime returned "${at}" for step ${active.stepId}, not an ISO time`, 'InvalidActivityResult');
      }
      active.deadline = new Date(Date.parse(at)).toISOString();
    } else {
      active.deadline = new Date(ctx.now() + durationMs(typeof wait === 'string' ? wait : wait.for)).toISOString();
    }
    // Only runs that report it await here: an await more in older runs would reorder their signals and timers on replay.
    if (ctx.reportsReachedSteps()) await ctx.reportWaiting(active);
  }
  if ((await ctx.sleepUntil(Date.parse(active.deadline))) === 'woken') return ctx.interrupted();
  ctx.finish(`waited until ${active.deadline}`, 'waited');
  return { next: node.next };
}

async function runWaitFor(ctx: RunContext, node: NodeOf<'wait_for'>): Promise<StepResult> {
  const active = ctx.enter(node.step.id);
  const { event: name, where, timeout } = node.step.wait_for;
  active.waitingFor = name;
  const entered = active.deadline === undefined;
  active.deadline ??= new Date(ctx.now() + durationMs(timeout)).toISOString();
  const match = () =>
    ctx.inbox.firstUnconsumed((e) => e.name === name && (where === undefined || evaluateCondition(where, ctx.conditionContext(e))));
  // Waiting (the event is not here yet): reported now, so the run counts as having reached the step.
  if (entered && match() === undefined && ctx.reportsReachedSteps()) await ctx.reportWaiting(active);
  const slept = await ctx.sleepUntil(Date.parse(active.deadline), () => match() !== undefined);
  if (ctx.ending !== null) return { next: null };
  const found = match();
  if (found !== undefined) {
    ctx.inbox.consume(found.id);
    ctx.finish(`received ${found.name} (${found.id})`, 'event');
    return { next: node.onEvent };
  }
  if (slept === 'woken') return 'suspend';
  ctx.finish('timeout', 'timeout');
  return { next: node.onTimeout };
}

async function runBranch(ctx: RunContext, node: NodeOf<'branch'>): Promise<StepResult> {
  ctx.enter(node.step.id, false);
  const { customerId } = ctx.input;
  const profile = await ctx.withProgress((steps) => (steps === undefined ? loadProfile(customerId) : loadProfile(customerId, ctx.report(steps))));
  ctx.state.traits = profile.traits;
  const conditionCtx = ctx.conditionContext();
  const index = node.step.branch.cases.findIndex((c) => evaluateCondition(c.when, conditionCtx));
  const chosen = node.step.branch.cases[index];
  if (chosen === undefined) {
    ctx.finish('else', 'else');
    return { next: node.otherwise };
  }
  ctx.finish(`case ${index + 1} (${describeCondition(chosen.when)})`, `case-${index + 1}`);
  return { next: node.cases[index] ?? node.next };
}

function runSplit(ctx: RunContext, node: NodeOf<'split'>): StepResult {
  const active = ctx.enter(node.step.id, false);
  const variant = assignVariant(ctx.input.customerId, ctx.journeyId, active.stepId, node.step.split.variants);
  ctx.finish(`variant ${variant}`, variant);
  return { next: node.variants[variant] ?? node.next };
}
