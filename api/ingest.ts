// One event through the spine: event log (dedupe by messageId) → engagement counts of tracked
// messages → contact → router → mark routed. A retry of a routed event is answered from the log
// with no second effect.
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

export async function ingest(deps: IngestDeps, input: LoggedEventInput): Promise<EventResult> {
  const { inserted, event } = await storeCall(input.messageId, () => deps.store.recordEvent(input));
  if (!inserted && event.routedAt !== null) {
    return { messageId: event.messageId, duplicate: true, runs: storedRuns(event) };
  }
  // Counted once, when the event is first logged: a retried messageId never counts twice.
  const engagement = inserted ? engagementOf(event) : null;
  if (engagement) await storeCall(event.messageId, () => deps.store.recordEngagement(engagement));
  // From here on the logged row is the truth: a retry whose first attempt did not finish routes
  // what was logged first, not whatever the retry carries.
  if (event.type === 'identify' || Object.keys(event.traits).length > 0) {
    await storeCall(event.messageId, () => deps.store.upsertContact({ customerId: event.customerId, traits: event.traits, at: event.timestamp }));
  }
  let routing: RoutingResult;
  try {
    routing = await deps.router.route(event);
  } catch (error) {
    throw new HttpError(
      503,
      'routing_failed',
      `Event ${event.messageId} is logged but could not be routed to journeys (${messageOf(error)}). ` +
        'Retry with the same messageId: it is safe and will not start or send anything twice.',
    );
  }
  await storeCall(event.messageId, () => deps.store.markEventRouted(event.messageId, routing));
  // Not a duplicate even when the messageId was logged before: that attempt never finished,
  // so this is the first answer the sender gets (routing is idempotent).
  return { messageId: event.messageId, duplicate: false, runs: routing.runs };
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

async function storeCall<T>(messageId: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new HttpError(
      503,
      'database_unavailable',
      `The event store failed while handling messageId ${messageId} (${messageOf(error)}). Retry with the same messageId; it is safe.`,
    );
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
