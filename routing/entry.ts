// Entry rules of a journey at routing time: the entry key read from the trigger event, and
// the re-entry policy (once / always / cooldown) checked against the customer's last entry.
import { getPath } from '../dsl/conditions';
import { durationMs } from '../dsl/duration';
import { DEFAULT_MAX_EVENT_AGE, type Journey } from '../dsl/schema';
import type { JourneyEvent } from '../core/events';
import type { JourneyEntry } from '../store/types';

export type EntryKeyResult = { ok: true; key: string | undefined } | { ok: false; reason: string };

/** The entry key value (`entry.key`, e.g. properties.order_id) of this event; undefined when the journey has none. */
export function readEntryKey(journey: Journey, event: JourneyEvent): EntryKeyResult {
  const path = journey.entry.key;
  if (!path) return { ok: true, key: undefined };
  const value = getPath({ properties: event.properties }, path);
  if (typeof value === 'string' && value !== '') return { ok: true, key: value };
  if (typeof value === 'number' && Number.isFinite(value)) return { ok: true, key: String(value) };
  const found = value === undefined ? 'it is missing' : `it is ${JSON.stringify(value)}`;
  return {
    ok: false,
    reason: `journey ${journey.id}: entry.key is ${path}, but in event ${event.name} (messageId ${event.id}) ${found}; send it as a non-empty string or number so each value gets its own run`,
  };
}

export type EntryDecision = { enter: true } | { enter: false; reason: string };

/**
 * May this event enter the customer (again)? Time is the event's own timestamp, so routing the
 * same event twice decides the same way. An entry made by this very event is a retry: enter.
 */
export function decideEntry(journey: Journey, last: JourneyEntry | null, event: JourneyEvent): EntryDecision {
  if (!last || last.triggerMessageId === event.id) return { enter: true };
  const policy = journey.entry.reentry;
  if (policy === 'always') return { enter: true };
  if (policy === 'once') {
    return {
      enter: false,
      reason: `journey ${journey.id}: entry is "once" and the customer entered on ${last.enteredAt} (messageId ${last.triggerMessageId})`,
    };
  }
  const elapsed = Date.parse(event.timestamp) - Date.parse(last.enteredAt);
  if (elapsed >= durationMs(policy.cooldown)) return { enter: true };
  return {
    enter: false,
    reason: `journey ${journey.id}: entry cooldown is ${policy.cooldown} and the customer last entered on ${last.enteredAt} (messageId ${last.triggerMessageId})`,
  };
}

/**
 * Is the trigger event recent enough to start a run (`entry.max_event_age`, default 24h)? Its age
 * is from when it happened to when the API received it, both stored: routing it again (a retry,
 * or after a Temporal outage) decides the same way.
 */
export function decideEventAge(journey: Journey, event: JourneyEvent, receivedAt: string): EntryDecision {
  const limit = journey.entry.max_event_age ?? DEFAULT_MAX_EVENT_AGE;
  if (limit === false) return { enter: true };
  const age = Date.parse(receivedAt) - Date.parse(event.timestamp);
  if (!(age > durationMs(limit))) return { enter: true };
  const set = journey.entry.max_event_age === undefined ? ` (the default; set entry.max_event_age in the journey to change it)` : '';
  return {
    enter: false,
    reason:
      `journey ${journey.id}: event ${event.name} (messageId ${event.id}) happened at ${event.timestamp} and arrived at ${receivedAt}, ` +
      `${formatAge(age)} later; entry.max_event_age is ${limit}${set}, so it starts no run`,
  };
}

function formatAge(ms: number): string {
  const hours = ms / 3_600_000;
  return hours >= 48 ? `${Math.floor(hours / 24)}d ${Math.floor(hours % 24)}h` : hours >= 1 ? `${Math.floor(hours)}h ${Math.floor((ms % 3_600_000) / 60_000)}m` : `${Math.round(ms / 60_000)}m`;
}
