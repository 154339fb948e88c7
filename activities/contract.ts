// What the journey workflow may ask of activities: the only door from workflow code to I/O.
import type { Channel } from '../dsl/schema';
import type { JourneyEvent } from '../core/events';
import type { ReasonCode } from '../core/reasons';

export interface SendRequest {
  /** Idempotency key of this send: `<workflowId>/<firstRunId>/<stepId>/<visit>`. */
  messageKey: string;
  workflowId: string;
  /** First execution run id of the run (stable across continue-as-new). */
  runId: string;
  journeyId: string;
  journeyVersion: string;
  stepId: string;
  customerId: string;
  channel: Channel;
  fallback?: Channel;
  template: string;
  /** Content hash of the template version pinned by the journey snapshot. */
  templateVersion: string;
  trigger: JourneyEvent;
}

export interface SendOutcome {
  reason: ReasonCode;
  /** The channel the decision is about (the fallback channel when it was used). */
  channel: Channel;
  providerId?: string;
  /** A sentence for support staff: why it was skipped or failed. */
  detail?: string;
  /** With `deferred:*` reasons: when the workflow should decide again (ISO). */
  retryAt?: string;
}

export interface Profile {
  customerId: string;
  traits: Record<string, unknown>;
  /** IANA zone: the customer's `timezone` trait if valid, else the configured default. */
  timezone: string;
}

export interface JourneyActivities {
  /** Decide and, if allowed, send one message. Idempotent per `messageKey`. */
  sendMessage(request: SendRequest): Promise<SendOutcome>;
  /** The customer's current profile (empty traits for an unknown customer). */
  loadProfile(customerId: string): Promise<Profile>;
  /** Next instant (ISO) after `after` when the customer's local clock reads `time` (HH:MM). */
  nextLocalTime(request: { customerId: string; time: string; after: string }): Promise<string>;
}

/** What activities are built from (`createActivities(deps)`); tests inject real local peers. */
export interface ActivityDeps {
  store: import('../store/types').Store;
  /** The email channel, or null when none is configured (sends fail as `failed:channel_not_configured`). */
  email: { transport: import('nodemailer').Transporter; from: string } | null;
  /** IANA zone used when a customer has no valid `timezone` trait. */
  defaultTimezone: string;
}
