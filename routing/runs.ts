// The Temporal side of routing: start, signal-with-start, signal and look up journey runs,
// with "no such run" and "already running" turned into values instead of errors.
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { SearchAttributePair } from '@temporalio/common';
import type { JourneySnapshot } from '../dsl/schema';
import type { JourneyEvent } from '../core/events';
import { JOURNEY_WORKFLOW, journeyEventSignal, RUN_REVISION, type JourneyRunInput } from '../workflows/definitions';
import { CUSTOMER_ID, JOURNEY_ID, JOURNEY_VERSION } from '../workflows/search-attributes';

/** The journey workflow's signature, for typed `args` (the implementation lives in workflows/). */
type JourneyRunWorkflow = (input: JourneyRunInput) => Promise<unknown>;

export interface RunStart {
  workflowId: string;
  input: JourneyRunInput;
}

export interface RunOps {
  /** Start a run; `false` when one with this id is running (conflict policy FAIL). */
  start(run: RunStart): Promise<boolean>;
  /** Start a run with `event` as its first signal, or signal the running one. */
  signalWithStart(run: RunStart, event: JourneyEvent): Promise<void>;
  /** Deliver `event` to the running run; `false` when there is none. */
  signal(workflowId: string, event: JourneyEvent): Promise<boolean>;
  /** The latest run with this id: running or not, and the messageId that started it; null if none. */
  describe(workflowId: string): Promise<{ running: boolean; triggerMessageId: string | null } | null>;
  /** Workflow ids of this customer's running runs of this journey (visibility query). */
  listRunning(journeyId: string, customerId: string): Promise<string[]>;
}

export function createRunOps(client: Client, taskQueue: string): RunOps {
  const options = (run: RunStart) => ({
    workflowId: run.workflowId,
    taskQueue,
    // Started by this code: the run takes every workflow change up to RUN_REVISION without patch markers.
    args: tuple({ ...run.input, revision: RUN_REVISION }),
    typedSearchAttributes: searchAttributes(run.input.snapshot, run.input.customerId),
    // Lets a retry of the same routing recognise the run it started (see router.ts).
    memo: { triggerMessageId: run.input.trigger.id },
    // A closed run does not block a new one: the journey's entry policy decides that.
    workflowIdReusePolicy: 'ALLOW_DUPLICATE' as const,
  });
  return {
    async start(run) {
      try {
        await client.workflow.start<JourneyRunWorkflow>(JOURNEY_WORKFLOW, { ...options(run), workflowIdConflictPolicy: 'FAIL' });
        return true;
      } catch (error) {
        if (error instanceof WorkflowExecutionAlreadyStartedError) return false;
        throw error;
      }
    },
    async signalWithStart(run, event) {
      await client.workflow.signalWithStart<JourneyRunWorkflow, [JourneyEvent]>(JOURNEY_WORKFLOW, {
        ...options(run),
        signal: journeyEventSignal,
        signalArgs: [event],
      });
    },
    async signal(workflowId, event) {
      try {
        await client.workflow.getHandle(workflowId).signal(journeyEventSignal, event);
        return true;
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) return false;
        throw error;
      }
    },
    async describe(workflowId) {
      try {
        const description = await client.workflow.getHandle(workflowId).describe();
        const startedBy = description.memo?.triggerMessageId;
        return { running: description.status.name === 'RUNNING', triggerMessageId: typeof startedBy === 'string' ? startedBy : null };
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) return null;
        throw error;
      }
    },
    async listRunning(journeyId, customerId) {
      const query =
        `${JOURNEY_ID.name} = ${quote(journeyId)} AND ${CUSTOMER_ID.name} = ${quote(customerId)} ` + `AND ExecutionStatus = 'Running'`;
      const ids = new Set<string>();
      for await (const execution of client.workflow.list({ query })) ids.add(execution.workflowId);
      return [...ids];
    },
  };
}

function tuple(input: JourneyRunInput): [JourneyRunInput] {
  return [input];
}

/** The run's labels. TouchpointStep is no longer set: a run's current step is read from its state query (support/). */
function searchAttributes(snapshot: JourneySnapshot, customerId: string): SearchAttributePair[] {
  return [
    { key: CUSTOMER_ID, value: customerId },
    { key: JOURNEY_ID, value: snapshot.journey.id },
    { key: JOURNEY_VERSION, value: snapshot.version },
  ];
}

/** A visibility-query string literal: backslashes and single quotes escaped. */
export function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
