// The Temporal worker: the journey workflow (bundled from ./workflows, or a prebuilt bundle)
// and the activities, on one task queue.
import { Worker, type NativeConnection, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { JourneyActivities } from './activities/contract';

export interface CreateWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  /** The queue journeys are started on (TEMPORAL_TASK_QUEUE). */
  taskQueue: string;
  activities: JourneyActivities;
  /** A bundle from `bundleWorkflowCode` (tests reuse one across workers). @default bundles ./workflows at start-up */
  workflowBundle?: WorkflowBundleWithSourceMap;
  /**
   * Runs kept in memory between steps (TEMPORAL_MAX_CACHED_WORKFLOWS). A cached journey run weighs
   * ~0.32 MB of worker RSS, and the SDK's default follows the heap limit (2,310 on a 4 GB heap: +629 MB
   * with 2,000 runs asleep, bench `sleeping`). Runs beyond the cache cost nothing while they sleep;
   * one that wakes uncached fetches and replays its short history (~13 ms more in the worker).
   * @default 100
   */
  maxCachedWorkflows?: number;
}

export const DEFAULT_MAX_CACHED_WORKFLOWS = 100;

/** Create (not run) a worker; `worker.run()` polls until `worker.shutdown()`. */
export function createWorker(options: CreateWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: options.activities,
    maxCachedWorkflows: options.maxCachedWorkflows ?? DEFAULT_MAX_CACHED_WORKFLOWS,
    // require.resolve finds workflows/index.ts under jest and dist/workflows/index.js when built.
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: require.resolve('./workflows') }),
  });
}
