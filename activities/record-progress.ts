// The recordProgress activity, and the progress every other activity records before its main
// work: the steps a run finished since its last call land in the analytics tables with no extra
// workflow history. The store's writes are idempotent, so retried calls record nothing twice.
import type { Store } from '../store/types';
import type { JourneyActivities, RunProgressReport, RunRef, StepProgress } from './contract';

/** Record `report` when it has something to say (finished steps or the run's ending). */
export async function recordGivenProgress(store: Store, report: RunProgressReport | undefined): Promise<void> {
  if (report && (report.steps.length > 0 || report.ending || (report.waiting?.length ?? 0) > 0)) await store.recordRunProgress(report);
}

/** A report from a call that names its run (send and webhook requests) and the steps it carries. */
export function progressOf(run: RunRef, steps: StepProgress[] | undefined): RunProgressReport | undefined {
  if (!steps || steps.length === 0) return undefined;
  return { run: { workflowId: run.workflowId, runId: run.runId, journeyId: run.journeyId, journeyVersion: run.journeyVersion, customerId: run.customerId }, steps };
}

export function createRecordProgress(deps: { store: Store }): JourneyActivities['recordProgress'] {
  return async function recordProgress(report) {
    await recordGivenProgress(deps.store, report);
  };
}
