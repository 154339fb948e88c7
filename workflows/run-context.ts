// What the interpreter's steps share: input, plan, carried state, the inbox, how the run ends,
// the workflow clock, interruptible durable sleeps and the continue-as-new decision.
import { condition, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { ConditionContext } from '../dsl/conditions';
import type { JourneyEvent } from '../core/events';
import type { JourneyRunInput } from './definitions';
import { EventBuffer } from './event-buffer';
import type { JourneyPlan } from './plan';
import { CURRENT_STEP } from './search-attributes';
import { LIMITS, pushBounded, type ActiveStep, type CarriedState, type Ending } from './state';

/** Why an interruptible sleep returned. */
export type SleepResult = 'elapsed' | 'woken';

export class RunContext {
  /** Set once (first cause wins): by an exit step, exit_on, goal, exitRun, or the end of the steps. */
  ending: Ending | null = null;
  /** Things done in this run (not carried): continue-as-new waits for at least one, so it cannot loop. */
  progress = 0;
  /** Timers slept on in this run: the runaway-loop guard counts steps between them. */
  sleeps = 0;
  readonly inbox: EventBuffer;

  constructor(
    readonly input: JourneyRunInput,
    readonly plan: JourneyPlan,
    readonly state: CarriedState,
  ) {
    this.inbox = new EventBuffer(state, new Set(plan.listened));
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

  /**
   * Enter a step, or resume it when the previous run stopped inside it (continue-as-new).
   * `shown`: point TouchpointStep at it; false for steps that finish in the same workflow task,
   * whose upsert would only add a history event nobody can search for in time.
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

  /** Record the active step as done with a short outcome for support staff. */
  finish(outcome: string): void {
    const active = this.state.active;
    if (active === null) return;
    pushBounded(this.state.stepsDone, { stepId: active.stepId, enteredAt: active.enteredAt, finishedAt: this.nowIso(), outcome }, LIMITS.stepsDone);
    this.state.active = null;
    this.progress++;
  }

  /** Point the TouchpointStep search attribute at `step` (one history event, only when it changes). */
  showStep(step: string): void {
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
    };
  }
}
