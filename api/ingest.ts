// Events through the spine: event log (dedupe by messageId) → engagement counts of tracked
// messages → contact → router → mark routed, one event or a whole batch at a time. A retry of a
// routed event is answered from the log with no second effect.
import type { Router } from '../routing/router';
import { RoutingResultSchema, type RoutingResult } from '../routing/result';
import type { LoggedEvent, LoggedEventInput, Store } from '../store/types';
import { HttpError } from './http-error';
import type { BatchItem, EventResult } from './schemas';

export interface IngestDeps {
  store: Store;
  router: Router;
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
 * one insert logs every event, customers are routed side by side (each customer's events in
 * order) and one update marks them routed. A messageId repeated in the batch is handled at its
 * first occurrence and answered as a duplicate of it.
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
  const routed: Array<{ messageId: string; routing: RoutingResult }> = [];
  const failure = await eachLimited([...customers.values()], CUSTOMERS_AT_ONCE, async (queue) => {
    const contact = new PendingContact(deps.store);
    try {
      for (const { index, inserted, event } of queue) {
        // Counted once, when the event is first logged: a retried messageId never counts twice.
        const engagement = inserted ? engagementOf(event) : null;
        if (engagement) await storeCall(`messageId ${event.messageId}`, () => deps.store.recordEngagement(engagement));
        // From here on the logged row is the truth: a retry whose first attempt did not finish
        // routes what was logged first, not whatever the retry carries.
        if (event.type === 'identify' || Object.keys(event.traits).length > 0) contact.merge(event);
        // Routing a track event may read the contact (trigger.where), so it sees every trait
        // sent before it; identify routes nothing, so consecutive identifies share one upsert.
        if (event.type === 'track') await contact.flush();
        const routing = await route(deps.router, event);
        routed.push({ messageId: event.messageId, routing });
        // Not a duplicate even when the messageId was logged before: that attempt never
        // finished, so this is the first answer the sender gets (routing is idempotent).
        results[index] = { messageId: event.messageId, duplicate: false, runs: routing.runs };
      }
      await contact.flush();
    } catch (error) {
      // Traits sent before the failure are written, as one-by-one ingestion would have done.
      await contact.flush().catch(() => undefined);
      throw error;
    }
  });
  // What was routed is marked even when another customer failed: its retry is then a duplicate.
  await storeCall(label, () => deps.store.markEventsRouted(routed));
  if (failure) throw failure.error;
  for (const { index, of } of repeats) results[index] = { messageId: inputs[index]!.messageId, duplicate: true, runs: results[of]!.runs };
  return results.map((result) => result!);
}

/** The traits of one customer's events not written yet, merged in event order. */
class PendingContact {
  private pending: { customerId: string; traits: Record<string, unknown>; at: string; createdAt: string; messageId: string } | null = null;

  constructor(private readonly store: Store) {}

  merge(event: LoggedEvent): void {
    this.pending = this.pending
      ? { ...this.pending, traits: { ...this.pending.traits, ...event.traits }, at: event.timestamp, messageId: event.messageId }
      : { customerId: event.customerId, traits: event.traits, at: event.timestamp, createdAt: event.timestamp, messageId: event.messageId };
  }

  async flush(): Promise<void> {
    const contact = this.pending;
    if (!contact) return;
    this.pending = null;
    await storeCall(`messageId ${contact.messageId}`, () => this.store.upsertContact(contact));
  }
}

async function route(router: Router, event: LoggedEvent): Promise<RoutingResult> {
  try {
    return await router.route(event);
  } catch (error) {
    throw new HttpError(
      503,
      'routing_failed',
      `Event ${event.messageId} is logged but could not be routed to journeys (${messageOf(error)}). ` +
        'Retry with the same messageId: it is safe and will not start or send anything twice.',
    );
  }
}

/** Run `work` over `items`, at most `limit` at a time; after the first failure no new item starts. */
async function eachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<{ error: unknown } | null> {
  let next = 0;
  let failure: { error: unknown } | null = null;
  const worker = async () => {
    while (failure === null && next < items.length) {
      const item = items[next++]!;
      await work(item).catch((error: unknown) => {
        failure ??= { error };
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return failure;
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
