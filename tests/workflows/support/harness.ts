// One time-skipping server, one workflow bundle and one worker per test file, shared by its
// tests; each test uses its own customer id, so runs and recorded activities never mix.
import type { WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { journeyWorkflowId } from '../../../core/ids';
import type { JourneyEvent } from '../../../core/events';
import type { RunState } from '../../../core/run-state';
import type { JourneyInput, JourneySnapshot } from '../../../dsl/schema';
import { JOURNEY_WORKFLOW, runStateQuery, type JourneyRunInput, type JourneyRunLimits, type JourneyRunWorkflow } from '../../../workflows/definitions';
import { snapshotOf } from './journeys';
import { RecordingActivities } from './recording-activities';
import { startTimeSkipping } from './time-skipping';

export type RunHandle = WorkflowHandleWithFirstExecutionRunId<JourneyRunWorkflow>;

export interface StartOptions {
  customerId?: string;
  entryKey?: string;
  trigger?: JourneyEvent;
  limits?: JourneyRunLimits;
  /** input.revision (routing sets RUN_REVISION); absent: the run asks patched() as runs before revisions did. */
  revision?: number;
  /** input.backlog: events routing found in the log that happened after the trigger. */
  backlog?: JourneyEvent[];
}

export interface Harness {
  env: TestWorkflowEnvironment;
  activities: RecordingActivities;
  taskQueue: string;
  /** Start a run of `journey` (a snapshot, or DSL input validated by the schema). */
  start(journey: JourneyInput | JourneySnapshot, options?: StartOptions): Promise<{ handle: RunHandle; customerId: string }>;
  /** Poll the `state` query until `accept` holds; throws with the last state seen otherwise. */
  waitForState(handle: RunHandle, accept: (state: RunState) => boolean, what: string): Promise<RunState>;
  stop(): Promise<void>;
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
let customers = 0;
let events = 0;

/** A customer event with a fresh id. */
export function event(name: string, properties: Record<string, unknown> = {}, id = `evt-${++events}`): JourneyEvent {
  return { id, name, properties, timestamp: '2030-01-01T00:00:00.000Z' };
}

export async function startHarness(): Promise<Harness> {
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } } });
  } catch {
    // Installed already by an earlier test file in this jest worker.
  }
  bundle ??= bundleWorkflowCode({ workflowsPath: require.resolve('../../../workflows'), logger: new DefaultLogger('ERROR') });
  const env = await startTimeSkipping();
  const activities = new RecordingActivities();
  const taskQueue = `journeys-${process.pid}-${Date.now()}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await bundle,
    activities: activities.implementations(),
  });
  const running = worker.run();

  return {
    env,
    activities,
    taskQueue,
    async start(journey, options = {}) {
      const snapshot = 'journey' in journey ? journey : snapshotOf(journey);
      const customerId = options.customerId ?? `customer-${++customers}`;
      const input: JourneyRunInput = { snapshot, customerId, trigger: options.trigger ?? event('signed.up') };
      if (options.entryKey !== undefined) input.entryKey = options.entryKey;
      if (options.limits !== undefined) input.limits = options.limits;
      if (options.revision !== undefined) input.revision = options.revision;
      if (options.backlog !== undefined) input.backlog = options.backlog;
      const handle = await env.client.workflow.start<JourneyRunWorkflow>(JOURNEY_WORKFLOW, {
        taskQueue,
        workflowId: journeyWorkflowId(snapshot.journey.id, customerId, options.entryKey),
        args: [input],
      });
      return { handle, customerId };
    },
    async waitForState(handle, accept, what) {
      let last: RunState | undefined;
      for (let i = 0; i < 500; i++) {
        last = await handle.query(runStateQuery);
        if (accept(last)) return last;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      throw new Error(`run ${handle.workflowId} never reached: ${what}; last state: ${JSON.stringify(last)}`);
    },
    async stop() {
      worker.shutdown();
      await running;
      await env.teardown();
    },
  };
}
