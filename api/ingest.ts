// Events through the spine: event log (dedupe by messageId) → contacts → engagement counts of
// tracked messages → router → mark routed, one event or a whole batch at a time. A retry of a
// routed event is answered from the log with no second effect.
import type { RoutingBacklog } from '../routing/backlog';
import type { RouteContext, Router } from '../routing/router';
import { isTemporalUnavailable } from '../temporal/unavailable';
import { RoutingResultSchema, type RoutingResult } from '../routing/result';
import type { LoggedEvent, LoggedEventInput, Store } from '../store/types';
import { mapBounded } from '../core/bounded';
import { createHash } from 'node:crypto';
import { anonymousCustomerId, isAnonymousCustomerId } from '../core/identity';
import { PAGE_EVENT, SCREEN_EVENT } from '../core/events';
import { HttpError } from './http-error';
import type { BatchItem, EventResult } from './schemas';

export interface IngestDeps {
  store: Store;
  router: Router;
  /** Where a messageId reused for other content is reported. @default a line on stderr */
  log?: (line: string) => void;
  /**
   * Where events go that cannot be routed now (Temporal unreachable): they are answered
   * `pending` and routed later in order. @default none: such an event is a 503 (retry it)
   */
  backlog?: RoutingBacklog;
}

/** An identify/track/page/screen/alias/group call as validated (a batch item, or a single route's body with its type). */
export type IngestCall = BatchItem;

/**
 * The log row for a validated call. The event time is the sender's `timestamp` corrected for its
 * clock as Segment does, timestamp + (receivedAt − sentAt), when it says when it sent the call
 * (`sentAt` of the call, else `batchSentAt`); without a timestamp, the time it was received.
 */
export function toLoggedEvent(call: IngestCall, receivedAt: string, batchSentAt?: string): LoggedEventInput {
  const { sentAt = batchSentAt, ...content } = call;
  const timestamp = eventTime(call.timestamp, sentAt, receivedAt);
  const anonymousId = call.type === 'alias' ? call.previousId : (call.anonymousId ?? null);
  const customerId = call.type === 'alias' ? call.userId : (call.userId ?? anonymousCustomerId(call.anonymousId!));
  const base = { messageId: call.messageId, customerId, timestamp, anonymousId, receivedAt, payloadHash: payloadHash(content) };
  // Segment puts traits in context.traits; top-level traits win when both are sent.
  const contextTraits = call.context?.traits ?? {};
  switch (call.type) {
    case 'identify':
      return { ...base, type: 'identify', event: null, properties: {}, traits: { ...contextTraits, ...call.traits } };
    case 'track':
      return { ...base, type: 'track', event: call.event, properties: call.properties, traits: { ...contextTraits, ...call.traits } };
    case 'page':
    case 'screen': {
      const named = { ...(call.name != null ? { name: call.name } : {}), ...(call.category != null ? { category: call.category } : {}) };
      const event = call.type === 'page' ? PAGE_EVENT : SCREEN_EVENT;
      return { ...base, type: call.type, event, properties: { ...call.properties, ...named }, traits: contextTraits };
    }
    case 'alias':
      return { ...base, type: 'alias', event: null, properties: { previousId: call.previousId }, traits: {} };
    case 'group':
      // Group traits describe the account, not the customer: kept with the call, never merged into the profile.
      return { ...base, type: 'group', event: null, properties: { groupId: call.groupId, traits: call.traits }, traits: contextTraits };
  }
}

/** timestamp + (receivedAt − sentAt), kept inside the years the database stores; the timestamp as sent when the correction leaves them. */
export function eventTime(timestamp: string | undefined, sentAt: string | undefined, receivedAt: string): string {
  if (timestamp === undefined) return receivedAt;
  const at = Date.parse(timestamp);
  if (sentAt === undefined) return new Date(at).toISOString();
  const corrected = new Date(at + (Date.parse(receivedAt) - Date.parse(sentAt)));
  const year = corrected.getUTCFullYear();
  return year >= 1 && year <= 9999 ? corrected.toISOString() : new Date(at).toISOString();
}

/** sha256 of the call's content in a canonical form (keys sorted), sentAt left out: a retry sent later hashes the same. */
export function payloadHash(content: unknown): string {
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** One event: a batch of one. */
export async function ingest(deps: IngestDeps, input: LoggedEventInput): Promise<EventResult> {
  return (await ingestBatch(deps, [input]))[0]!;
}

/** Customers routed at the same time; each customer's events stay in order. */
const CUSTOMERS_AT_ONCE = 16;

/**
 * A batch with the answers and effects of ingesting its items one by one, in fewer round trips:
 * one insert logs every event, one upsert writes every contact's traits, customers are routed side
 * by side (each customer's events in order) and one update marks the events routed. A messageId
 * repeated in the batch is handled at its first occurrence and answered as a duplicate of it.
 */
export async function ingestBatch(deps: IngestDeps, calls: LoggedEventInput[]): Promise<EventResult[]> {
  if (calls.length === 0) return [];
  const label = calls.length === 1 ? `messageId ${calls[0]!.messageId}` : `the batch of ${calls.length} events (first messageId ${calls[0]?.messageId})`;
  const inputs = await identify(deps.store, calls, label);
  const logged = await storeCall(label, () => deps.store.recordEvents(inputs));
  const results: Array<EventResult | undefined> = [];
  const conflicts = new Set<number>();
  const handledAt = new Map<string, number>();
  const repeats: Array<{ index: number; of: number }> = [];
  const customers = new Map<string, Array<{ index: number; inserted: boolean; event: LoggedEvent }>>();
  logged.forEach(({ inserted, event }, index) => {
    const conflict = !inserted && isConflict(deps, inputs[index]!, event);
    if (!inserted && event.routedAt !== null) {
      results[index] = { messageId: event.messageId, duplicate: true, ...(conflict ? { conflict } : {}), runs: storedRuns(event) };
      return;
    }
    if (conflict) conflicts.add(index);
    const of = handledAt.get(event.messageId);
    if (of !== undefined) return void repeats.push({ index, of });
    handledAt.set(event.messageId, index);
    const queue = customers.get(event.customerId) ?? [];
    queue.push({ index, inserted, event });
    customers.set(event.customerId, queue);
  });
  // Contacts before any run starts: a run this batch starts may send at once, and must find the
  // address the batch brought. From here on the logged rows are the truth: a retry whose first
  // attempt did not finish writes and routes what was logged first, not what the retry carries.
  const withTraits = [...customers.values()].flat().map(({ event }) => event).filter(hasTraits);
  const before = await storeCall(label, () =>
    deps.store.upsertContacts(withTraits.map((event) => ({ customerId: event.customerId, traits: event.traits, at: event.timestamp }))),
  );
  const writers = new Set(withTraits.map((event) => event.customerId));
  const routed: Array<{ messageId: string; routing: RoutingResult }> = [];
  const failure = await mapBounded([...customers.values()], CUSTOMERS_AT_ONCE, async (queue) => {
    // trigger.where sees the contact as one-by-one ingestion would have left it when this event
    // came: the traits stored before the batch and those of this customer's events up to this one.
    // A customer whose events carry no traits is read from the store, as written.
    const customerId = queue[0]!.event.customerId;
    const written = writers.has(customerId);
    let traits: Record<string, unknown> | null = before.get(customerId) ?? null;
    for (const { index, inserted, event } of queue) {
      // Counted once, when the event is first logged: a retried messageId never counts twice.
      const engagement = inserted ? engagementOf(event) : null;
      if (engagement) await storeCall(`messageId ${event.messageId}`, () => deps.store.recordEngagement(engagement));
      if (hasTraits(event)) traits = { ...traits, ...event.traits };
      const seen = traits ?? event.traits;
      // Temporal known down, or earlier events of this customer still wait: this one waits behind them.
      if (deps.backlog && !deps.backlog.routesNow(customerId)) {
        deps.backlog.defer(customerId);
        results[index] = pending(event);
        continue;
      }
      const routing = await route(deps, event, written ? { contactTraits: async () => seen } : {});
      if (routing === 'pending') {
        results[index] = pending(event);
        continue;
      }
      routed.push({ messageId: event.messageId, routing });
      // Not a duplicate even when the messageId was logged before: that attempt never
      // finished, so this is the first answer the sender gets (routing is idempotent).
      results[index] = { messageId: event.messageId, duplicate: false, ...(conflicts.has(index) ? { conflict: true as const } : {}), runs: routing.runs };
    }
  }).then(
    () => null,
    (error: unknown) => ({ error }),
  );
  // What was routed is marked even when another customer failed: its retry is then a duplicate.
  await storeCall(label, () => deps.store.markEventsRouted(routed));
  if (failure) throw failure.error;
  for (const { index, of } of repeats) {
    results[index] = { messageId: inputs[index]!.messageId, duplicate: true, ...(conflicts.has(index) ? { conflict: true as const } : {}), runs: results[of]!.runs };
  }
  return results.map((result) => result!);
}

/**
 * Who each call is about. A call carrying both a userId and an anonymousId, and an alias, link
 * the anonymous id to the customer (what was recorded under it moves there); a call with only
 * an anonymousId belongs to the customer its id is linked to, this batch's links included, else
 * to the visitor (`anon:<anonymousId>`).
 */
async function identify(store: Store, calls: LoggedEventInput[], label: string): Promise<LoggedEventInput[]> {
  const links = calls.flatMap((call) =>
    call.anonymousId && !isAnonymousCustomerId(call.customerId)
      ? [{ anonymousId: call.anonymousId, customerId: call.customerId, messageId: call.messageId, at: call.receivedAt ?? call.timestamp }]
      : [],
  );
  if (links.length > 0) await storeCall(label, () => store.linkIdentities(links));
  const anonymous = calls.filter((call) => call.anonymousId && isAnonymousCustomerId(call.customerId)).map((call) => call.anonymousId!);
  if (anonymous.length === 0) return calls;
  const linked = await storeCall(label, () => store.resolveAnonymousIds(anonymous));
  return calls.map((call) => {
    const customerId = call.anonymousId && isAnonymousCustomerId(call.customerId) ? linked.get(call.anonymousId) : undefined;
    return customerId === undefined ? call : { ...call, customerId };
  });
}

/** A messageId logged before with other content: the first content stays; the sender is told, and it is logged. */
function isConflict(deps: IngestDeps, input: LoggedEventInput, logged: LoggedEvent): boolean {
  if (!input.payloadHash || !logged.payloadHash || input.payloadHash === logged.payloadHash) return false;
  const log = deps.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  log(
    `ingest: messageId ${input.messageId} was logged on ${logged.receivedAt} with other content (a ${logged.type}` +
      `${logged.event ? ` "${logged.event}"` : ''} for ${logged.customerId}); the first is kept and this ${input.type} is answered as a conflicting duplicate`,
  );
  return true;
}

/** An identify, or a track carrying traits: it writes the contact. */
function hasTraits(event: LoggedEvent): boolean {
  return event.type === 'identify' || Object.keys(event.traits).length > 0;
}

/** Logged, not routed yet: the backlog routes it once Temporal answers; `runs` stays empty until then. */
function pending(event: LoggedEvent): EventResult {
  return { messageId: event.messageId, duplicate: false, runs: [], pending: true };
}

/** True when some result is `pending`: the API answers 202 Accepted instead of 200. */
export function anyPending(results: readonly EventResult[]): boolean {
  return results.some((result) => result.pending === true);
}

/** The router's answer; 'pending' when Temporal is unreachable and the backlog took the event. */
async function route(deps: IngestDeps, event: LoggedEvent, context: RouteContext): Promise<RoutingResult | 'pending'> {
  try {
    return await deps.router.route(event, context);
  } catch (error) {
    if (deps.backlog && isTemporalUnavailable(error)) {
      deps.backlog.defer(event.customerId, error);
      return 'pending';
    }
    throw new HttpError(
      503,
      'routing_failed',
      `Event ${event.messageId} is logged but could not be routed to journeys (${messageOf(error)}). ` +
        'Retry with the same messageId: it is safe and will not start or send anything twice.',
    );
  }
}

const ENGAGEMENT = new Map<string, 'opened' | 'clicked'>([['email.opened', 'opened'], ['email.clicked', 'clicked'], ['push.clicked', 'clicked']]);

/** The open or click a tracking event reports about one of our messages (properties.message_key), if it is one. */
export function engagementOf(event: LoggedEvent): Parameters<Store['recordEngagement']>[0] | null {
  const kind = event.event === null ? undefined : ENGAGEMENT.get(event.event);
  const messageKey = event.properties.message_key;
  if (kind === undefined || typeof messageKey !== 'string' || messageKey === '') return null;
  return { messageKey, kind, at: event.timestamp, ...(kind === 'opened' && event.properties.privacy_proxy === true ? { proxied: true } : {}) };
}

/** The routing stored with a duplicate; an unreadable one (never written by us) counts as none. */
function storedRuns(event: LoggedEvent): RoutingResult['runs'] {
  const parsed = RoutingResultSchema.safeParse(event.routing);
  return parsed.success ? parsed.data.runs : [];
}

/** `what`: the messageId (or batch) named in the error, e.g. "messageId m-1". */
async function storeCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new HttpError(
      503,
      'database_unavailable',
      `The event store failed while handling ${what} (${messageOf(error)}). Retry with the same messageId${what.startsWith('messageId') ? '' : 's'}; it is safe.`,
    );
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
