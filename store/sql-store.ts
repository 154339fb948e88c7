// The one Store implementation: plain SQL that runs unchanged on PostgreSQL and PGlite.
import type { Db } from './db';
import { toContact, toEntry, toEvent, toMessage, toTemplateVersion, type DbRow } from './rows';
import type { Contact, JourneyEntry, LoggedEvent, LoggedEventInput, MessageRow, Store, TemplateVersion } from './types';

/** jsonb parameters go as JSON text (`$n::jsonb`): pg would turn a JS array into a Postgres array. */
const json = (value: unknown): string | null => (value === undefined ? null : JSON.stringify(value));

/** The `email` trait as the column keeps it: trimmed, lower-case, null when empty or not a string. */
export function emailColumn(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim().toLowerCase() : null;
}

/** The `phone` trait as the column keeps it: trimmed text, null when empty. */
export function phoneColumn(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

const MESSAGE_COLUMNS = [
  'message_key', 'workflow_id', 'run_id', 'journey_id', 'journey_version', 'step_id',
  'customer_id', 'channel', 'template', 'template_version', 'address',
] as const;

export class SqlStore implements Store {
  readonly kind: Store['kind'];

  constructor(private readonly db: Db) {
    this.kind = db.kind;
  }

  async upsertContact(input: { customerId: string; traits: Record<string, unknown>; at: string }): Promise<Contact> {
    // A trait present in this call (even null) replaces the column; an absent one keeps it.
    const rows = await this.db.query<DbRow>(
      `insert into contacts as c (customer_id, traits, email, phone, created_at, updated_at)
       values ($1, $2::jsonb, $3, $4, $5, $5)
       on conflict (customer_id) do update set
         traits = c.traits || excluded.traits,
         email = case when $6::boolean then excluded.email else c.email end,
         phone = case when $7::boolean then excluded.phone else c.phone end,
         updated_at = excluded.updated_at
       returning *`,
      [
        input.customerId,
        json(input.traits),
        emailColumn(input.traits.email),
        phoneColumn(input.traits.phone),
        input.at,
        'email' in input.traits,
        'phone' in input.traits,
      ],
    );
    return toContact(one(rows, `contact ${input.customerId}`));
  }

  async getContact(customerId: string): Promise<Contact | null> {
    const rows = await this.db.query<DbRow>('select * from contacts where customer_id = $1', [customerId]);
    return rows[0] ? toContact(rows[0]) : null;
  }

  async recordEvent(input: LoggedEventInput): Promise<{ inserted: boolean; event: LoggedEvent }> {
    const inserted = await this.db.query<DbRow>(
      `insert into events (message_id, type, customer_id, event, properties, traits, "timestamp")
       values ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7)
       on conflict (message_id) do nothing
       returning *`,
      [input.messageId, input.type, input.customerId, input.event, json(input.properties), json(input.traits), input.timestamp],
    );
    if (inserted[0]) return { inserted: true, event: toEvent(inserted[0]) };
    const existing = await this.db.query<DbRow>('select * from events where message_id = $1', [input.messageId]);
    return { inserted: false, event: toEvent(one(existing, `event ${input.messageId}`)) };
  }

  async markEventRouted(messageId: string, routing: unknown): Promise<void> {
    await this.db.query('update events set routed_at = now(), routing = $2::jsonb where message_id = $1', [messageId, json(routing ?? null)]);
  }

  async lastEntry(journeyId: string, customerId: string, entryKey: string): Promise<JourneyEntry | null> {
    const rows = await this.db.query<DbRow>(
      `select * from journey_entries where journey_id = $1 and customer_id = $2 and entry_key = $3
       order by entered_at desc limit 1`,
      [journeyId, customerId, entryKey],
    );
    return rows[0] ? toEntry(rows[0]) : null;
  }

  async recordEntry(entry: JourneyEntry): Promise<void> {
    await this.db.query(
      `insert into journey_entries (journey_id, customer_id, entry_key, workflow_id, trigger_message_id, entered_at)
       values ($1, $2, $3, $4, $5, $6)
       on conflict (journey_id, customer_id, entry_key, trigger_message_id) do nothing`,
      [entry.journeyId, entry.customerId, entry.entryKey, entry.workflowId, entry.triggerMessageId, entry.enteredAt],
    );
  }

  async claimMessage(row: Parameters<Store['claimMessage']>[0]): Promise<{ claimed: boolean; row: MessageRow }> {
    const values = [row.messageKey, row.workflowId, row.runId, row.journeyId, row.journeyVersion, row.stepId,
      row.customerId, row.channel, row.template, row.templateVersion, row.address];
    const inserted = await this.db.query<DbRow>(
      `insert into messages (${MESSAGE_COLUMNS.join(', ')}, status)
       values (${MESSAGE_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')}, 'dispatching')
       on conflict (message_key) do nothing
       returning *`,
      values,
    );
    if (inserted[0]) return { claimed: true, row: toMessage(inserted[0]) };
    return { claimed: false, row: await this.requireMessage(row.messageKey) };
  }

  async markMessageRetrying(messageKey: string, detail: string): Promise<void> {
    // Never undo a final outcome: a late, stale attempt must not reopen a `done` row.
    const rows = await this.db.query<DbRow>(
      `update messages set status = 'retrying', detail = $2, updated_at = now()
       where message_key = $1 and status <> 'done' returning message_key`,
      [messageKey, detail],
    );
    if (!rows[0]) await this.requireMessage(messageKey);
  }

  async retakeMessage(messageKey: string): Promise<MessageRow> {
    const rows = await this.db.query<DbRow>(
      `update messages set status = 'dispatching', attempts = attempts + 1, updated_at = now()
       where message_key = $1 and status = 'retrying' returning *`,
      [messageKey],
    );
    if (rows[0]) return toMessage(rows[0]);
    const current = await this.requireMessage(messageKey);
    throw new Error(`store: message ${messageKey} cannot be re-taken: its status is ${current.status}, not retrying`);
  }

  async finishMessage(messageKey: string, outcome: Parameters<Store['finishMessage']>[1]): Promise<MessageRow> {
    const rows = await this.db.query<DbRow>(
      `update messages set status = 'done', reason = $2, detail = $3, provider_id = $4, content = $5::jsonb,
         address = coalesce($6, address), channel = coalesce($7, channel), updated_at = now()
       where message_key = $1 returning *`,
      [messageKey, outcome.reason, outcome.detail ?? null, outcome.providerId ?? null, json(outcome.content ?? null),
        outcome.address ?? null, outcome.channel ?? null],
    );
    return toMessage(one(rows, `message ${messageKey}`));
  }

  async getMessage(messageKey: string): Promise<MessageRow | null> {
    const rows = await this.db.query<DbRow>('select * from messages where message_key = $1', [messageKey]);
    return rows[0] ? toMessage(rows[0]) : null;
  }

  async listMessages(filter: { customerId?: string; workflowId?: string; limit?: number }): Promise<MessageRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.customerId !== undefined) where.push(`customer_id = $${params.push(filter.customerId)}`);
    if (filter.workflowId !== undefined) where.push(`workflow_id = $${params.push(filter.workflowId)}`);
    const limit = Math.min(Math.max(Math.trunc(filter.limit ?? 100), 1), 1000);
    const rows = await this.db.query<DbRow>(
      `select * from messages ${where.length ? `where ${where.join(' and ')}` : ''}
       order by created_at desc, message_key desc limit $${params.push(limit)}`,
      params,
    );
    return rows.map(toMessage);
  }

  async saveTemplateVersion(version: TemplateVersion): Promise<void> {
    // The hash is the content's: a second save of the same hash is the same template.
    await this.db.query(
      'insert into template_versions (hash, name, source) values ($1, $2, $3) on conflict (hash) do nothing',
      [version.hash, version.name, version.source],
    );
  }

  async getTemplateVersion(hash: string): Promise<TemplateVersion | null> {
    const rows = await this.db.query<DbRow>('select * from template_versions where hash = $1', [hash]);
    return rows[0] ? toTemplateVersion(rows[0]) : null;
  }

  async ping(): Promise<void> {
    await this.db.query('select 1');
  }

  close(): Promise<void> {
    return this.db.close();
  }

  private async requireMessage(messageKey: string): Promise<MessageRow> {
    const found = await this.getMessage(messageKey);
    if (!found) throw new Error(`store: no message with key ${messageKey}; it must be claimed (claimMessage) first`);
    return found;
  }
}

function one(rows: DbRow[], what: string): DbRow {
  if (!rows[0]) throw new Error(`store: ${what} not found`);
  return rows[0];
}
