// createSupportService: the one SupportService the HTTP API, the CLI (through the API) and the
// web inspector share, over the store and Temporal (visibility, queries, results, signals).
import type { Client } from '@temporalio/client';
import type { JourneySnapshot } from '../dsl/schema';
import type { Store } from '../store/types';
import { customerView, findCustomer } from './customers';
import { isSupportError, SupportError } from './errors';
import { isTemporalUnavailable, withTemporalDeadline } from '../temporal/unavailable';
import { isDatabaseUnavailable } from '../store/unavailable';
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
  /** Where Temporal is, named when it cannot be reached (e.g. `127.0.0.1:7233`). @default unnamed */
  temporalAddress?: string;
  /**
   * How long Temporal may take to answer the health check every run operation starts with:
   * past it the operation is `unavailable` (HTTP 503) at once instead of a 500 after the SDK's
   * ~19 s of retries. @default 1500
   */
  temporalCheckMs?: number;
  /** The zone used for customers whose `timezone` trait is not an IANA zone (DEFAULT_TIMEZONE), named in warnings. @default 'UTC' */
  defaultTimezone?: string;
}

/** Longest a run read (list, detail) may take once Temporal answered its check. */
const RUN_READ_MS = 10_000;

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
  const checkMs = deps.temporalCheckMs ?? 1_500;
  const exitMs = (deps.exitWaitMs ?? 10_000) + RUN_READ_MS;
  /** The store's and Temporal's outages as `unavailable` errors naming which one; every other error as it is. */
  const guarded = async <T>(op: () => Promise<T>): Promise<T> => {
    try {
      return await op();
    } catch (error) {
      throw unavailable(error, deps.temporalAddress) ?? error;
    }
  };
  /** A run operation: Temporal must answer a health check within checkMs, then `op` gets `ms`. */
  const onTemporal = <T>(ms: number, op: () => Promise<T>): Promise<T> =>
    guarded(async () => {
      await withTemporalDeadline(deps.client, checkMs, () => deps.client.workflowService.getSystemInfo({}));
      return withTemporalDeadline(deps.client, ms, op);
    });
  return {
    findCustomer: (query) => guarded(() => findCustomer(deps.store, query)),
    listRuns: (filter) => onTemporal(RUN_READ_MS, () => listRuns(runDeps, filter)),
    getRun: (workflowId) => onTemporal(RUN_READ_MS, () => getRun(runDeps, workflowId)),
    exitRun: (workflowId, input) => onTemporal(exitMs, () => exitRun(runDeps, workflowId, input)),
    exitAllRuns: async (customerId, input) => {
      if (!(await guarded(() => deps.store.getContact(customerId)))) throw customerNotFound(customerId);
      // Each run's exit waits for it to close; many runs take longer than one.
      return onTemporal(exitMs * 10, () => exitAllRuns(runDeps, customerId, input));
    },
    setChannelConsent: (customerId, input) => guarded(() => setChannelConsent(customerId, input)),
    auditLog: (filter) => guarded(() => deps.store.listAudit(filter)),
    journeyReport: (query) => guarded(() => journeyReport({ store: deps.store, now, ...(deps.journeys ? { journeys: deps.journeys } : {}) }, query)),
  };

  async function setChannelConsent(customerId: string, input: Parameters<SupportService['setChannelConsent']>[1]) {
    if (!(await deps.store.getContact(customerId))) throw customerNotFound(customerId);
    const at = now().toISOString();
    await deps.store.setConsent({ customerId, channel: input.channel, status: input.status, source: 'support', reason: input.reason, by: input.actor.name, at });
    await deps.store.appendAudit({ at, actor: input.actor.name, action: `consent.${input.channel}.${input.status}`, target: customerId, reason: input.reason });
    const view = await customerView(deps.store, customerId, zone);
    if (!view) throw customerNotFound(customerId);
    return view;
  }
}

/** `error` as an `unavailable` SupportError naming what cannot be reached; null when it is not an outage. */
function unavailable(error: unknown, temporalAddress: string | undefined): SupportError | null {
  if (isSupportError(error)) return null;
  const detail = error instanceof Error ? error.message : String(error);
  if (isTemporalUnavailable(error)) {
    return new SupportError(
      'unavailable',
      `Temporal${temporalAddress ? ` at ${temporalAddress}` : ''} is unreachable (${detail}): journey runs cannot be listed, read or exited until it answers again. ` +
        'Check that the Temporal server is running (npm start runs one) and TEMPORAL_ADDRESS; customers, consent, reports and the audit log still work.',
    );
  }
  if (isDatabaseUnavailable(error)) {
    return new SupportError('unavailable', `The database is unreachable (${detail}). Check that PostgreSQL is running and DATABASE_URL points at it, then try again.`);
  }
  return null;
}

function customerNotFound(customerId: string): SupportError {
  return new SupportError('not_found', `No customer with id "${customerId}". Search by id, email or phone with GET /v1/customers/<query> (or \`touchpoint customers show <query>\`).`);
}
