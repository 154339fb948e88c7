// Reason codes: exactly one per send decision, in the message log and the run timeline.
// Extend, never overload: a new cause gets a new code.

export const REASON_CODES = [
  'sent',
  'skipped:unsubscribed',
  'skipped:suppressed',
  'skipped:no_address',
  'skipped:frequency_cap',
  'skipped:duplicate',
  // The rendered subject, SMS or push title/payload is longer than its channel allows
  // (render/channel-limits.ts): never truncated, never sent.
  'skipped:too_long',
  'deferred:quiet_hours',
  'failed:invalid_address',
  'failed:provider',
  'failed:channel_not_configured',
  // Handed to the provider, but the worker stopped before recording its answer: it may have
  // arrived. Never resent (at most once when in doubt).
  'unknown:provider_outcome',
] as const;

export type ReasonCode = (typeof REASON_CODES)[number];
