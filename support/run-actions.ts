// Support actions on runs: exit one run, or every running run of a customer. Each one is
// signalled, audited (who, what, target, why) and awaited until the run has closed.
import type { Client } from '@temporalio/client';
import type { Store } from '../store/types';
import { exitRunSignal, type JourneyRunWorkflow } from '../workflows/definitions';
import { SupportError } from './errors';
import { describeRun } from './get-run';
import { listRuns } from './list-runs';
import { readRunState } from './run-state-reader';
import { toRunSummary, type UiLink } from './run-summary';
import type { Actor, RunSummary } from './types';

export interface RunActionDeps {
  client: Client;
  store: Store;
  namespace: string;
  ui: UiLink;
  taskQueue?: string;
  now: () => Date;
  /** How long exitRun waits for the run to close before returning it as it is. @default 10000 */
  exitWaitMs?: number;
}

const POLL_MS = 100;

export async function exitRun(deps: RunActionDeps, workflowId: string, input: { reason: string; actor: Actor }): Promise<RunSummary> {
  const description = await describeRun(deps.client, workflowId);
  if (!description) throw notFound(workflowId);
  if (description.status.name !== 'RUNNING') {
    throw new SupportError('not_running', `Run ${workflowId} is not running (it is ${description.status.name.toLowerCase()}); there is nothing to exit.`);
  }
  const handle = deps.client.workflow.getHandle<JourneyRunWorkflow>(workflowId, description.runId);
  try {
    await handle.signal(exitRunSignal, { reason: input.reason, by: input.actor.name });
  } catch (error) {
    if (error instanceof Error && error.name === 'WorkflowNotFoundError') {
      throw new SupportError('not_running', `Run ${workflowId} closed before it could be exited; there is nothing to exit.`);
    }
    throw error;
  }
  await deps.store.appendAudit({ at: deps.now().toISOString(), actor: input.actor.name, action: 'run.exit', target: workflowId, reason: input.reason });
  // The signal is handled by the next workflow task; wait (bounded) so the answer shows it exited.
  const deadline = Date.now() + (deps.exitWaitMs ?? 10_000);
  let latest = await describeRun(deps.client, workflowId);
  while (latest?.status.name === 'RUNNING' && latest.runId === description.runId && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    latest = await describeRun(deps.client, workflowId);
  }
  const info = latest ?? description;
  return toRunSummary(info, deps.ui, await readRunState(deps.client, info));
}

/** Exit every running run of the customer (one audit entry per run, one for the customer). */
export async function exitAllRuns(deps: RunActionDeps, customerId: string, input: { reason: string; actor: Actor }): Promise<RunSummary[]> {
  const running: string[] = [];
  let pageToken: string | undefined;
  do {
    const page = await listRuns(deps, { customerId, status: 'running', pageSize: 100, ...(pageToken ? { pageToken } : {}) });
    running.push(...page.runs.map((run) => run.workflowId));
    pageToken = page.nextPageToken ?? undefined;
  } while (pageToken);
  await deps.store.appendAudit({ at: deps.now().toISOString(), actor: input.actor.name, action: 'customer.exit_all', target: customerId, reason: input.reason });
  const exited: RunSummary[] = [];
  for (const workflowId of running) {
    try {
      exited.push(await exitRun(deps, workflowId, input));
    } catch (error) {
      // Closed between the listing and the signal: nothing left to exit for that one.
      if (error instanceof SupportError && error.code !== 'invalid') continue;
      throw error;
    }
  }
  return exited;
}

function notFound(workflowId: string): SupportError {
  return new SupportError('not_found', `No journey run with id "${workflowId}". List a customer's runs with GET /v1/runs?customer=<id> (or \`touchpoint runs list --customer <id>\`).`);
}
