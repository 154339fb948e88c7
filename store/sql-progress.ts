// The analytics side of a run in SQL: one run_steps row per step visit and one journey_runs row per
// ended run. Reports are retried freely, so every write is "do nothing" on a key already present:
// the first report of a step or an ending is the one kept. A step the run waits in (wait, wait_for)
// is reported when entered, with no finished_at and the result `waiting`; its finish fills them in.
import type { RunProgressReport } from '../activities/contract';
import type { Db } from './db';

export class SqlRunProgress {
  constructor(private readonly db: Db) {}

  async record(report: RunProgressReport): Promise<void> {
    const { run, steps, ending } = report;
    const waiting = report.waiting ?? [];
    if (steps.length === 0 && !ending && waiting.length === 0) return;
    await this.db.transaction(async (tx) => {
      for (const step of waiting) {
        await tx.query(
          `insert into run_steps (run_id, step_id, visit, workflow_id, journey_id, journey_version, customer_id, kind, entered_at, finished_at, outcome, result)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, null, 'waiting', 'waiting')
           on conflict (run_id, step_id, visit) do nothing`,
          [run.runId, step.stepId, step.visit, run.workflowId, run.journeyId, run.journeyVersion, run.customerId, step.kind, step.enteredAt],
        );
      }
      for (const step of steps) {
        await tx.query(
          `insert into run_steps as s (run_id, step_id, visit, workflow_id, journey_id, journey_version, customer_id, kind, entered_at, finished_at, outcome, result)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
           on conflict (run_id, step_id, visit) do update set finished_at = excluded.finished_at, outcome = excluded.outcome, result = excluded.result
             where s.finished_at is null`,
          [run.runId, step.stepId, step.visit, run.workflowId, run.journeyId, run.journeyVersion, run.customerId, step.kind,
            step.enteredAt, step.finishedAt, step.outcome, step.result],
        );
      }
      if (ending) {
        await tx.query(
          `insert into journey_runs (run_id, workflow_id, journey_id, journey_version, customer_id, status, end_reason, ended_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8)
           on conflict (run_id) do nothing`,
          [run.runId, run.workflowId, run.journeyId, run.journeyVersion, run.customerId, ending.status, ending.reason, ending.at],
        );
      }
    });
  }
}
