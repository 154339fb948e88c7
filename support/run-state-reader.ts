// Reading a run's RunState without replaying anything: the `state` query while it runs, the
// workflow's result once it completed (the result IS the final RunState).
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import type { RunState } from '../core/run-state';
import { runStateQuery, type JourneyRunWorkflow } from '../workflows/definitions';

/** How long a `state` query may take before the run is shown without it (no worker polling, say). */
const QUERY_DEADLINE_MS = 5_000;

export async function readRunState(client: Client, info: Pick<WorkflowExecutionInfo, 'workflowId' | 'runId' | 'status'>): Promise<RunState | null> {
  const handle = client.workflow.getHandle<JourneyRunWorkflow>(info.workflowId, info.runId);
  try {
    if (info.status.name === 'RUNNING') {
      return await client.connection.withDeadline(Date.now() + QUERY_DEADLINE_MS, () => handle.query(runStateQuery));
    }
    // A completed run's result comes from its close event: no waiting, no replay.
    if (info.status.name === 'COMPLETED') return await handle.result();
  } catch {
    // Unreadable (no worker for the query, the run closed meanwhile): shown from visibility alone.
  }
  return null;
}
