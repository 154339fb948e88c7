// createSupportService: the one SupportService the HTTP API, the CLI (through the API) and the
// web inspector share, over the store and Temporal (visibility, queries, results, signals).
import type { Client } from '@temporalio/client';
import type { JourneySnapshot } from '../dsl/schema';
import type { Store } from '../store/types';
import { customerView, findCustomer } from './customers';
import { SupportError } from './errors';
import { getRun } from './get-run';
import { journeyReport } from './journey-report';
import { listRuns } from './list-runs';
import { exitAllRuns, exitRun, type RunActionDeps } from './run-actions';
import type { SupportService } from './types';

export interface SupportServiceDeps {
  store: Store;
  client: Client;
  /** The Temporal namespace the runs live in. */
  namespace: string;
  /** Base address of the Temporal Web UI for run links (e.g. `http://127.0.0.1:8233`). @default null (no links) */
  temporalUiUrl?: string | null;
  /** Only list runs on this task queue. @default undefined (every journey run in the namespace) */
  taskQueue?: string;
  /** Clock for audit entries and consent changes. @default () => new Date() */
  now?: () => Date;
  /** How long an exit waits for the run to close before answering. @default 10000 */
  exitWaitMs?: number;
  /**
   * The loaded journeys: reports order steps by them, and an id not among them is a not_found.
   * @default undefined (any journey id is reported, steps as the data has them)
   */
  journeys?: readonly JourneySnapshot[];
  /** The zone used for customers whose `timezone` trait is not an IANA zone (DEFAULT_TIMEZONE), named in warnings. @default 'UTC' */
  defaultTimezone?: string;
}

export function createSupportService(deps: SupportServiceDeps): SupportService {
  const ui = { baseUrl: deps.temporalUiUrl ?? null, namespace: deps.namespace };
  const now = deps.now ?? (() => new Date());
  const zone = deps.defaultTimezone ?? 'UTC';
  const runDeps: RunActionDeps = {
    client: deps.client,
    store: deps.store,
    namespace: deps.namespace,
    ui,
    now,
    ...(deps.taskQueue ? { taskQueue: deps.taskQueue } : {}),
    ...(deps.exitWaitMs !== undefined ? { exitWaitMs: deps.exitWaitMs } : {}),
  };
  return {
    findCustomer: (query) => findCustomer(deps.store, query, zone),
    listRuns: (filter) => listRuns(runDeps, filter),
    getRun: (workflowId) => getRun({ ...runDeps, defaultTimezone: zone }, workflowId),
    exitRun: (workflowId, input) => exitRun(runDeps, workflowId, input),
    exitAllRuns: async (customerId, input) => {
      if (!(await deps.store.getContact(customerId))) throw customerNotFound(customerId);
      return exitAllRuns(runDeps, customerId, input);
    },
    async setChannelConsent(customerId, input) {
      if (!(await deps.store.getContact(customerId))) throw customerNotFound(customerId);
      const at = now().toISOString();
      await deps.store.setConsent({ customerId, channel: input.channel, status: input.status, source: 'support', reason: input.reason, by: input.actor.name, at });
      await deps.store.appendAudit({ at, actor: input.actor.name, action: `consent.${input.channel}.${input.status}`, target: customerId, reason: input.reason });
      const view = await customerView(deps.store, customerId, zone);
      if (!view) throw customerNotFound(customerId);
      return view;
    },
    auditLog: (filter) => deps.store.listAudit(filter),
    journeyReport: (query) => journeyReport({ store: deps.store, now, ...(deps.journeys ? { journeys: deps.journeys } : {}) }, query),
  };
}

function customerNotFound(customerId: string): SupportError {
  return new SupportError('not_found', `No customer with id "${customerId}". Search by id, email or phone with GET /v1/customers/<query> (or \`touchpoint customers show <query>\`).`);
}
