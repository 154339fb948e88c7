// What the interpreter's steps share: input, plan, carried state, the inbox, how the run ends,
// the workflow clock, interruptible durable sleeps, the continue-as-new decision and the
// finished steps waiting to be reported to analytics.
import { condition, log, patched, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { recordProgress } from './activities';
import type { RunProgressReport, RunRef, StepProgress } from '../activities/contract';
import type { ConditionContext } from '../dsl/conditions';
import type { JourneyEvent } from '../core/events';
import type { JourneyRunInput } from './definitions';
import { EventBuffer } from './event-buffer';
import type { JourneyPlan } from './plan';
import { CURRENT_STEP } from './search-attributes';
import { LIMITS, pushBounded, type ActiveStep, type CarriedState, type Ending } from './state';

/**
 * Runs recorded before this patch upserted TouchpointStep on every step (one history event per
 * step); newer runs leave it alone and show their step through the `state` query only.
 */
export const NO_STEP_ATTRIBUTE_PATCH = 'touchpoint-no-step-attribute';

/**
 * Runs recorded before this patch took every event they received as it came; newer runs decide
 * on event time: an event that happened before the run's trigger neither ends the run (exit_on,
 * goal) nor satisfies a wait_for or `received` condition.
 */
export const EVENT_TIME_PATCH = 'touchpoint-event-time';

/**
 * Runs recorded before this patch compared "650.00" with 500 as false (a string is no number);
 * newer runs read a numeric string as its number under gt/gte/lt/lte, as routing does.
 */
export const NUMERIC_STRINGS_PATCH = 'touchpoint-numeric-strings';

/**
 * Runs recorded before this patch report a step only when it finishes; newer runs also report the
 * steps they wait in (wait, wait_for) when entering them and the step they end in as `interrupted`,
 * so a journey report counts every run that reached a step.
 */
export const STEP_REACHED_PATCH = 'touchpoint-step-reached';

/** Why an interruptible sleep returned. */
export type SleepResult = 'elapsed' | 'woken';

/** Continue at `next` (null: the steps are done), or stop here and continue-as-new inside the step. */
export type StepResult = { next: string | null } | 'suspend';

export class RunContext {
  /** Set once (first cause wins): by an exit step, exit_on, goal, exitRun, or the end of the steps. */
  ending: Ending | null = null;
  /** Things done in this run (not carried): continue-as-new waits for at least one, so it cannot loop. */
  progress = 0;
  /** Timers slept on in this run: the runaway-loop guard counts steps between them. */
  sleeps = 0;
  readonly inbox: EventBuffer;
  /**
   * Whether this run points TouchpointStep at its steps: only runs recorded before
   * NO_STEP_ATTRIBUTE_PATCH do. Asked once per run (a new run records one marker), never per step.
   */
  readonly showsSteps: boolean;
  /** Whether events that happened before the trigger are ignored (EVENT_TIME_PATCH); asked once per run. */
  readonly decidesOnEventTime: boolean;
  /** Whether conditions compare numeric strings as numbers (NUMERIC_STRINGS_PATCH); asked once per run. */
  readonly comparesNumericStrings: boolean;

  /** Create it at the start of the run: it asks NO_STEP_ATTRIBUTE_PATCH, EVENT_TIME_PATCH and NUMERIC_STRINGS_PATCH (runs started before revisions 1 and 2). */
  constructor(
    readonly input: JourneyRunInput,
    readonly plan: JourneyPlan,
    readonly state: CarriedState,
  ) {
    this.inbox = new EventBuffer(state, new Set(plan.listened));
    this.showsSteps = !((input.revision ?? 0) >= 1 || patched(NO_STEP_ATTRIBUTE_PATCH));
    this.decidesOnEventTime = (input.revision ?? 0) >= 2 || patched(EVENT_TIME_PATCH);
    this.comparesNumericStrings = (input.revision ?? 0) >= 2 || patched(NUMERIC_STRINGS_PATCH);
  }

  get journeyId(): string {
    return this.input.snapshot.journey.id;
  }

  /** Workflow time (deterministic: the time of the current workflow task). */
  now(): number {
    return Date.now();
  }

  nowIso(): string {
    return new Date(this.now()).toISOString();
  }

  end(ending: Ending): void {
    this.ending ??= ending;
  }

  /** Whether to continue-as-new now: the server suggests it, or history passed the input limit. */
  continueAsNewDue(): boolean {
    if (this.progress === 0) return false;
    const info = workflowInfo();
    const max = this.input.limits?.maxHistoryEvents;
    return info.continueAsNewSuggested || (max !== undefined && info.historyLength > max);
  }

  /**
   * Sleep on a durable timer until `deadline` (epoch ms), waking early when the run ends,
   * continue-as-new is due, or `wakeWhen` holds. 'elapsed' means the deadline passed.
   */
  async sleepUntil(deadline: number, wakeWhen: () => boolean = () => false): Promise<SleepResult> {
    const wake = () => this.ending !== null || this.continueAsNewDue() || wakeWhen();
    if (wake()) return 'woken';
    const remaining = deadline - this.now();
    if (remaining <= 0) return 'elapsed';
    const woken = await condition(wake, remaining);
    this.sleeps++;
    this.progress++;
    return woken ? 'woken' : 'elapsed';
  }

  /** What a sleep that did not reach its deadline means: the run ends, or continue-as-new. */
  interrupted(): StepResult {
    return this.ending !== null ? { next: null } : 'suspend';
  }

  /**
   * Enter a step, or resume it when the previous run stopped inside it (continue-as-new).
   * `shown`: point TouchpointStep at it (old runs only, see showsSteps); false for steps that finish
   * in the same workflow task, whose upsert would only add a history event nobody can search for in time.
   */
  enter(stepId: string, shown = true): ActiveStep {
    const active = this.state.active;
    if (active !== null && active.stepId === stepId) return active;
    const visit = (this.state.visits[stepId] ?? 0) + 1;
    this.state.visits[stepId] = visit;
    const entered: ActiveStep = { stepId, visit, enteredAt: this.nowIso() };
    this.state.active = entered;
    if (shown) this.showStep(stepId);
    return entered;
  }

  /** Whether this run reports the steps it waits in and ends in (STEP_REACHED_PATCH); asked once, when first needed. */
  private reachedSteps: boolean | undefined;

  reportsReachedSteps(): boolean {
    this.reachedSteps ??= (this.input.revision ?? 0) >= 3 || patched(STEP_REACHED_PATCH);
    return this.reachedSteps;
  }

  /**
   * The active step (wait, wait_for) is entered for the first time in this visit: report it as
   * waiting, with the finished steps not reported yet, so reports count the run as having reached it
   * while it waits. One local activity; a resumed step (continue-as-new) is not reported again.
   * Callers await it only when reportsReachedSteps() (see runWait).
   */
  async reportWaiting(active: ActiveStep): Promise<void> {
    if (!this.reportsReachedSteps()) return;
    const kind = this.plan.nodes[active.stepId]?.kind;
    if (kind === undefined) return;
    const waiting = [{ stepId: active.stepId, kind, visit: active.visit, enteredAt: active.enteredAt }];
    try {
      await this.withProgress((steps) => recordProgress({ ...this.report(steps ?? []), waiting }));
    } catch (error) {
      // Only a malformed report fails for good (outages are retried): the run goes on; the step is counted when it finishes.
      log.error('progress report refused', { journeyId: this.journeyId, error: error instanceof Error ? error.message : String(error) });
    }
  }

  /**
   * The result the step the run ends in is reported with: `interrupted` (reports count the run as
   * having reached it), or none for a survey whose message went out (the message counts it) and for
   * runs recorded before STEP_REACHED_PATCH.
   */
  interruptedResult(active: ActiveStep): string | undefined {
    if (this.plan.nodes[active.stepId]?.kind === 'survey' && active.messageKey !== undefined) return undefined;
    return this.reportsReachedSteps() ? 'interrupted' : undefined;
  }

  /**
   * Record the active step as done with a short outcome for support staff. With `result` (the
   * value analytics group by, see StepProgress) the step is also queued for the next progress
   * report; sends (in the message log already) and interrupted steps pass none.
   */
  finish(outcome: string, result?: string): void {
    const active = this.state.active;
    if (active === null) return;
    const finishedAt = this.nowIso();
    pushBounded(this.state.stepsDone, { stepId: active.stepId, enteredAt: active.enteredAt, finishedAt, outcome }, LIMITS.stepsDone);
    const kind = this.plan.nodes[active.stepId]?.kind;
    if (result !== undefined && kind !== undefined) {
      const step: StepProgress = { stepId: active.stepId, kind, visit: active.visit, enteredAt: active.enteredAt, finishedAt, outcome, result };
      pushBounded((this.state.pending ??= []), step, LIMITS.pending);
    }
    this.state.active = null;
    this.progress++;
  }

  /** Which run this is, for activities and reports (the first run id stays across continue-as-new). */
  runRef(): RunRef {
    const info = workflowInfo();
    return {
      workflowId: info.workflowId,
      runId: info.firstExecutionRunId,
      journeyId: this.journeyId,
      journeyVersion: this.input.snapshot.version,
      customerId: this.input.customerId,
    };
  }

  /** A progress report of `steps` for this run. */
  report(steps: StepProgress[]): RunProgressReport {
    return { run: this.runRef(), steps };
  }

  /**
   * Make an activity call that carries the finished steps not reported yet (`undefined` when
   * there are none); they count as reported once the call returns. A failed call keeps them for
   * the next one: activities record progress idempotently, so sending a step twice is harmless.
   */
  async withProgress<T>(call: (steps: StepProgress[] | undefined) => Promise<T>): Promise<T> {
    const steps = [...(this.state.pending ?? [])];
    const result = await call(steps.length > 0 ? steps : undefined);
    if (steps.length > 0) this.state.pending = (this.state.pending ?? []).filter((step) => !steps.includes(step));
    return result;
  }

  /**
   * Point the TouchpointStep search attribute at `step` (one history event, only when it changes),
   * in runs recorded before NO_STEP_ATTRIBUTE_PATCH; newer runs do nothing here.
   */
  showStep(step: string): void {
    if (!this.showsSteps) return;
    if (workflowInfo().typedSearchAttributes.get(CURRENT_STEP) === step) return;
    upsertSearchAttributes([{ key: CURRENT_STEP, value: step }]);
  }

  /** Context for conditions; `event` is the event being matched, if any. */
  conditionContext(event?: JourneyEvent): ConditionContext {
    return {
      traits: this.state.traits ?? {},
      customerId: this.input.customerId,
      trigger: this.state.trigger,
      event,
      received: this.inbox.received(),
      survey: this.state.survey ?? null,
      numericStrings: this.comparesNumericStrings,
    };
  }
}
