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
}

/** Create (not run) a worker; `worker.run()` polls until `worker.shutdown()`. */
export function createWorker(options: CreateWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: options.activities,
    // require.resolve finds workflows/index.ts under jest and dist/workflows/index.js when built.
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: require.resolve('./workflows') }),
  });
}
