// Listing journey runs from Temporal visibility by search attributes, one page per call:
// never a scan of every workflow.
import { createHash } from 'node:crypto';
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { executionInfoFromRaw } from '@temporalio/client/lib/helpers';
import { JOURNEY_WORKFLOW } from '../workflows/definitions';
import { SupportError } from './errors';
import { readRunState } from './run-state-reader';
import { toRunSummary, type UiLink } from './run-summary';
import type { RunListStatus, RunPage, SupportService } from './types';
import { mapBounded } from '../core/bounded';
import { CUSTOMER_ID, JOURNEY_ID } from '../workflows/search-attributes';
import { keywordClause, literal, matches } from './visibility-query';

export type ListRunsFilter = Parameters<SupportService['listRuns']>[0];

/** @default 20 */
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

const EXECUTION_STATUS: Record<RunListStatus, string> = {
  running: 'Running',
  completed: 'Completed',
  exited: 'Completed',
  converted: 'Completed',
  failed: 'Failed',
  terminated: 'Terminated',
  timed_out: 'TimedOut',
  cancelled: 'Canceled',
};

/**
 * The visibility query for a filter (exported for tests and docs). A customer, journey or task
 * queue a literal cannot carry exactly (support/visibility-query.ts) is narrowed by prefix, and
 * `exactly` keeps only the executions the filter names.
 */
export function runsQuery(filter: ListRunsFilter, taskQueue?: string): string {
  const clauses = [`WorkflowType = ${literal(JOURNEY_WORKFLOW)}`];
  const add = (name: string, value: string) => {
    const { clause } = keywordClause(name, value);
    if (clause) clauses.push(clause);
  };
  if (taskQueue) add('TaskQueue', taskQueue);
  if (filter.customerId) add(CUSTOMER_ID.name, filter.customerId);
  if (filter.journeyId) add(JOURNEY_ID.name, filter.journeyId);
  // A run that continued-as-new is listed once, as its latest execution.
  clauses.push(filter.status ? `ExecutionStatus = ${literal(EXECUTION_STATUS[filter.status])}` : `ExecutionStatus != 'ContinuedAsNew'`);
  return clauses.join(' AND ');
}

/** Whether a listed execution is one the filter names (a prefix-narrowed query also finds others). */
function exactly(filter: ListRunsFilter, taskQueue: string | undefined, info: WorkflowExecutionInfo): boolean {
  if (taskQueue && info.taskQueue !== taskQueue) return false;
  if (filter.customerId && !matches(info.typedSearchAttributes, CUSTOMER_ID, filter.customerId)) return false;
  if (filter.journeyId && !matches(info.typedSearchAttributes, JOURNEY_ID, filter.journeyId)) return false;
  return true;
}

/** Runs of one page whose state or result is read at the same time. */
const STATE_READS_AT_ONCE = 8;
/** How long the list waits for a running run's `state` query before showing it without one. */
const LIST_QUERY_MS = 1_500;

/** `read`, or null when it has not answered within `ms` (it may still finish; its answer is dropped). */
async function within<T>(ms: number, read: Promise<T | null>): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), ms)));
  try {
    return await Promise.race([read, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * One page of runs. Completed runs read their result (one small history read each) to tell
 * completed / exited / converted apart; running runs answer the `state` query (current step and
 * next wake-up) within LIST_QUERY_MS, else show TouchpointStep, which only runs started before
 * the `touchpoint-no-step-attribute` patch keep up to date (else blank). Up to
 * STATE_READS_AT_ONCE reads run at once. Filtering by completed, exited or converted filters
 * that page after reading results, so such a page may hold fewer than `pageSize` runs while a
 * token follows; so may a page for a customer id a query literal cannot carry exactly
 * (support/visibility-query.ts), whose listing is narrowed by prefix and then filtered here.
 */
export async function listRuns(deps: { client: Client; namespace: string; ui: UiLink; taskQueue?: string }, filter: ListRunsFilter): Promise<RunPage> {
  const pageSize = Math.min(Math.max(1, Math.floor(filter.pageSize ?? DEFAULT_PAGE_SIZE)), MAX_PAGE_SIZE);
  const query = runsQuery(filter, deps.taskQueue);
  const token = filter.pageToken === undefined ? undefined : readPageToken(filter.pageToken, query);
  let response;
  try {
    response = await deps.client.workflowService.listWorkflowExecutions({ namespace: deps.namespace, pageSize, nextPageToken: token, query });
  } catch (error) {
    const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
    // A token of ours Temporal cannot read any more (UNKNOWN on the dev server, INVALID_ARGUMENT elsewhere).
    if (token && (code === 2 || code === 3)) throw badPageToken(filter.pageToken!);
    // gRPC INVALID_ARGUMENT: search attributes missing on this namespace.
    if (code === 3) {
      throw new SupportError('invalid', `Temporal refused the run listing: ${error instanceof Error ? error.message : String(error)}. Check that the Touchpoint search attributes are registered (npm start registers them).`);
    }
    throw error;
  }
  const converter = deps.client.options.loadedDataConverter;
  const listed = await Promise.all((response.executions ?? []).map((raw) => executionInfoFromRaw(raw, converter, raw, deps.namespace)));
  const infos = listed.filter((info) => exactly(filter, deps.taskQueue, info));
  const runs = await mapBounded(infos, STATE_READS_AT_ONCE, async (info) => {
    const state =
      info.status.name === 'COMPLETED' ? await readRunState(deps.client, info)
      : info.status.name === 'RUNNING' ? await within(LIST_QUERY_MS, readRunState(deps.client, info))
      : null;
    return toRunSummary(info, deps.ui, state);
  });
  const next = response.nextPageToken && response.nextPageToken.length > 0 ? writePageToken(Buffer.from(response.nextPageToken), query) : null;
  return { runs: filter.status ? runs.filter((run) => run.status === filter.status) : runs, nextPageToken: next };
}

/** Page tokens say which listing they continue, so one from another filter (or a typo) is a clear 400. */
const TOKEN_VERSION = 'r1';

/** Identifies a listing (its visibility query) inside its page tokens; not a secret. */
function listingId(query: string): string {
  return createHash('sha256').update(query).digest('base64url').slice(0, 12);
}

/** `r1.<listing id>.<Temporal's token, base64url>`: URL-safe as it is. */
function writePageToken(temporalToken: Buffer, query: string): string {
  return `${TOKEN_VERSION}.${listingId(query)}.${temporalToken.toString('base64url')}`;
}

/** Temporal's token inside `pageToken`, or a 400 naming the parameter when it is not one this listing gave out. */
export function readPageToken(pageToken: string, query: string): Buffer {
  const [version, listing, encoded, ...rest] = pageToken.split('.');
  if (version !== TOKEN_VERSION || encoded === undefined || rest.length > 0 || !/^[A-Za-z0-9_-]+$/.test(encoded)) throw badPageToken(pageToken);
  if (listing !== listingId(query)) {
    throw new SupportError('invalid', `pageToken "${shorten(pageToken)}" continues a listing with other filters (customer, journey or status); send the same filters as the page it came from, or omit pageToken to start from the first page.`);
  }
  return Buffer.from(encoded, 'base64url');
}

function badPageToken(pageToken: string): SupportError {
  return new SupportError('invalid', `pageToken "${shorten(pageToken)}" is not a nextPageToken from a previous page of this listing; pass nextPageToken exactly as it was answered, or omit pageToken to start from the first page.`);
}

function shorten(value: string): string {
  return value.length > 60 ? `${value.slice(0, 57)}...` : value;
}
