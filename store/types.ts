// The store's contract: contacts, the event log, journey entries, the message log and
// template versions. Implemented once in SQL for PostgreSQL and PGlite alike.
import type { Channel } from '../dsl/schema';
import type { ReasonCode } from '../core/reasons';

export interface Contact {
  customerId: string;
  email: string | null;
  phone: string | null;
  traits: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

export interface LoggedEventInput {
  messageId: string;
  type: 'track' | 'identify';
  customerId: string;
  /** Event name for track; null for identify. */
  event: string | null;
  properties: Record<string, unknown>;
  traits: Record<string, unknown>;
  /** When it happened (sender's timestamp or receipt time), ISO. */
  timestamp: string;
}

export interface LoggedEvent extends LoggedEventInput {
  receivedAt: string;
  /** Null until routing finished; then what the router did (returned again for duplicates). */
  routedAt: string | null;
  routing: unknown;
}

export interface JourneyEntry {
  journeyId: string;
  customerId: string;
  /** Empty string when the journey has no entry key. */
  entryKey: string;
  workflowId: string;
  triggerMessageId: string;
  enteredAt: string;
}

export type MessageStatus = 'dispatching' | 'retrying' | 'done';

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
  status: MessageStatus;
  /** Final reason once status is `done`; null while dispatching. */
  reason: ReasonCode | null;
  detail: string | null;
  address: string | null;
  providerId: string | null;
  /** The exact content sent (subject/html/text for email), for support staff. */
  content: Record<string, unknown> | null;
  attempts: number;
  createdAt: string;
  updatedAt: string;
}

export interface TemplateVersion {
  hash: string;
  name: string;
  source: string;
}

export interface Store {
  readonly kind: 'postgres' | 'pglite';
  /** Merge traits into the contact (creating it); `email` and `phone` traits become columns. */
  upsertContact(input: { customerId: string; traits: Record<string, unknown>; at: string }): Promise<Contact>;
  getContact(customerId: string): Promise<Contact | null>;

  /** Append to the event log; `inserted: false` with the stored row when the messageId was seen. */
  recordEvent(input: LoggedEventInput): Promise<{ inserted: boolean; event: LoggedEvent }>;
  markEventRouted(messageId: string, routing: unknown): Promise<void>;

  /** Most recent entry of this customer into this journey (for this entry key), if any. */
  lastEntry(journeyId: string, customerId: string, entryKey: string): Promise<JourneyEntry | null>;
  /** Record an entry; idempotent for the same (journey, customer, key, trigger message). */
  recordEntry(entry: JourneyEntry): Promise<void>;

  /**
   * Claim a send before calling the provider. Returns the existing row when the key was
   * already claimed (the caller decides from its status), else the new `dispatching` row.
   */
  claimMessage(
    row: Omit<MessageRow, 'status' | 'reason' | 'detail' | 'providerId' | 'content' | 'attempts' | 'createdAt' | 'updatedAt'>,
  ): Promise<{ claimed: boolean; row: MessageRow }>;
  /** A provider attempt failed in a way that is safe to retry. */
  markMessageRetrying(messageKey: string, detail: string): Promise<void>;
  /** Re-take a `retrying` row for another attempt (status back to dispatching, attempts+1). */
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
    },
  ): Promise<MessageRow>;
  getMessage(messageKey: string): Promise<MessageRow | null>;
  listMessages(filter: { customerId?: string; workflowId?: string; limit?: number }): Promise<MessageRow[]>;

  saveTemplateVersion(version: TemplateVersion): Promise<void>;
  getTemplateVersion(hash: string): Promise<TemplateVersion | null>;

  /** `select 1`: for /healthz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
