// Mapping database rows (snake_case, Date, jsonb) to the store's types (camelCase, ISO strings).
import { ChannelSchema } from '../dsl/schema';
import { REASON_CODES, type ReasonCode } from '../core/reasons';
import type {
  AuditRecord,
  ConsentChange,
  Contact,
  EventType,
  JourneyEntry,
  LoggedEvent,
  MessageRow,
  MessageStatus,
  PushSubscriptionRecord,
  Suppression,
  SuppressionReason,
  TemplateVersion,
} from './types';

/** A row as both drivers return it: column name → value (timestamptz as Date, jsonb parsed). */
export type DbRow = Record<string, unknown>;

const STATUSES: readonly MessageStatus[] = ['deciding', 'dispatching', 'retrying', 'done'];
const SUPPRESSION_REASONS: readonly SuppressionReason[] = ['hard_bounce', 'complaint', 'sms_stop', 'invalid_address', 'manual'];

/** A text column; throws naming the column when it is not text. */
export function text(row: DbRow, column: string): string {
  const value = row[column];
  if (typeof value !== 'string') throw new Error(`store: column ${column} is ${JSON.stringify(value)}, expected text`);
  return value;
}

export function textOrNull(row: DbRow, column: string): string | null {
  const value = row[column];
  return value === null || value === undefined ? null : String(value);
}

/** A timestamptz column as an ISO string (both drivers' Date, or text). */
export function iso(row: DbRow, column: string): string {
  const value = row[column];
  // Not `instanceof Date`: PGlite may live in another realm (see pglite-module.ts).
  if (Object.prototype.toString.call(value) === '[object Date]') return new Date(Number(value)).toISOString();
  if (typeof value === 'string') return new Date(value).toISOString();
  throw new Error(`store: column ${column} is ${JSON.stringify(value)}, expected a timestamp`);
}

export function isoOrNull(row: DbRow, column: string): string | null {
  return row[column] === null || row[column] === undefined ? null : iso(row, column);
}

function object(row: DbRow, column: string): Record<string, unknown> {
  const value = row[column];
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? { ...value } : {};
}

function reason(row: DbRow): ReasonCode | null {
  const value = row.reason;
  if (value === null || value === undefined) return null;
  const code = REASON_CODES.find((c) => c === value);
  if (!code) throw new Error(`store: message ${String(row.message_key)} has unknown reason ${JSON.stringify(value)}`);
  return code;
}

function status(row: DbRow): MessageStatus {
  const found = STATUSES.find((s) => s === row.status);
  if (!found) throw new Error(`store: message ${String(row.message_key)} has unknown status ${JSON.stringify(row.status)}`);
  return found;
}

export const toContact = (row: DbRow): Contact => ({
  customerId: text(row, 'customer_id'),
  email: textOrNull(row, 'email'),
  phone: textOrNull(row, 'phone'),
  traits: object(row, 'traits'),
  createdAt: iso(row, 'created_at'),
  updatedAt: iso(row, 'updated_at'),
});

const EVENT_TYPES = new Set<string>(['track', 'identify', 'page', 'screen', 'alias', 'group']);

export const toEvent = (row: DbRow): LoggedEvent => ({
  messageId: text(row, 'message_id'),
  type: EVENT_TYPES.has(String(row.type)) ? (String(row.type) as EventType) : 'track',
  customerId: text(row, 'customer_id'),
  event: textOrNull(row, 'event'),
  properties: object(row, 'properties'),
  traits: object(row, 'traits'),
  timestamp: iso(row, 'timestamp'),
  anonymousId: textOrNull(row, 'anonymous_id'),
  receivedAt: iso(row, 'received_at'),
  payloadHash: textOrNull(row, 'payload_hash'),
  routedAt: isoOrNull(row, 'routed_at'),
  routing: row.routing ?? null,
});

export const toEntry = (row: DbRow): JourneyEntry => ({
  journeyId: text(row, 'journey_id'),
  customerId: text(row, 'customer_id'),
  entryKey: text(row, 'entry_key'),
  workflowId: text(row, 'workflow_id'),
  triggerMessageId: text(row, 'trigger_message_id'),
  enteredAt: iso(row, 'entered_at'),
  journeyVersion: textOrNull(row, 'journey_version'),
});

export const toMessage = (row: DbRow): MessageRow => ({
  messageKey: text(row, 'message_key'),
  workflowId: text(row, 'workflow_id'),
  runId: text(row, 'run_id'),
  journeyId: text(row, 'journey_id'),
  journeyVersion: text(row, 'journey_version'),
  stepId: text(row, 'step_id'),
  customerId: text(row, 'customer_id'),
  channel: ChannelSchema.parse(row.channel),
  template: text(row, 'template'),
  templateVersion: text(row, 'template_version'),
  category: row.category === 'transactional' ? 'transactional' : 'marketing',
  triggerId: textOrNull(row, 'trigger_id'),
  status: status(row),
  reason: reason(row),
  detail: textOrNull(row, 'detail'),
  address: textOrNull(row, 'address'),
  providerId: textOrNull(row, 'provider_id'),
  content: row.content === null || row.content === undefined ? null : object(row, 'content'),
  attempts: Number(row.attempts),
  deliveryStatus: textOrNull(row, 'delivery_status'),
  deliveryDetail: textOrNull(row, 'delivery_detail'),
  deliveryUpdatedAt: isoOrNull(row, 'delivery_updated_at'),
  sentAt: isoOrNull(row, 'sent_at'),
  retryAt: isoOrNull(row, 'retry_at'),
  engagement: {
    openedAt: isoOrNull(row, 'opened_at'),
    clickedAt: isoOrNull(row, 'clicked_at'),
    openCount: Number(row.open_count ?? 0),
    proxiedOpenCount: Number(row.proxied_open_count ?? 0),
    clickCount: Number(row.click_count ?? 0),
  },
  createdAt: iso(row, 'created_at'),
  updatedAt: iso(row, 'updated_at'),
});

export const toTemplateVersion = (row: DbRow): TemplateVersion => ({
  hash: text(row, 'hash'),
  name: text(row, 'name'),
  source: text(row, 'source'),
});

export const toConsentChange = (row: DbRow): ConsentChange => ({
  customerId: text(row, 'customer_id'),
  channel: ChannelSchema.parse(row.channel),
  status: row.status === 'unsubscribed' ? 'unsubscribed' : 'subscribed',
  source: text(row, 'source'),
  reason: textOrNull(row, 'reason'),
  by: textOrNull(row, 'changed_by'),
  changedAt: iso(row, 'changed_at'),
});

export const toSuppression = (row: DbRow): Suppression => {
  const reason = SUPPRESSION_REASONS.find((r) => r === row.reason);
  if (!reason) throw new Error(`store: suppression of ${String(row.address)} has unknown reason ${JSON.stringify(row.reason)}`);
  return {
    channel: ChannelSchema.parse(row.channel),
    address: text(row, 'address'),
    reason,
    detail: textOrNull(row, 'detail'),
    createdAt: iso(row, 'created_at'),
  };
};

export const toPushSubscription = (row: DbRow): PushSubscriptionRecord => ({
  endpoint: text(row, 'endpoint'),
  customerId: text(row, 'customer_id'),
  p256dh: text(row, 'p256dh'),
  auth: text(row, 'auth'),
  userAgent: textOrNull(row, 'user_agent'),
  createdAt: iso(row, 'created_at'),
  lastSuccessAt: isoOrNull(row, 'last_success_at'),
});

export const toAudit = (row: DbRow): AuditRecord => ({
  id: Number(row.id),
  at: iso(row, 'at'),
  actor: text(row, 'actor'),
  action: text(row, 'action'),
  target: text(row, 'target'),
  reason: text(row, 'reason'),
});
