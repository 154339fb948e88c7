// Deterministic workflow ids: one run per (journey, customer[, entry key]).

/** `journey/<journeyId>/<customerId>[/<entryKey>]`; parts are URI-encoded so a "/" in an id stays unambiguous. */
export function journeyWorkflowId(journeyId: string, customerId: string, entryKey?: string): string {
  const parts = ['journey', journeyId, encodeURIComponent(customerId)];
  if (entryKey !== undefined) parts.push(encodeURIComponent(entryKey));
  return parts.join('/');
}

/** The Temporal task queue every Touchpoint worker polls unless TEMPORAL_TASK_QUEUE says otherwise. */
export const DEFAULT_TASK_QUEUE = 'touchpoint';
