// What the journey workflow may ask of activities: the only door from workflow code to I/O.
import type { Channel } from '../dsl/schema';
import type { JourneyEvent } from '../core/events';
import type { ReasonCode } from '../core/reasons';
import type { MessageCategory } from '../store/types';

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
  /** @default 'marketing' */
  category?: MessageCategory;
  /** The journey's quiet hours: an object overrides QUIET_HOURS, `false` disables it, absent uses it. */
  quietHours?: QuietHours | false;
}

export interface QuietHours {
  /** HH:MM local time. */
  start: string;
  end: string;
}

/** Limits applied to marketing messages across all journeys. */
export interface SendPolicy {
  /** Global quiet hours (QUIET_HOURS), or null for none. */
  quietHours: QuietHours | null;
  /** At most `max` marketing messages per `windowMs` per customer on a channel (FREQUENCY_CAPS). */
  frequencyCaps: Partial<Record<Channel, { max: number; windowMs: number }>>;
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
  /** The SMS channel (Twilio), or null/absent when not configured. */
  sms?: {
    client: import('twilio').Twilio;
    /** Sender number (E.164); either this or messagingServiceSid. */
    from?: string;
    messagingServiceSid?: string;
    /** Delivery callback URL (PUBLIC_URL/webhooks/twilio/status), when wanted. */
    statusCallback?: string;
  } | null;
  /** The web push channel, or null/absent when not configured. */
  push?: { vapid: { publicKey: string; privateKey: string; subject: string } } | null;
  /** Quiet hours and frequency caps. @default none */
  policy?: SendPolicy;
  /** For signed links in messages (unsubscribe): the public base URL and the HMAC secret. */
  links?: { publicUrl: string; secret: string };
  /** The clock caps and quiet hours are decided by (tests follow the test server's time). @default () => new Date() */
  now?: () => Date;
}
