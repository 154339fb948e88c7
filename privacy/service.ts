// A customer's rights over their data (GDPR): an export of everything stored about them (art. 15
// and 20) and erasure (art. 17): running runs exited, their Temporal histories deleted, and the
// store's rows deleted or anonymised, keeping only consent proof, suppressions and the audit log.
import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Store } from '../store/types';
import type { CustomerData, ErasureCounts } from '../store/personal-data';
import { keywordClause, matches } from '../support/visibility-query';
import { CUSTOMER_ID } from '../workflows/search-attributes';
import { SupportError } from '../support/errors';
import type { Actor } from '../support/types';

export interface PrivacyDeps {
  store: Pick<Store, 'personalData' | 'appendAudit'>;
  client: Client;
  namespace: string;
  /** Exit one running run, as support's exit does (signal, audit, wait until it closed). */
  exitRun: (workflowId: string, input: { reason: string; actor: Actor }) => Promise<unknown>;
  now: () => Date;
}

/** One Temporal execution of the customer's runs (a run that continued as new has several). */
export interface ExecutionRecord {
  workflowId: string;
  runId: string;
  status: string;
  startedAt: string | null;
  closedAt: string | null;
}

export interface CustomerExport extends CustomerData {
  exportedAt: string;
  /** The customer's workflow executions in Temporal (their histories hold the trigger events and traits). */
  executions: ExecutionRecord[];
}

export interface ErasureResult {
  customerId: string;
  erasedAt: string;
  /** Runs that were running and were exited first. */
  exitedRuns: string[];
  /** Workflow executions deleted from Temporal (history and visibility). */
  deletedExecutions: number;
  counts: ErasureCounts;
}

export interface PrivacyService {
  exportCustomer(customerId: string): Promise<CustomerExport>;
  eraseCustomer(customerId: string, input: { reason: string; actor: Actor }): Promise<ErasureResult>;
}

export function createPrivacyService(deps: PrivacyDeps): PrivacyService {
  const executionsOf = (customerId: string) => listExecutions(deps.client, customerId);
  return {
    async exportCustomer(customerId) {
      const data = await deps.store.personalData.exportCustomer(customerId);
      const executions = await executionsOf(customerId);
      if (executions.length === 0 && Object.values(data.tables).every((rows) => rows.length === 0)) throw notFound(customerId);
      return { ...data, exportedAt: deps.now().toISOString(), executions };
    },

    async eraseCustomer(customerId, input) {
      const before = await executionsOf(customerId);
      const exitedRuns: string[] = [];
      for (const execution of before.filter((e) => e.status === 'RUNNING')) {
        try {
          await deps.exitRun(execution.workflowId, { reason: `erasure: ${input.reason}`, actor: input.actor });
          exitedRuns.push(execution.workflowId);
        } catch (error) {
          // Closed meanwhile: nothing to exit. Anything else still ends below, when its execution is deleted.
          if (!(error instanceof SupportError)) throw error;
        }
      }
      // The pseudonym links the anonymised rows to each other, never to the person: random, not a
      // hash of the id (which anyone could recompute), and neither returned nor logged.
      const pseudonym = `erased-${randomBytes(12).toString('hex')}`;
      const counts = await deps.store.personalData.eraseCustomer(customerId, pseudonym);
      let deletedExecutions = 0;
      for (const execution of await executionsOf(customerId)) {
        // A run still running (its exit did not finish in time) is terminated by the deletion.
        await deps.client.workflowService.deleteWorkflowExecution({
          namespace: deps.namespace,
          workflowExecution: { workflowId: execution.workflowId, runId: execution.runId },
        });
        deletedExecutions += 1;
      }
      // Rows a run wrote while it was being exited: a second pass under the same pseudonym.
      const late = await deps.store.personalData.eraseCustomer(customerId, pseudonym);
      const erasedAt = deps.now().toISOString();
      await deps.store.appendAudit({ at: erasedAt, actor: input.actor.name, action: 'customer.erase', target: customerId, reason: input.reason });
      return { customerId, erasedAt, exitedRuns, deletedExecutions, counts: add(counts, late) };
    },
  };
}

/** Every execution labelled with the customer, whatever its status (continued-as-new ones included). */
async function listExecutions(client: Client, customerId: string): Promise<ExecutionRecord[]> {
  const found: ExecutionRecord[] = [];
  // An id a query literal cannot carry exactly is narrowed by prefix (or not at all) and filtered here.
  const { clause } = keywordClause(CUSTOMER_ID.name, customerId);
  for await (const info of client.workflow.list(clause ? { query: clause } : {})) {
    if (!matches(info.typedSearchAttributes, CUSTOMER_ID, customerId)) continue;
    found.push({
      workflowId: info.workflowId,
      runId: info.runId,
      status: info.status.name,
      startedAt: info.startTime.toISOString(),
      closedAt: info.closeTime?.toISOString() ?? null,
    });
  }
  return found;
}

function add(a: ErasureCounts, b: ErasureCounts): ErasureCounts {
  const sum = (x: Record<string, number>, y: Record<string, number>) =>
    Object.fromEntries([...new Set([...Object.keys(x), ...Object.keys(y)])].map((k) => [k, (x[k] ?? 0) + (y[k] ?? 0)]));
  // What was kept is counted once: the second pass finds the same rows.
  return { deleted: sum(a.deleted, b.deleted), anonymised: sum(a.anonymised, b.anonymised), kept: a.kept };
}

function notFound(customerId: string): SupportError {
  return new SupportError('not_found', `Nothing is stored about a customer with id "${customerId}" (no profile, events, messages or runs). Check the id; search by email or phone with GET /v1/customers/<query>.`);
}
