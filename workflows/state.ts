// The state one journey run keeps and carries across continue-as-new, its bounds, and the
// RunState view the `state` query returns. Pure data and functions.
import type { StepProgress } from '../activities/contract';
import type { JourneyEvent } from '../core/events';
import type { RunState, RunStatus, SendRecord, StepRecord } from '../core/run-state';
import type { SurveyResult } from '../dsl/conditions';
import type { JourneyRunInput } from './definitions';

/** How much history a run keeps in its state (older entries are dropped first). */
export const LIMITS = {
  /** Event ids remembered for de-duplication. */
  seenIds: 2000,
  /** Buffered events (for `wait_for` and `received`). */
  events: 500,
  stepsDone: 200,
  sends: 200,
  /** Finished steps not reported yet; only a run that never calls an activity could pile up more. */
  pending: 200,
  /** Event names whose latest event the run keeps for templates (`latest.*`). */
  latestNames: 50,
} as const;

/** The step the run is in, with what it needs to resume after continue-as-new. */
export interface ActiveStep {
  stepId: string;
  /** How many times this step has been entered in this run (1 = first); part of send message keys. */
  visit: number;
  enteredAt: string;
  /** Absolute deadline (ISO) of the timer this step sleeps on; kept so a new run resumes it unchanged. */
  deadline?: string;
  /** Send steps: the attempt the next call makes (>1 after a deferred outcome). */
  attempt?: number;
  /** wait_for and survey steps: the event name. */
  waitingFor?: string;
  /** Survey steps: when the answer window closes (ISO), fixed when the step is entered. */
  expiresAt?: string;
  /** Survey steps: the key of the message that carried the survey, once it was sent (answers name it). */
  messageKey?: string;
}

export interface BufferedEvent {
  event: JourneyEvent;
  /** Taken by a `wait_for`: it does not satisfy another one. */
  consumed: boolean;
}

/** Everything a run carries forward (the `carried` input of continue-as-new). */
export interface CarriedState {
  v: 1;
  status: 'watching' | 'running';
  /** The run's trigger (inactivity journeys: the last watched event). */
  trigger: JourneyEvent;
  /** Step to run next (or running now, see `active`); null once the steps are done. */
  cursor: string | null;
  active: ActiveStep | null;
  visits: Record<string, number>;
  /** Inactivity journeys while watching: when the quiet period ends (ISO). */
  watchDeadline: string | null;
  /** Traits from the last profile load; null before the first. */
  traits: Record<string, unknown> | null;
  events: BufferedEvent[];
  seenIds: string[];
  stepsDone: StepRecord[];
  sends: SendRecord[];
  eventsReceived: number;
  duplicateEvents: number;
  /** The answer to the last survey step (`survey.*` in conditions); absent in states carried before surveys existed. */
  survey?: SurveyResult | null;
  /** Finished non-send steps not yet reported to analytics (sent with the next activity call); absent in older states. */
  pending?: StepProgress[];
  /**
   * The latest event (by event time) of each name the run received after entry, which send
   * templates read as `latest.[cart.updated]`; absent in states carried before it existed.
   */
  latest?: Record<string, JourneyEvent>;
}

/** Keep `event` as the latest of its name unless one with a later event time is kept already. */
export function rememberLatest(state: CarriedState, event: JourneyEvent): void {
  const latest = (state.latest ??= {});
  const kept = latest[event.name];
  if (kept !== undefined && Date.parse(kept.timestamp) > Date.parse(event.timestamp)) return;
  if (kept === undefined) {
    const names = Object.keys(latest);
    if (names.length >= LIMITS.latestNames) {
      // The name whose latest event is oldest goes first.
      const oldest = names.reduce((a, b) => (Date.parse(latest[a]!.timestamp) <= Date.parse(latest[b]!.timestamp) ? a : b));
      delete latest[oldest];
    }
  }
  latest[event.name] = event;
}

/** How the run ended. */
export interface Ending {
  status: Extract<RunStatus, 'completed' | 'exited' | 'converted'>;
  reason: string;
}

export function initialState(input: JourneyRunInput, first: string | null, watchDeadline: string | null): CarriedState {
  return {
    v: 1,
    status: watchDeadline === null ? 'running' : 'watching',
    trigger: input.trigger,
    cursor: first,
    active: null,
    visits: {},
    watchDeadline,
    traits: null,
    events: [],
    seenIds: [input.trigger.id],
    stepsDone: [],
    sends: [],
    eventsReceived: 0,
    duplicateEvents: 0,
    survey: null,
    pending: [],
  };
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isStringOrNull = (x: unknown): x is string | null => x === null || typeof x === 'string';

/** A defensive check of our own carried data: shape only, enough to fail loudly on a mismatch. */
export function isCarriedState(x: unknown): x is CarriedState {
  return (
    isRecord(x) &&
    x.v === 1 &&
    (x.status === 'watching' || x.status === 'running') &&
    isRecord(x.trigger) &&
    typeof x.trigger.id === 'string' &&
    isStringOrNull(x.cursor) &&
    (x.active === null || (isRecord(x.active) && typeof x.active.stepId === 'string' && typeof x.active.visit === 'number')) &&
    isRecord(x.visits) &&
    isStringOrNull(x.watchDeadline) &&
    (x.traits === null || isRecord(x.traits)) &&
    Array.isArray(x.events) &&
    Array.isArray(x.seenIds) &&
    Array.isArray(x.stepsDone) &&
    Array.isArray(x.sends) &&
    typeof x.eventsReceived === 'number' &&
    typeof x.duplicateEvents === 'number' &&
    // Added later: optional, so states carried by older runs still load.
    (x.survey === undefined || x.survey === null || (isRecord(x.survey) && typeof x.survey.step === 'string' && typeof x.survey.answered === 'boolean')) &&
    (x.pending === undefined || Array.isArray(x.pending))
  );
}

/** Append and keep only the newest `max` items. */
export function pushBounded<T>(list: T[], item: T, max: number): void {
  list.push(item);
  if (list.length > max) list.splice(0, list.length - max);
}

/** The query view: live, or final when `ending` is set. */
export function toRunState(input: JourneyRunInput, state: CarriedState, ending: Ending | null): RunState {
  const live = ending === null;
  const view: RunState = {
    journeyId: input.snapshot.journey.id,
    journeyVersion: input.snapshot.version,
    customerId: input.customerId,
    status: ending?.status ?? state.status,
    currentStep: live ? (state.active?.stepId ?? (state.status === 'running' ? state.cursor : null)) : null,
    nextWakeUp: !live ? null : state.status === 'watching' ? state.watchDeadline : (state.active?.deadline ?? null),
    waitingFor: live ? (state.active?.waitingFor ?? null) : null,
    stepsDone: state.stepsDone.map((s) => ({ ...s })),
    sends: state.sends.map((s) => ({ ...s })),
    eventsReceived: state.eventsReceived,
    duplicateEvents: state.duplicateEvents,
  };
  if (input.entryKey !== undefined) view.entryKey = input.entryKey;
  if (ending !== null) view.endReason = ending.reason;
  return view;
}
