// createTouchpointClient: a small typed client for the Touchpoint HTTP API — events for order
// systems (track / identify / page / screen / alias / group / batch) and the support routes (customers, runs, consent, audit, reports).
import type { z } from 'zod';
import { JourneyReportSchema } from '../analytics/report-schema';
import type { JourneyReport, ReportQuery } from '../analytics/types';
import {
  BatchResultSchema,
  EventResultSchema,
  type AliasRequestSchema,
  type BatchItem,
  type BatchRequestSchema,
  type BatchResult,
  type EventResult,
  type GroupRequestSchema,
  type IdentifyRequestSchema,
  type PageRequestSchema,
  type ScreenRequestSchema,
  type TrackRequestSchema,
} from '../api/schemas';
import type { Channel } from '../dsl/schema';
import type { AuditEntry, CustomerView, RunDetail, RunListStatus, RunPage, RunSummary } from '../support/types';
import { TouchpointApiError } from './errors';
import { AuditResultSchema, CustomerExportSchema, CustomerViewSchema, ErasureResultSchema, ExitAllResultSchema, RunDetailSchema, RunPageSchema, RunSummarySchema } from './schemas';
import type { CustomerExport, ErasureResult } from '../privacy/service';

/** A track call as you send it (`properties` defaults to {}). */
export type TrackInput = Omit<z.input<typeof TrackRequestSchema>, 'type'>;
/** An identify call as you send it (`traits` defaults to {}). */
export type IdentifyInput = Omit<z.input<typeof IdentifyRequestSchema>, 'type'>;
/** A page view as you send it (journeys see the event `page.viewed`). */
export type PageInput = Omit<z.input<typeof PageRequestSchema>, 'type'>;
/** A screen view as you send it (journeys see the event `screen.viewed`). */
export type ScreenInput = Omit<z.input<typeof ScreenRequestSchema>, 'type'>;
/** An alias: the anonymous id `previousId` now belongs to `userId`. */
export type AliasInput = Omit<z.input<typeof AliasRequestSchema>, 'type'>;
/** A group call: the account, company or team the customer belongs to. */
export type GroupInput = Omit<z.input<typeof GroupRequestSchema>, 'type'>;
/** One item of a batch: any call with its `type`. */
export type BatchItemInput = z.input<typeof BatchRequestSchema>['batch'][number];
export type { BatchItem, BatchResult, EventResult };

export interface TouchpointClientOptions {
  /** Where Touchpoint listens, e.g. `http://127.0.0.1:3000` (a trailing slash is fine). */
  baseUrl: string;
  /** API key sent as `Authorization: Bearer <key>`; its role decides what the calls may do. */
  apiKey: string;
  /** The fetch to use (tests, proxies, retries). @default globalThis.fetch */
  fetch?: typeof fetch;
}

export interface RunFilter {
  customerId?: string;
  journeyId?: string;
  status?: RunListStatus;
  /** Runs per page. @default the server's (20) */
  pageSize?: number;
  /** `nextPageToken` of the previous page. */
  pageToken?: string;
}

/** A report's range and filters (every field optional: the last 30 days by day, every version). */
export type ReportOptions = Omit<ReportQuery, 'journeyId'>;

export interface TouchpointClient {
  track(event: TrackInput): Promise<EventResult>;
  identify(event: IdentifyInput): Promise<EventResult>;
  page(event: PageInput): Promise<EventResult>;
  screen(event: ScreenInput): Promise<EventResult>;
  alias(event: AliasInput): Promise<EventResult>;
  group(event: GroupInput): Promise<EventResult>;
  /** Each item on its own: refused items come back in `results` with `refused: true` and the reason. */
  batch(items: BatchItemInput[]): Promise<BatchResult>;
  /** By customer id, email or phone; a 404 TouchpointApiError when nobody matches. */
  findCustomer(query: string): Promise<CustomerView>;
  listRuns(filter?: RunFilter): Promise<RunPage>;
  /** One run by workflow id (`journey/<journey>/<customer>[/<entry key>]`). */
  getRun(workflowId: string): Promise<RunDetail>;
  exitRun(workflowId: string, reason: string): Promise<RunSummary>;
  exitAllRuns(customerId: string, reason: string): Promise<RunSummary[]>;
  setConsent(customerId: string, change: { channel: Channel; status: 'subscribed' | 'unsubscribed'; reason: string }): Promise<CustomerView>;
  audit(filter?: { target?: string; limit?: number }): Promise<AuditEntry[]>;
  /**
   * A journey's report: funnel, exits, conversions, A/B splits, satisfaction. `since`/`until` take ISO
   * dates or times, or durations back from now (`30d`); a 404 TouchpointApiError names the known journeys.
   */
  journeyReport(journeyId: string, options?: ReportOptions): Promise<JourneyReport>;
  /** Everything stored about a customer, table by table, and their runs in Temporal (GDPR art. 15/20; support or admin key). */
  exportCustomer(customerId: string): Promise<CustomerExport>;
  /** Erase a customer's personal data (GDPR art. 17; admin key): runs exited and deleted, rows deleted or anonymised. */
  eraseCustomer(customerId: string, reason: string): Promise<ErasureResult>;
}

export function createTouchpointClient(options: TouchpointClientOptions): TouchpointClient {
  const base = options.baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? globalThis.fetch;

  async function call<T>(schema: z.ZodType<T>, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${options.apiKey}`, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await doFetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (error) {
      const cause = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
      throw new TouchpointApiError(0, 'unreachable', `Could not reach Touchpoint at ${base} (${cause}). Is it running? Check the address (TOUCHPOINT_URL).`);
    }
    const text = await response.text();
    let json: unknown = undefined;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      // Not JSON (a proxy's HTML page, say): reported below with the status.
    }
    if (!response.ok) throw errorFrom(response.status, json, text, `${method} ${path}`);
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      const where = first ? ` at ${first.path.join('.') || '(body)'}: ${first.message}` : '';
      throw new TouchpointApiError(response.status, 'invalid_response', `${method} ${path} answered ${response.status} with an unexpected body${where}. Is ${base} a Touchpoint of the same version as this client?`);
    }
    return parsed.data;
  }

  const id = encodeURIComponent;
  return {
    track: (event) => call(EventResultSchema, 'POST', '/v1/track', { ...event, type: 'track' }),
    identify: (event) => call(EventResultSchema, 'POST', '/v1/identify', { ...event, type: 'identify' }),
    page: (event) => call(EventResultSchema, 'POST', '/v1/page', { ...event, type: 'page' }),
    screen: (event) => call(EventResultSchema, 'POST', '/v1/screen', { ...event, type: 'screen' }),
    alias: (event) => call(EventResultSchema, 'POST', '/v1/alias', { ...event, type: 'alias' }),
    group: (event) => call(EventResultSchema, 'POST', '/v1/group', { ...event, type: 'group' }),
    batch: (items) => call(BatchResultSchema, 'POST', '/v1/batch', { batch: items }),
    findCustomer: (query) => call(CustomerViewSchema, 'GET', `/v1/customers/${id(query)}`),
    listRuns: (filter = {}) =>
      call(RunPageSchema, 'GET', `/v1/runs${queryString({ customer: filter.customerId, journey: filter.journeyId, status: filter.status, pageSize: filter.pageSize, pageToken: filter.pageToken })}`),
    getRun: (workflowId) => call(RunDetailSchema, 'GET', `/v1/runs/${id(workflowId)}`),
    exitRun: (workflowId, reason) => call(RunSummarySchema, 'POST', `/v1/runs/${id(workflowId)}/exit`, { reason }),
    exitAllRuns: async (customerId, reason) => (await call(ExitAllResultSchema, 'POST', `/v1/customers/${id(customerId)}/exit-all`, { reason })).runs,
    setConsent: (customerId, change) => call(CustomerViewSchema, 'POST', `/v1/customers/${id(customerId)}/consent`, change),
    audit: async (filter = {}) => (await call(AuditResultSchema, 'GET', `/v1/audit${queryString({ target: filter.target, limit: filter.limit })}`)).entries,
    journeyReport: (journeyId, options = {}) =>
      call(JourneyReportSchema, 'GET', `/v1/reports/journeys/${id(journeyId)}${queryString({ since: options.since, until: options.until, version: options.version, bucket: options.bucket })}`),
    exportCustomer: (customerId) => call(CustomerExportSchema, 'GET', `/v1/privacy/export${queryString({ customer: customerId })}`),
    eraseCustomer: (customerId, reason) => call(ErasureResultSchema, 'POST', '/v1/privacy/erase', { customer: customerId, reason }),
  };
}

function queryString(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

function errorFrom(status: number, json: unknown, text: string, what: string): TouchpointApiError {
  const error = typeof json === 'object' && json !== null && 'error' in json ? json.error : undefined;
  if (typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string') {
    const code = 'code' in error && typeof error.code === 'string' ? error.code : `http_${status}`;
    const issues = 'issues' in error && Array.isArray(error.issues) ? error.issues.filter(isIssue) : [];
    return new TouchpointApiError(status, code, error.message, issues);
  }
  const snippet = text.trim().slice(0, 200);
  return new TouchpointApiError(status, `http_${status}`, `${what} failed with HTTP ${status}${snippet ? `: ${snippet}` : ''}`);
}

function isIssue(value: unknown): value is { path: Array<string | number>; message: string; code: string } {
  return typeof value === 'object' && value !== null && 'path' in value && Array.isArray(value.path) && 'message' in value && typeof value.message === 'string' && 'code' in value && typeof value.code === 'string';
}
