// Waiting for every journey run to finish, counted from Temporal visibility (the dev server's
// SQLite), which keeps answering the question while the fault lasts or says why it cannot.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';

const NOT_DONE = "ExecutionStatus != 'Running' AND ExecutionStatus != 'Completed'";

export interface WaitForRunsOptions {
  expected: number;
  timeoutMs: number;
  /** Checked every second: a reason to stop waiting (the worker died by itself), or null. */
  giveUp?: () => string | null;
  /** Appended to the error after the timeout (the worker's last output, say). */
  diagnostics?: () => string;
}

/** Resolve with the number of completed runs once `expected` completed and none runs; a failed or terminated run throws at once. */
export async function waitForRuns(client: Client, options: WaitForRunsOptions): Promise<number> {
  const deadline = Date.now() + options.timeoutMs;
  const count = async (where: string) => (await client.workflow.count(`WorkflowType = 'journeyRun' AND ${where}`)).count;
  let last = 'no answer from Temporal yet';
  while (Date.now() < deadline) {
    // Temporal may be down for the moment (the restart test): then ask again.
    const counts = await Promise.all([count("ExecutionStatus = 'Completed'"), count("ExecutionStatus = 'Running'"), count(NOT_DONE)]).catch(() => null);
    if (counts) {
      const [completed, running, otherwise] = counts;
      last = `${completed} completed, ${running} running, ${otherwise} ended otherwise, of ${options.expected}`;
      if (otherwise > 0) {
        const ended: string[] = [];
        for await (const run of client.workflow.list({ query: `WorkflowType = 'journeyRun' AND ${NOT_DONE}` })) ended.push(`${run.workflowId} ${run.status.name}`);
        throw new Error(`runs did not complete: ${last}: ${ended.join(', ')}`);
      }
      if (completed >= options.expected && running === 0) return completed;
    }
    const reason = options.giveUp?.() ?? null;
    if (reason) throw new Error(`${reason} (${last})\n${options.diagnostics?.() ?? ''}`);
    await sleep(1_000);
  }
  throw new Error(`runs not done within ${options.timeoutMs / 1000} s: ${last}\n${options.diagnostics?.() ?? ''}`);
}
