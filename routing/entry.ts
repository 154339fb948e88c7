// Entry rules of a journey at routing time: the entry key read from the trigger event, and
// the re-entry policy (once / always / cooldown) checked against the customer's last entry.
import { getPath } from '../dsl/conditions';
import { durationMs } from '../dsl/duration';
import type { Journey } from '../dsl/schema';
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
