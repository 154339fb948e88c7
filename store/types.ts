// The store's contract: contacts, the event log, journey entries, the message log and
// template versions. Implemented once in SQL for PostgreSQL and PGlite alike.
import type { Channel } from '../dsl/schema';
import type { ReasonCode } from '../core/reasons';
import type { InspectorSessionStore } from './inspector-sessions';
import type { PersonalDataStore } from './personal-data';

export interface Contact {
  customerId: string;
  email: string | null;
  phone: string | null;
  traits: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

/** The Segment call types the event log keeps. */
export type EventType = 'track' | 'identify' | 'page' | 'screen' | 'alias' | 'group';

export interface LoggedEventInput {
  messageId: string;
  type: EventType;
  /** The userId, the customer an anonymous id is linked to, or `anon:<anonymousId>` (core/identity.ts). */
  customerId: string;
  /** Event name for track (and `page.viewed` / `screen.viewed` for page and screen); null for the others. */
  event: string | null;
  properties: Record<string, unknown>;
  traits: Record<string, unknown>;
  /** When it happened, ISO: the sender's timestamp corrected by its sentAt, else the receipt time. */
  timestamp: string;
  /** The anonymousId the call carried (alias: its previousId). @default null */
  anonymousId?: string | null;
  /** When Touchpoint received it, ISO. @default the database's now() */
  receivedAt?: string;
  /** Hash of the call's content, to tell a retry from another event reusing its messageId. @default null */
  payloadHash?: string | null;
}

export interface LoggedEvent extends LoggedEventInput {
  anonymousId: string | null;
  receivedAt: string;
  payloadHash: string | null;
  /** Null until routing finished; then what the router did (returned again for duplicates). */
  routedAt: string | null;
  routing: unknown;
}

/** An anonymous id linked to a known customer (the first link wins). */
export interface IdentityLink {
  anonymousId: string;
  customerId: string;
  /** The call that linked them. */
  messageId: string;
  at: string;
}

export interface JourneyEntry {
  journeyId: string;
  customerId: string;
  /** Empty string when the journey has no entry key. */
  entryKey: string;
  workflowId: string;
  triggerMessageId: string;
  enteredAt: string;
  /** The journey version (snapshot hash) the run started with; null for entries recorded before it was kept. */
  journeyVersion?: string | null;
}

/**
 * `deciding`: claimed, consent/caps/quiet hours/render in progress, nothing handed to a provider
 * (safe to redo); `dispatching`: handed to the provider, answer not yet recorded (in doubt if
 * found again); `retrying`: the provider refused for now, safe to try again; `done`: final.
 */
export type MessageStatus = 'deciding' | 'dispatching' | 'retrying' | 'done';

/** Marketing messages need consent and obey caps and quiet hours; transactional ones (receipts) do not. */
export type MessageCategory = 'marketing' | 'transactional';

export type ConsentStatus = 'subscribed' | 'unsubscribed';

/** One change of a customer's consent for a channel (the current one is the latest). */
export interface ConsentChange {
  customerId: string;
  channel: Channel;
  status: ConsentStatus;
  /** Where it came from: `api`, `unsubscribe_link`, `list_unsubscribe`, `sms_keyword`, `support`, ... */
  source: string;
  reason: string | null;
  /** Who did it, when a person did (support actions); null otherwise. */
  by: string | null;
  changedAt: string;
}

export type SuppressionReason = 'hard_bounce' | 'complaint' | 'sms_stop' | 'invalid_address' | 'manual';

/** An address nobody may message on a channel, whichever customer it belongs to. */
export interface Suppression {
  channel: Channel;
  /** Normalised: email lower-case, phone as given in E.164, push endpoint URL. */
  address: string;
  reason: SuppressionReason;
  detail: string | null;
  createdAt: string;
}

export interface PushSubscriptionRecord {
  endpoint: string;
  customerId: string;
  /** Browser keys from PushSubscription.toJSON().keys (base64url). */
  p256dh: string;
  auth: string;
  userAgent: string | null;
  createdAt: string;
  lastSuccessAt: string | null;
}

export interface MessageRow {
  messageKey: string;
  workflowId: string;
  runId: string;
  journeyId: string;
  journeyVersion: string;
  stepId: string;
  customerId: string;
  channel: Channel;
  template: string;
  templateVersion: string;
  /** @default 'marketing' */
  category: MessageCategory;
  /** Id of the event that started the run: with customer, step and template it spots a duplicate send. */
  triggerId: string | null;
  status: MessageStatus;
  /** Final reason once status is `done`; null while dispatching. */
  reason: ReasonCode | null;
  detail: string | null;
  address: string | null;
  providerId: string | null;
  /** The exact content sent (subject/html/text for email), for support staff. */
  content: Record<string, unknown> | null;
  attempts: number;
  /** Delivery status reported later by the provider (Twilio callbacks: delivered, undelivered, failed...). */
  deliveryStatus: string | null;
  /** The provider's words with the delivery status (e.g. Twilio's error code), when any. */
  deliveryDetail: string | null;
  deliveryUpdatedAt: string | null;
  /** When the provider accepted it (reason `sent`): frequency caps count by this. */
  sentAt: string | null;
  /** With a `deferred:*` reason: when the workflow decides again (a new key). */
  retryAt: string | null;
  /** Opens and clicks tracked for this message (the store always fills it in). */
  engagement?: MessageEngagement;
  createdAt: string;
  updatedAt: string;
}

/** What tracking recorded of a message: first times and counts (store.recordEngagement). */
export interface MessageEngagement {
  /** First open by a person (not a privacy proxy), or null. */
  openedAt: string | null;
  clickedAt: string | null;
  openCount: number;
  /** Opens fetched by a mail-privacy proxy: not counted in `openCount`, and they set no `openedAt`. */
  proxiedOpenCount: number;
  clickCount: number;
}

export interface TemplateVersion {
  hash: string;
  name: string;
  source: string;
}

/**
 * A send's claim and what its decision reads, from one round trip (Store.claimMessageForSend):
 * each field is what the named single read returns at the same moment.
 */
export interface SendClaim {
  /** claimMessage's answer. */
  claimed: boolean;
  row: MessageRow;
  /** findSentTwin for the row's customer, journey, step, template and trigger, other keys and other runs. */
  twin: MessageRow | null;
  /** getContact(row.customerId). */
  contact: Contact | null;
  /** getConsent(row.customerId). */
  consent: Partial<Record<Channel, ConsentChange>>;
  /** getSuppression for the contact's stored email (channel email) and phone (channel sms); absent when the contact has none. */
  suppressions: { email?: Suppression | null; sms?: Suppression | null };
}

/** One support action in the append-only audit log. */
export interface AuditRecord {
  id: number;
  at: string;
  /** Who did it: an API key's name or the inspector user. */
  actor: string;
  /** What was done, e.g. `run.exit`, `customer.exit_all`, `consent.email.unsubscribed`. */
  action: string;
  /** A workflow id or a customer id. */
  target: string;
  reason: string;
}

export interface Store {
  readonly kind: 'postgres' | 'pglite';
  /** Export and erasure of one customer's data (GDPR art. 15, 17 and 20): a role of its own, not more methods here. */
  readonly personalData: PersonalDataStore;
  /** Inspector sessions ended by signing out (refused if their cookie is replayed). */
  readonly inspectorSessions: InspectorSessionStore;
  /**
   * Merge traits into the contact (creating it); `email` and `phone` traits become columns.
   * `createdAt` (default `at`) is the creation time when several events' traits arrive merged.
   */
  upsertContact(input: { customerId: string; traits: Record<string, unknown>; at: string; createdAt?: string }): Promise<Contact>;
  /**
   * `upsertContact` for many customers in one statement, as if called for each input in turn
   * (inputs for the same customer merge in order). Returns the traits the existing contacts had
   * before it (customers absent: new contacts).
   */
  upsertContacts(inputs: Array<{ customerId: string; traits: Record<string, unknown>; at: string; createdAt?: string }>): Promise<Map<string, Record<string, unknown>>>;
  getContact(customerId: string): Promise<Contact | null>;

  /** Append to the event log; `inserted: false` with the stored row when the messageId was seen. */
  recordEvent(input: LoggedEventInput): Promise<{ inserted: boolean; event: LoggedEvent }>;
  /**
   * Log a batch in one statement; answers in input order exactly as one `recordEvent` per input
   * in turn would (a messageId repeated in the batch is `inserted` only at its first occurrence).
   */
  recordEvents(inputs: LoggedEventInput[]): Promise<Array<{ inserted: boolean; event: LoggedEvent }>>;
  markEventRouted(messageId: string, routing: unknown): Promise<void>;

  /**
   * Link anonymous ids to customers, in one transaction. An anonymous id already linked keeps its
   * first customer. For each new link, what was recorded under the visitor (`anon:<id>`) moves to
   * the customer: events, push subscriptions and the profile (traits merged, the customer's own
   * win). Returns the links made now.
   */
  linkIdentities(links: IdentityLink[]): Promise<IdentityLink[]>;
  /** The customer each linked anonymous id belongs to (unlinked ids are absent). */
  resolveAnonymousIds(anonymousIds: string[]): Promise<Map<string, string>>;
  /**
   * Logged events of `customerId` named one of `names` whose event time is after `after`, oldest
   * first, at most `limit`. The router hands them to a run it starts: they happened after its
   * trigger, whatever order they arrived in.
   */
  eventsAfter(query: { customerId: string; names: readonly string[]; after: string; limit: number }): Promise<LoggedEvent[]>;
  /** `markEventRouted` for many events in one statement (concurrent calls share statements). */
  markEventsRouted(routed: Array<{ messageId: string; routing: unknown }>): Promise<void>;
  /** Customers with logged events not routed yet, longest waiting first (the routing backlog, routing/backlog.ts). */
  unroutedCustomers(options: { receivedBefore?: string; limit: number }): Promise<string[]>;
  /** Up to `limit` of one customer's events not routed yet, in routing order (received, event time, messageId). */
  unroutedEvents(customerId: string, limit: number): Promise<LoggedEvent[]>;

  /** Most recent entry of this customer into this journey (for this entry key), if any. */
  lastEntry(journeyId: string, customerId: string, entryKey: string): Promise<JourneyEntry | null>;
  /** Record an entry; idempotent for the same (journey, customer, key, trigger message). */
  recordEntry(entry: JourneyEntry): Promise<void>;
  /**
   * Record the entry only when the customer has none yet for this journey and entry key, in one
   * statement: true when it was recorded. Every re-entry policy lets a first entry in, so the
   * router needs lastEntry and recordEntry only when this answers false.
   */
  recordFirstEntry(entry: JourneyEntry): Promise<boolean>;
  /**
   * The recorded entry's trigger event went to a run already in progress instead of starting one: it
   * stays for the entry policy but is no entry of the journey report (idempotent).
   */
  markEntryJoinedRun(entry: Pick<JourneyEntry, 'journeyId' | 'customerId' | 'entryKey' | 'triggerMessageId'>): Promise<void>;

  /**
   * Claim a send before calling the provider. Returns the existing row when the key was
   * already claimed (the caller decides from its status), else the new `dispatching` row.
   */
  claimMessage(
    row: Omit<
      MessageRow,
      'status' | 'reason' | 'detail' | 'providerId' | 'content' | 'attempts' | 'createdAt' | 'updatedAt' | 'category' | 'triggerId' | 'deliveryStatus' | 'deliveryDetail' | 'deliveryUpdatedAt' | 'sentAt' | 'retryAt' | 'engagement'
    > & { category?: MessageCategory; triggerId?: string | null },
  ): Promise<{ claimed: boolean; row: MessageRow }>;
  /**
   * The decision is made: the message is being handed to the provider now (status `dispatching`).
   * Throws unless the row is `deciding` (and, when `attempt` is given, still at that attempt: a
   * stale concurrent attempt of the same key must not dispatch too).
   */
  markMessageDispatching(messageKey: string, at: { channel: Channel; address: string; attempt?: number }): Promise<void>;
  /** A provider attempt failed in a way that is safe to retry. */
  markMessageRetrying(messageKey: string, detail: string): Promise<void>;
  /** Re-take a `retrying` or `deciding` row for another attempt (status back to deciding, attempts+1). */
  retakeMessage(messageKey: string): Promise<MessageRow>;
  /**
   * Final outcome of a send decision. `address` and `channel` replace the claimed ones when
   * given (a fallback channel records the channel actually used).
   */
  finishMessage(
    messageKey: string,
    outcome: {
      reason: ReasonCode;
      detail?: string | null;
      providerId?: string | null;
      content?: Record<string, unknown> | null;
      address?: string | null;
      channel?: Channel;
      /** When the decision was made (the activity's clock): becomes `sentAt` for `sent`. @default the database's now() */
      at?: string;
      /** With a `deferred:*` reason: when to decide again (ISO). */
      retryAt?: string | null;
    },
  ): Promise<MessageRow>;
  getMessage(messageKey: string): Promise<MessageRow | null>;
  listMessages(filter: { customerId?: string; workflowId?: string; limit?: number }): Promise<MessageRow[]>;

  /** Sends that count towards a frequency cap: `sent` messages of this customer, channel and category since `since`. */
  countSent(filter: { customerId: string; channel: Channel; category: MessageCategory; since: string }): Promise<number>;
  /**
   * A `sent` message of another key for the same customer, step, template and trigger event (a run
   * repeated). `excludeRunId` leaves out the asking run's own sends, so a step visited again by a
   * `goto` loop or a deferred attempt is not its own twin.
   */
  findSentTwin(filter: { customerId: string; journeyId: string; stepId: string; template: string; triggerId: string; excludeKey: string; excludeRunId?: string }): Promise<MessageRow | null>;
  /**
   * claimMessage, then findSentTwin, getContact, getConsent and the suppressions of the contact's
   * email and phone, in one statement: the send activity's reads before it decides.
   */
  claimMessageForSend(row: Parameters<Store['claimMessage']>[0]): Promise<SendClaim>;
  /** Provider delivery report for a message found by its provider id; null when no message has that id. */
  recordDelivery(input: { channel: Channel; providerId: string; status: string; detail?: string | null; at: string }): Promise<MessageRow | null>;
  getMessageByProviderId(channel: Channel, providerId: string): Promise<MessageRow | null>;

  /** Record a consent change (history kept) and return it. */
  setConsent(change: Omit<ConsentChange, 'changedAt'> & { at: string }): Promise<ConsentChange>;
  /** Latest change per channel; a channel never changed is absent (marketing consent is then assumed: opt-out model). */
  getConsent(customerId: string): Promise<Partial<Record<Channel, ConsentChange>>>;
  consentHistory(customerId: string): Promise<ConsentChange[]>;

  /** Suppress an address on a channel (idempotent; a second call updates reason and detail). */
  addSuppression(input: Omit<Suppression, 'createdAt'> & { at: string }): Promise<void>;
  removeSuppression(channel: Channel, address: string): Promise<boolean>;
  getSuppression(channel: Channel, address: string): Promise<Suppression | null>;
  /** Contacts whose phone column equals `phone` (inbound SMS keywords). */
  findContactsByPhone(phone: string): Promise<Contact[]>;
  /** Contacts whose email column equals `email`, compared case-insensitively. */
  findContactsByEmail(email: string): Promise<Contact[]>;

  /** Append a support action to the audit log and return it with its id. */
  appendAudit(entry: Omit<AuditRecord, 'id'>): Promise<AuditRecord>;
  /** Audit entries, newest first, optionally of one target. @default limit 100 */
  listAudit(filter: { target?: string; limit?: number }): Promise<AuditRecord[]>;

  /** Store or refresh a browser push subscription (keyed by endpoint; moves to this customer). */
  savePushSubscription(input: { customerId: string; endpoint: string; p256dh: string; auth: string; userAgent?: string | null; at: string }): Promise<PushSubscriptionRecord>;
  listPushSubscriptions(customerId: string): Promise<PushSubscriptionRecord[]>;
  deletePushSubscription(endpoint: string): Promise<boolean>;
  markPushSubscriptionUsed(endpoint: string, at: string): Promise<void>;

  /** Store a survey answer keyed by its message key; a second answer updates the row (revision+1). */
  saveSurveyResponse(input: SurveyResponseInput): Promise<SurveyResponse>;
  getSurveyResponse(messageKey: string): Promise<SurveyResponse | null>;

  /**
   * Analytics: upsert the finished steps (one row per run, step and visit) and, with `ending`,
   * the run's end (one row per run). Idempotent: a retried report changes nothing.
   */
  recordRunProgress(report: import('../activities/contract').RunProgressReport): Promise<void>;
  /**
   * An open or click of a message (tracking pixel, redirect link, push click): counts it and keeps
   * the first time. `proxied`: an open by a mail-privacy proxy (counted apart). False when no such message.
   */
  recordEngagement(input: { messageKey: string; kind: 'opened' | 'clicked'; at: string; proxied?: boolean }): Promise<boolean>;

  /**
   * The journey report over a date range (analytics/types.ts), aggregated in SQL from indexed
   * tables. `journey` gives step order, kinds and split variants (control); without it steps are
   * listed as found in the data.
   */
  journeyReport(query: import('../analytics/types').ReportQuery, journey?: import('../dsl/schema').Journey): Promise<import('../analytics/types').JourneyReport>;
  /**
   * Fold the report rollup changes written since the last compaction into the daily rollups; the
   * number folded, or null when another process is compacting. Reports compact first themselves.
   */
  compactReportRollups(): Promise<number | null>;

  /** The webhook call row for this key, if any. */
  getWebhookCall(callKey: string): Promise<WebhookCall | null>;
  /** Record one attempt of a webhook call (creating the row on the first); `done` marks the final outcome. */
  recordWebhookAttempt(input: WebhookAttemptInput): Promise<WebhookCall>;

  saveTemplateVersion(version: TemplateVersion): Promise<void>;
  getTemplateVersion(hash: string): Promise<TemplateVersion | null>;

  /** `select 1`: for /healthz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** A survey answer to store: one per surveyed message (`messageKey`). */
export interface SurveyResponseInput {
  messageKey: string;
  surveyId: string;
  customerId: string;
  journeyId: string;
  stepId: string;
  /** `nps` | `csat` | `ces`. */
  kind: string;
  score: number;
  /** promoter/passive/detractor, satisfied/neutral/unsatisfied, easy/neutral/hard. */
  category: string;
  comment: string | null;
  /** −1..1, null without a comment. */
  sentimentScore: number | null;
  /** When this answer was given, ISO. */
  at: string;
}

export interface SurveyResponse extends Omit<SurveyResponseInput, 'at'> {
  /** 1 for the first answer, +1 for each update. */
  revision: number;
  /** The first answer's time. */
  answeredAt: string;
  /** The latest answer's time. */
  updatedAt: string;
}

/** One attempt of a webhook step's call, as the activity records it. */
export interface WebhookAttemptInput {
  callKey: string;
  workflowId: string;
  runId: string;
  journeyId: string;
  stepId: string;
  customerId: string;
  url: string;
  method: string;
  /** HTTP status, or null when no answer came. */
  status: number | null;
  ok: boolean;
  /** Final: no more attempts will be made. */
  done: boolean;
  detail: string;
  /** The first 2,000 characters of the answer's body, for support staff. */
  responseExcerpt: string | null;
  at: string;
  /**
   * Which attempt this is (Temporal's attempt number): recording the same attempt twice counts it once.
   * @default one more than the attempts recorded
   */
  attempt?: number;
}

export interface WebhookCall extends Omit<WebhookAttemptInput, 'at' | 'attempt'> {
  /** Attempts made so far (1 after the first). */
  attempts: number;
  createdAt: string;
  updatedAt: string;
}
