// Signals, queries and input of the journey workflow, defined once; clients import these too.
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { JourneySnapshot } from '../dsl/schema';
import type { JourneyEvent } from '../core/events';
import type { RunState } from '../core/run-state';

/** Workflow type name registered by the worker. */
export const JOURNEY_WORKFLOW = 'journeyRun';

export interface JourneyRunInput {
  /** The validated journey this run is pinned to; never re-read. */
  snapshot: JourneySnapshot;
  customerId: string;
  entryKey?: string;
  /** The event that started the run (for inactivity triggers: the last watched event). */
  trigger: JourneyEvent;
  /**
   * Events of this customer that happened after the trigger (event time) but reached the router
   * before the run existed: batches and retries reorder events. Set by routing when it starts the
   * run; handled like signals before the first step, so an `order.completed` logged before its
   * `cart.updated` still ends the run as converted before anything is sent. Not carried by
   * continue-as-new (the carried state has them).
   */
  backlog?: JourneyEvent[];
  /** Set only by continue-as-new: everything the run carries forward. */
  carried?: unknown;
  /** Optional bounds; tests use them to force continue-as-new early. */
  limits?: JourneyRunLimits;
  /**
   * Set by the starter (routing/runs.ts) to RUN_REVISION: the run was started by code that has
   * every workflow change up to that revision, so it takes them without asking patched(), which
   * would write a marker and a TemporalChangeVersion search attribute into every run's history
   * (3 events and a visibility write per run). Runs without it (recorded before) ask patched() as
   * they always did, so their histories replay unchanged. Kept across continue-as-new.
   */
  revision?: number;
}

/**
 * The workflow changes a run started now takes without patch markers: 1 = NO_STEP_ATTRIBUTE_PATCH
 * and RUN_PROGRESS_PATCH; 2 = EVENT_TIME_PATCH (and NUMERIC_STRINGS_PATCH); 3 = STEP_REACHED_PATCH
 * (steps waited in are reported when entered, steps cut short when the run ends). A later change
 * that needs patched() for older runs bumps it and is asked as `input.revision >= N || patched(ID)`;
 * start runs with it only once every worker has that code.
 */
export const RUN_REVISION = 3;

export interface JourneyRunLimits {
  /**
   * Continue-as-new once history has more events than this (checked between steps and
   * during waits), besides whenever the server suggests it.
   * @default undefined (only the server's suggestion counts)
   */
  maxHistoryEvents?: number;
}

/** The workflow's signature, for typed `client.workflow.start<JourneyRunWorkflow>(JOURNEY_WORKFLOW, …)`. */
export type JourneyRunWorkflow = (input: JourneyRunInput) => Promise<RunState>;

/** A customer event for this run: buffered, de-duplicated by `id`, checked against exit_on/goal. */
export const journeyEventSignal = defineSignal<[JourneyEvent]>('journeyEvent');

/** Ask the run to end now (support action); `reason` goes to the run state. */
export const exitRunSignal = defineSignal<[{ reason: string; by: string }]>('exitRun');

/** Current state of the run: step, next wake-up, steps done, sends with reason. */
export const runStateQuery = defineQuery<RunState>('state');
