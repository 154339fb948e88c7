// The message log in SQL: claiming a send key, its status moves (deciding → dispatching →
// done/retrying), final outcomes, cap counts, twin lookups, provider delivery reports and opens/clicks.
import type { Channel } from '../dsl/schema';
import type { Queryable } from './db';
import { toConsentChange, toContact, toMessage, toSuppression, type DbRow } from './rows';
import type { MessageRow, SendClaim, Store } from './types';

/** jsonb parameters go as JSON text (`$n::jsonb`): pg would turn a JS array into a Postgres array. */
export const json = (value: unknown): string | null => (value === undefined ? null : JSON.stringify(value));

const CLAIM_COLUMNS = [
  'message_key', 'workflow_id', 'run_id', 'journey_id', 'journey_version', 'step_id',
  'customer_id', 'channel', 'template', 'template_version', 'address', 'category', 'trigger_id',
] as const;

/**
 * claim + findSentTwin + getContact + getConsent + the contact's suppressions as one statement:
 * seven round trips per send were most of its database time on PGlite. The reads come back as
 * jsonb (one narrow row, cheap to plan and parse) and go through the same mappers as the single
 * reads; iso() reads jsonb's timestamp text as the drivers' Dates (both to the millisecond).
 * Parameters are CLAIM_COLUMNS'. The twin query is findSentTwin's (run_id is never null).
 */
const CLAIM_FOR_SEND = `
  with claimed as (
    insert into messages (${CLAIM_COLUMNS.join(', ')}, status)
    values (${CLAIM_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')}, 'deciding')
    on conflict (message_key) do nothing
    returning *
  )
  select claimed.*,
    (select to_jsonb(m) from messages m
     where reason = 'sent' and customer_id = $7 and journey_id = $4 and step_id = $6 and template = $9 and trigger_id = $13
       and message_key <> $1 and run_id <> $3
     order by created_at limit 1) as "send.twin",
    (select to_jsonb(c) from contacts c where c.customer_id = $7) as "send.contact",
    (select jsonb_agg(latest) from (
       select distinct on (channel) * from consent_changes where customer_id = $7 order by channel, changed_at desc, id desc
     ) latest) as "send.consent",
    (select jsonb_agg(s) from suppressions s join contacts c on c.customer_id = $7
     where (s.channel = 'email' and s.address = c.email) or (s.channel = 'sms' and s.address = c.phone)) as "send.suppressions"
  from (select 1) as one left join claimed on true`;

/** A jsonb object column as a row for the rows.ts mappers; null when SQL gave null. */
function jsonRow(value: unknown): DbRow | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? { ...value } : null;
}
const jsonRows = (value: unknown): DbRow[] => (Array.isArray(value) ? value.map(jsonRow).filter((row) => row !== null) : []);

export class SqlMessageLog {
  constructor(private readonly db: Queryable) {}

  async claim(row: Parameters<Store['claimMessage']>[0]): Promise<{ claimed: boolean; row: MessageRow }> {
    const values = [row.messageKey, row.workflowId, row.runId, row.journeyId, row.journeyVersion, row.stepId,
      row.customerId, row.channel, row.template, row.templateVersion, row.address, row.category ?? 'marketing', row.triggerId ?? null];
    const inserted = await this.db.query<DbRow>(
      `insert into messages (${CLAIM_COLUMNS.join(', ')}, status)
       values (${CLAIM_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')}, 'deciding')
       on conflict (message_key) do nothing
       returning *`,
      values,
    );
    if (inserted[0]) return { claimed: true, row: toMessage(inserted[0]) };
    return { claimed: false, row: await this.require(row.messageKey) };
  }

  async claimForSend(row: Parameters<Store['claimMessage']>[0]): Promise<SendClaim> {
    const values = [row.messageKey, row.workflowId, row.runId, row.journeyId, row.journeyVersion, row.stepId,
      row.customerId, row.channel, row.template, row.templateVersion, row.address, row.category ?? 'marketing', row.triggerId ?? null];
    const [found] = await this.db.query<DbRow>(CLAIM_FOR_SEND, values);
    if (!found) throw new Error(`store: claiming message ${row.messageKey} returned no row`);
    const claimed = found.message_key !== null && found.message_key !== undefined;
    const twin = jsonRow(found['send.twin']);
    const contactRow = jsonRow(found['send.contact']);
    const contact = contactRow ? toContact(contactRow) : null;
    const consent: SendClaim['consent'] = {};
    for (const change of jsonRows(found['send.consent']).map(toConsentChange)) consent[change.channel] = change;
    const suppressed = jsonRows(found['send.suppressions']).map(toSuppression);
    const suppressions: SendClaim['suppressions'] = {};
    if (contact && contact.email !== null) suppressions.email = suppressed.find((s) => s.channel === 'email') ?? null;
    if (contact && contact.phone !== null) suppressions.sms = suppressed.find((s) => s.channel === 'sms') ?? null;
    return {
      claimed,
      // Not inserted: the key was claimed before (its row is read as it stands now).
      row: claimed ? toMessage(found) : await this.require(row.messageKey),
      twin: twin ? toMessage(twin) : null,
      contact,
      consent,
      suppressions,
    };
  }

  async markDispatching(messageKey: string, at: { channel: Channel; address: string; attempt?: number }): Promise<void> {
    const rows = await this.db.query<DbRow>(
      `update messages set status = 'dispatching', channel = $2, address = $3, updated_at = now()
       where message_key = $1 and status = 'deciding' and ($4::integer is null or attempts = $4) returning message_key`,
      [messageKey, at.channel, at.address, at.attempt ?? null],
    );
    if (rows[0]) return;
    const current = await this.require(messageKey);
    throw new Error(
      `store: message ${messageKey} cannot be dispatched: its status is ${current.status} at attempt ${current.attempts}` +
        `${at.attempt === undefined ? '' : ` (this attempt is ${at.attempt})`}; another attempt owns it`,
    );
  }

  async markRetrying(messageKey: string, detail: string): Promise<void> {
    // Never undo a final outcome: a late, stale attempt must not reopen a `done` row.
    const rows = await this.db.query<DbRow>(
      `update messages set status = 'retrying', detail = $2, updated_at = now()
       where message_key = $1 and status <> 'done' returning message_key`,
      [messageKey, detail],
    );
    if (!rows[0]) await this.require(messageKey);
  }

  async retake(messageKey: string): Promise<MessageRow> {
    const rows = await this.db.query<DbRow>(
      `update messages set status = 'deciding', attempts = attempts + 1, updated_at = now()
       where message_key = $1 and status in ('retrying', 'deciding') returning *`,
      [messageKey],
    );
    if (rows[0]) return toMessage(rows[0]);
    const current = await this.require(messageKey);
    throw new Error(`store: message ${messageKey} cannot be re-taken: its status is ${current.status}, not retrying or deciding`);
  }

  async finish(messageKey: string, outcome: Parameters<Store['finishMessage']>[1]): Promise<MessageRow> {
    const rows = await this.db.query<DbRow>(
      `update messages set status = 'done', reason = $2, detail = $3, provider_id = $4, content = $5::jsonb,
         address = coalesce($6, address), channel = coalesce($7, channel),
         sent_at = case when $2 = 'sent' then coalesce($8::timestamptz, now()) else null end, retry_at = $9, updated_at = now()
       where message_key = $1 returning *`,
      [messageKey, outcome.reason, outcome.detail ?? null, outcome.providerId ?? null, json(outcome.content ?? null),
        outcome.address ?? null, outcome.channel ?? null, outcome.at ?? null, outcome.retryAt ?? null],
    );
    const row = rows[0];
    if (!row) throw new Error(`store: no message with key ${messageKey}; it must be claimed (claimMessage) first`);
    return toMessage(row);
  }

  async get(messageKey: string): Promise<MessageRow | null> {
    const rows = await this.db.query<DbRow>('select * from messages where message_key = $1', [messageKey]);
    return rows[0] ? toMessage(rows[0]) : null;
  }

  async list(filter: { customerId?: string; workflowId?: string; limit?: number }): Promise<MessageRow[]> {
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

  async countSent(filter: Parameters<Store['countSent']>[0]): Promise<number> {
    const rows = await this.db.query<{ n: unknown }>(
      `select count(*) as n from messages
       where reason = 'sent' and customer_id = $1 and channel = $2 and category = $3 and sent_at >= $4`,
      [filter.customerId, filter.channel, filter.category, filter.since],
    );
    return Number(rows[0]?.n ?? 0);
  }

  async findSentTwin(filter: Parameters<Store['findSentTwin']>[0]): Promise<MessageRow | null> {
    const rows = await this.db.query<DbRow>(
      `select * from messages
       where reason = 'sent' and customer_id = $1 and journey_id = $2 and step_id = $3 and template = $4 and trigger_id = $5
         and message_key <> $6 and ($7::text is null or run_id <> $7)
       order by created_at limit 1`,
      [filter.customerId, filter.journeyId, filter.stepId, filter.template, filter.triggerId, filter.excludeKey, filter.excludeRunId ?? null],
    );
    return rows[0] ? toMessage(rows[0]) : null;
  }

  async recordDelivery(input: Parameters<Store['recordDelivery']>[0]): Promise<MessageRow | null> {
    // Providers may report out of order (delivered before sent): an older report never overwrites a newer one.
    const rows = await this.db.query<DbRow>(
      `update messages set delivery_status = $3, delivery_detail = $4, delivery_updated_at = $5
       where channel = $1 and provider_id = $2 and (delivery_updated_at is null or delivery_updated_at <= $5::timestamptz)
       returning *`,
      [input.channel, input.providerId, input.status, input.detail ?? null, input.at],
    );
    return rows[0] ? toMessage(rows[0]) : this.byProviderId(input.channel, input.providerId);
  }

  async recordEngagement(input: Parameters<Store['recordEngagement']>[0]): Promise<boolean> {
    // A person's open counts and may set opened_at; a privacy proxy's fetch is counted apart and
    // sets nothing. least() keeps the earliest time when events arrive out of order.
    const personOpen = input.kind === 'opened' && input.proxied !== true;
    const rows = await this.db.query<DbRow>(
      `update messages set
         opened_at = case when $2::boolean then least(opened_at, $5::timestamptz) else opened_at end,
         open_count = open_count + case when $2::boolean then 1 else 0 end,
         proxied_open_count = proxied_open_count + case when $3::boolean then 1 else 0 end,
         clicked_at = case when $4::boolean then least(clicked_at, $5::timestamptz) else clicked_at end,
         click_count = click_count + case when $4::boolean then 1 else 0 end
       where message_key = $1 returning message_key`,
      [input.messageKey, personOpen, input.kind === 'opened' && !personOpen, input.kind === 'clicked', input.at],
    );
    return rows.length > 0;
  }

  async byProviderId(channel: Channel, providerId: string): Promise<MessageRow | null> {
    const rows = await this.db.query<DbRow>(
      'select * from messages where channel = $1 and provider_id = $2 order by created_at desc limit 1',
      [channel, providerId],
    );
    return rows[0] ? toMessage(rows[0]) : null;
  }

  private async require(messageKey: string): Promise<MessageRow> {
    const found = await this.get(messageKey);
    if (!found) throw new Error(`store: no message with key ${messageKey}; it must be claimed (claimMessage) first`);
    return found;
  }
}
