// Events through the spine: event log (dedupe by messageId) → contacts → engagement counts of
// tracked messages → router → mark routed, one event or a whole batch at a time. A retry of a
// routed event is answered from the log with no second effect.
import type { RoutingBacklog } from '../routing/backlog';
import type { RouteContext, Router } from '../routing/router';
import { isTemporalUnavailable } from '../temporal/unavailable';
import { RoutingResultSchema, type RoutingResult } from '../routing/result';
import type { LoggedEvent, LoggedEventInput, Store } from '../store/types';
import { mapBounded } from '../core/bounded';
import { HttpError } from './http-error';
import type { BatchItem, EventResult } from './schemas';

export interface IngestDeps {
  store: Store;
  router: Router;
  /**
   * Where events go that cannot be routed now (Temporal unreachable): they are answered
   * `pending` and routed later in order. @default none: such an event is a 503 (retry it)
   */
  backlog?: RoutingBacklog;
}

/** The log row for a validated identify/track body; `receivedAt` stands in for a missing timestamp. */
export function toLoggedEvent(item: BatchItem, receivedAt: string): LoggedEventInput {
  const timestamp = item.timestamp ? new Date(item.timestamp).toISOString() : receivedAt;
  if (item.type === 'identify') {
    return { messageId: item.messageId, type: 'identify', customerId: item.userId, event: null, properties: {}, traits: item.traits, timestamp };
  }
  // Segment puts traits in context.traits; top-level traits win when both are sent.
  const traits = { ...item.context?.traits, ...item.traits };
  return { messageId: item.messageId, type: 'track', customerId: item.userId, event: item.event, properties: item.properties, traits, timestamp };
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
export async function ingestBatch(deps: IngestDeps, inputs: LoggedEventInput[]): Promise<EventResult[]> {
  const label = inputs.length === 1 ? `messageId ${inputs[0]!.messageId}` : `the batch of ${inputs.length} events (first messageId ${inputs[0]?.messageId})`;
  const logged = await storeCall(label, () => deps.store.recordEvents(inputs));
  const results: Array<EventResult | undefined> = [];
  const handledAt = new Map<string, number>();
  const repeats: Array<{ index: number; of: number }> = [];
  const customers = new Map<string, Array<{ index: number; inserted: boolean; event: LoggedEvent }>>();
  logged.forEach(({ inserted, event }, index) => {
    if (!inserted && event.routedAt !== null) {
      results[index] = { messageId: event.messageId, duplicate: true, runs: storedRuns(event) };
      return;
    }
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
      results[index] = { messageId: event.messageId, duplicate: false, runs: routing.runs };
    }
  }).then(
    () => null,
    (error: unknown) => ({ error }),
  );
  // What was routed is marked even when another customer failed: its retry is then a duplicate.
  await storeCall(label, () => deps.store.markEventsRouted(routed));
  if (failure) throw failure.error;
  for (const { index, of } of repeats) results[index] = { messageId: inputs[index]!.messageId, duplicate: true, runs: results[of]!.runs };
  return results.map((result) => result!);
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
