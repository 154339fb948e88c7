// The journey interpreter: one durable run per (journey, customer[, entry key]), walking the
// compiled steps of the snapshot it was started with, buffering events, ending on exit_on/goal.
import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  log,
  makeContinueAsNewFunc,
  patched,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { matchesEvent } from '../dsl/conditions';
import { durationMs } from '../dsl/duration';
import type { JourneyEvent } from '../core/events';
import type { RunState } from '../core/run-state';
import { loadProfile, recordProgress } from './activities';
import { exitRunSignal, journeyEventSignal, runStateQuery, type JourneyRunInput } from './definitions';
import { compilePlan, type JourneyPlan } from './plan';
import { RunContext } from './run-context';
import { CUSTOMER_ID, JOURNEY_ID, JOURNEY_VERSION } from './search-attributes';
import { initialState, isCarriedState, rememberLatest, toRunState, type CarriedState, type Ending } from './state';
import { runStep } from './steps';

/** Steps a run may take without sleeping on a timer before it is stopped as a runaway loop. */
const MAX_STEPS_WITHOUT_SLEEP = 1000;

/** Runs recorded before the end-of-run progress report existed replay without it. */
export const RUN_PROGRESS_PATCH = 'touchpoint-run-progress';

/** Run a journey for one customer; returns the final run state. */
export async function journeyRun(input: JourneyRunInput): Promise<RunState> {
  const { journey } = input.snapshot;
  const plan = compileOrFail(input);
  const watch = 'inactivity' in journey.trigger ? journey.trigger.inactivity : null;
  const state = restoreState(input, plan, watch === null ? null : durationMs(watch.for));
  const ctx = new RunContext(input, plan, state);

  setHandler(journeyEventSignal, (event) => onEvent(ctx, event, watch));
  setHandler(exitRunSignal, (request) => {
    // A throwing handler would fail the workflow task over and over: read the payload defensively.
    const by = typeof request?.by === 'string' ? request.by : 'unknown';
    const reason = typeof request?.reason === 'string' ? request.reason : 'no reason given';
    ctx.end({ status: 'exited', reason: `exitRun by ${by}: ${reason}` });
  });
  setHandler(runStateQuery, () => toRunState(input, state, ctx.ending));
  labelRun(input);

  if (state.status === 'watching' && watch !== null) {
    const watched = await watchQuietPeriod(ctx);
    if (watched === 'suspend') return continueAsNewFrom(ctx);
  }
  if (ctx.ending === null && plan.traitsOutsideBranch && state.traits === null) {
    // exit_on / goal / wait_for conditions read traits: have them before the first event arrives.
    state.traits = (await loadProfile(input.customerId)).traits;
  }
  // Events that happened after the trigger but arrived before the run existed: taken before the
  // first step, so a goal or exit among them ends the run before anything is sent.
  if (input.carried === undefined) for (const event of input.backlog ?? []) onEvent(ctx, event, watch);

  let stepsWithoutSleep = 0;
  while (ctx.ending === null) {
    const cursor = state.cursor;
    if (cursor === null) {
      ctx.end({ status: 'completed', reason: 'completed' });
      break;
    }
    if (state.active === null && ctx.continueAsNewDue()) return continueAsNewFrom(ctx);
    const node = plan.nodes[cursor];
    if (node === undefined) {
      throw ApplicationFailure.nonRetryable(`journey ${journey.id}: the run is at step "${cursor}", which the journey does not have`, 'InvalidCarriedState');
    }
    const sleptBefore = ctx.sleeps;
    const result = await runStep(ctx, node);
    if (result === 'suspend') return continueAsNewFrom(ctx);
    state.cursor = result.next;
    stepsWithoutSleep = ctx.sleeps === sleptBefore ? stepsWithoutSleep + 1 : 0;
    if (stepsWithoutSleep >= MAX_STEPS_WITHOUT_SLEEP) {
      throw ApplicationFailure.nonRetryable(
        `journey ${journey.id} (${input.snapshot.source}): ${MAX_STEPS_WITHOUT_SLEEP} steps ran without a wait, last at step "${cursor}"; ` +
          'a loop made with goto must pass through a wait or wait_for step',
        'JourneyLoop',
      );
    }
  }
  // A step cut short by exit_on / goal / exitRun still shows in the timeline.
  const ending = ctx.ending ?? { status: 'completed', reason: 'completed' };
  if (state.active !== null) ctx.finish(`interrupted (${ending.reason})`, ctx.interruptedResult(state.active));
  await reportEnding(ctx, ending);
  await condition(allHandlersFinished);
  return toRunState(input, state, ending);
}

/** Report the steps not reported yet and how the run ended to analytics (one local activity). */
async function reportEnding(ctx: RunContext, ending: Ending): Promise<void> {
  if (!((ctx.input.revision ?? 0) >= 1 || patched(RUN_PROGRESS_PATCH))) return;
  try {
    await recordProgress({ ...ctx.report([...(ctx.state.pending ?? [])]), ending: { ...ending, at: ctx.nowIso() } });
    ctx.state.pending = [];
  } catch (error) {
    // Only a malformed report fails for good (outages are retried): the run itself still ended well.
    log.error('progress report refused', { journeyId: ctx.journeyId, error: error instanceof Error ? error.message : String(error) });
  }
}

function compileOrFail(input: JourneyRunInput): JourneyPlan {
  try {
    return compilePlan(input.snapshot.journey);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw ApplicationFailure.nonRetryable(`${message} (${input.snapshot.source})`, 'InvalidJourney');
  }
}

function restoreState(input: JourneyRunInput, plan: JourneyPlan, quietMs: number | null): CarriedState {
  if (input.carried === undefined) {
    const watchDeadline = quietMs === null ? null : new Date(Date.now() + quietMs).toISOString();
    return initialState(input, plan.first, watchDeadline);
  }
  if (!isCarriedState(input.carried)) {
    throw ApplicationFailure.nonRetryable(
      `journey ${input.snapshot.journey.id}: the state carried by continue-as-new has an unknown shape; the run cannot resume`,
      'InvalidCarriedState',
    );
  }
  return input.carried;
}

/** Set the customer/journey/version search attributes the starter did not set (one event, or none). */
function labelRun(input: JourneyRunInput): void {
  const current = workflowInfo().typedSearchAttributes;
  const wanted = [
    { key: CUSTOMER_ID, value: input.customerId },
    { key: JOURNEY_ID, value: input.snapshot.journey.id },
    { key: JOURNEY_VERSION, value: input.snapshot.version },
  ];
  const missing = wanted.filter((pair) => current.get(pair.key) !== pair.value);
  if (missing.length > 0) upsertSearchAttributes(missing);
}

/** Inactivity trigger: wait until the watched event has been quiet for `for`; each one restarts the clock. */
async function watchQuietPeriod(ctx: RunContext): Promise<'entered' | 'ended' | 'suspend'> {
  ctx.showStep('watching');
  for (;;) {
    const deadline = ctx.state.watchDeadline ?? ctx.nowIso();
    const slept = await ctx.sleepUntil(Date.parse(deadline), () => ctx.state.watchDeadline !== deadline);
    if (ctx.ending !== null) return 'ended';
    if (ctx.state.watchDeadline !== deadline) continue;
    if (slept === 'woken') return 'suspend';
    ctx.state.status = 'running';
    ctx.state.watchDeadline = null;
    return 'entered';
  }
}

const isEvent = (x: unknown): x is JourneyEvent =>
  typeof x === 'object' &&
  x !== null &&
  'id' in x &&
  typeof x.id === 'string' &&
  'name' in x &&
  typeof x.name === 'string' &&
  'timestamp' in x &&
  typeof x.timestamp === 'string' &&
  'properties' in x &&
  typeof x.properties === 'object' &&
  x.properties !== null;

function onEvent(ctx: RunContext, event: unknown, watch: { event: string; for: string } | null): void {
  const { state } = ctx;
  if (!isEvent(event)) {
    log.warn('journeyEvent signal without id/name/timestamp/properties ignored', { journeyId: ctx.journeyId });
    return;
  }
  if (!ctx.inbox.admit(event)) {
    // signalWithStart delivers the trigger as a signal too: that copy is no duplicate.
    if (event.id !== state.trigger.id) state.duplicateEvents++;
    return;
  }
  state.eventsReceived++;
  ctx.progress++;
  // Before entry only the watched event matters (it restarts the clock); exit_on, goal and the
  // buffer start with the steps, so a wait_for never sees events from before the customer entered.
  if (state.status === 'watching') {
    if (watch !== null && event.name === watch.event) {
      state.watchDeadline = new Date(ctx.now() + durationMs(watch.for)).toISOString();
      state.trigger = event;
    }
    return;
  }
  // Event time, not arrival time: what happened before the trigger is from before the customer
  // entered (a late retry, a reordered batch), as for events that come while watching.
  if (ctx.decidesOnEventTime && Date.parse(event.timestamp) < Date.parse(state.trigger.timestamp)) return;
  ctx.inbox.keep(event);
  rememberLatest(state, event);
  const { goal, exit_on: exitOn } = ctx.input.snapshot.journey;
  const matchCtx = ctx.conditionContext();
  if (goal !== undefined && matchesEvent(goal, event, matchCtx)) ctx.end({ status: 'converted', reason: `goal ${event.name}` });
  else if (exitOn.some((m) => matchesEvent(m, event, matchCtx))) ctx.end({ status: 'exited', reason: `exit_on ${event.name}` });
}

async function continueAsNewFrom(ctx: RunContext): Promise<never> {
  await condition(allHandlersFinished);
  // The backlog is in the carried state by now: the next run does not take it again.
  const { backlog: _taken, ...input } = ctx.input;
  const next: JourneyRunInput = { ...input, trigger: ctx.state.trigger, carried: ctx.state };
  // Search attributes are passed on explicitly so the next run keeps its labels on every server.
  const continueAsNew = makeContinueAsNewFunc<typeof journeyRun>({ typedSearchAttributes: workflowInfo().typedSearchAttributes });
  return continueAsNew(next);
}
