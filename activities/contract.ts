// What the journey workflow may ask of activities: the only door from workflow code to I/O.
import type { SurveyResult } from '../dsl/conditions';
import type { Channel, StepKind, WebhookStep } from '../dsl/schema';
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
  /** Survey steps: the message carries a signed survey link (`survey.url`, `survey.scores` in the template). */
  survey?: { kind: 'nps' | 'csat' | 'ces'; /** When the link stops answering (ISO): the step's wait deadline. */ expiresAt: string };
  /** Steps the run finished since its last report, recorded with this call (see RunProgressReport). */
  progress?: StepProgress[];
  /** The answer to the run's last survey step: send templates after it read `survey.score`, `survey.comment`, ... */
  surveyResult?: SurveyResult;
  /** The latest event of each name the run received after the trigger (`latest.[cart.updated]` in templates). */
  latest?: Record<string, JourneyEvent>;
}

/** Which run a report or call is about. */
export interface RunRef {
  workflowId: string;
  /** First execution run id (stable across continue-as-new): the key of the run in analytics. */
  runId: string;
  journeyId: string;
  journeyVersion: string;
  customerId: string;
}

/**
 * A step a run finished, other than a send (sends are in the message log). Reported with the
 * run's next activity call, or with its end, so analytics see every step without extra history.
 */
export interface StepProgress {
  stepId: string;
  kind: StepKind;
  /** 1 for the first visit of the step in this run. */
  visit: number;
  enteredAt: string;
  finishedAt: string;
  /** The outcome shown to support staff, e.g. "case 1 (survey.category eq detractor)". */
  outcome: string;
  /** A short value analytics group by: split → variant id; branch → `case-N` | `else`; wait_for → `event` | `timeout`;
   * survey → its category or `no_response`; webhook → the HTTP status or `failed`; exit → `exit`; any step the run
   * ended in before it finished (exit_on, goal, exitRun) → `interrupted`. */
  result: string;
}

/** A step a run entered and waits in (wait, wait_for): reported when entered, so reports count the run as reaching it. */
export interface StepWaiting {
  stepId: string;
  kind: StepKind;
  visit: number;
  enteredAt: string;
}

/** What the run reports to the analytics tables: finished steps, steps it waits in and, once, how it ended. */
export interface RunProgressReport {
  run: RunRef;
  steps: StepProgress[];
  /** Steps entered and not finished yet: a run_steps row with result `waiting` until the step finishes. */
  waiting?: StepWaiting[];
  ending?: { status: 'completed' | 'exited' | 'converted'; reason: string; at: string };
}

/** One webhook step call. Idempotent per `callKey` (the receiver gets it as `Idempotency-Key`). */
export interface WebhookRequest extends RunRef {
  /** `<workflowId>/<firstRunId>/<stepId>/<visit>`. */
  callKey: string;
  stepId: string;
  webhook: WebhookStep;
  trigger: JourneyEvent;
  /** The last survey answer of the run (the body template may read `survey.*`). */
  survey: SurveyResult | null;
  progress?: StepProgress[];
}

export interface WebhookOutcome {
  /** A 2xx answer was received. */
  ok: boolean;
  /** The last HTTP status, or null when no answer came (timeout, refused connection). */
  status: number | null;
  attempts: number;
  /** For support staff: "HTTP 200 from crm.example.com in 35 ms", "HTTP 500 after 5 attempts: …". */
  detail: string;
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
  /** The customer's current profile (empty traits for an unknown customer); records `progress` when given. */
  loadProfile(customerId: string, progress?: RunProgressReport): Promise<Profile>;
  /** Next instant (ISO) after `after` when the customer's local clock reads `time` (HH:MM). */
  nextLocalTime(request: { customerId: string; time: string; after: string; progress?: RunProgressReport }): Promise<string>;
  /** Call a webhook step's endpoint with a signed JSON body; retried by throwing until `attempts`, then a final outcome. */
  callWebhook(request: WebhookRequest): Promise<WebhookOutcome>;
  /** Record finished steps and the run's ending in the analytics tables (idempotent). */
  recordProgress(report: RunProgressReport): Promise<void>;
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
    /**
     * SMS_RATE_PER_SECOND: messages per second this worker process hands to Twilio, evenly
     * spaced. With N workers, give each the provider's rate / N. @default no limit
     */
    ratePerSecond?: number;
  } | null;
  /** The web push channel, or null/absent when not configured. */
  push?: {
    vapid: { publicKey: string; privateKey: string; subject: string };
    /** Non-public push services allowed (PUSH_ALLOWED_PRIVATE_TARGETS; tests' local push service). @default public https endpoints only */
    allowedTargets?: import('../net/targets').TargetPolicy;
  } | null;
  /** Quiet hours and frequency caps. @default none */
  policy?: SendPolicy;
  /** For signed links in messages (unsubscribe): the public base URL and the HMAC secret. */
  links?: { publicUrl: string; secret: string };
  /** The clock caps and quiet hours are decided by (tests follow the test server's time). @default () => new Date() */
  now?: () => Date;
  /** Webhook steps: where their HMAC keys come from (`secret_env` names a key here). @default process.env */
  webhookSecrets?: Record<string, string | undefined>;
  /** Internal receivers webhook steps may call (WEBHOOK_ALLOWED_INTERNAL_TARGETS). @default public addresses only */
  webhookTargets?: import('../net/targets').TargetPolicy;
}
