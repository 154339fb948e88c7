// An ingest answer with the warnings about the traits the event carried (an invalid timezone):
// the traits are stored as sent, and the sender learns which zone is used instead.
import { traitWarnings } from '../core/trait-warnings';
import type { LoggedEventInput } from '../store/types';
import type { EventResult } from './schemas';

/** `result` plus `warnings` when the event's traits have any; `at` prefixes the path (["batch", 3]). */
export function withTraitWarnings(result: EventResult, event: LoggedEventInput, defaultTimezone: string, at: Array<string | number> = []): EventResult {
  const warnings = traitWarnings(event.traits, defaultTimezone, [...at, 'traits']);
  return warnings.length === 0 ? result : { ...result, warnings };
}
