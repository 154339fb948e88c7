// Who may be messaged, in SQL: consent history per customer and channel, the global
// suppression list by address, and browser push subscriptions.
import type { Channel } from '../dsl/schema';
import type { Queryable } from './db';
import { toConsentChange, toContact, toPushSubscription, toSuppression, type DbRow } from './rows';
import { json } from './sql-messages';
// A cycle (sql-store builds SqlAudience), safe because both sides only call each other's functions later.
import { emailColumn, phoneColumn } from './sql-store';
import type { ConsentChange, Contact, PushSubscriptionRecord, Store, Suppression } from './types';

/** An address as the suppression list keys it: emails trimmed and lower-cased, others trimmed. */
export function suppressionAddress(channel: Channel, address: string): string {
  return channel === 'email' ? address.trim().toLowerCase() : address.trim();
}

export class SqlAudience {
  constructor(private readonly db: Queryable) {}

  /**
   * Contacts' traits merged in one statement, with `upsertContact`'s rules per row. Rows go in
   * customer order so concurrent batches lock shared contacts in the same order (no deadlock).
   */
  async upsertContacts(inputs: Parameters<Store['upsertContacts']>[0]): Promise<Map<string, Record<string, unknown>>> {
    const merged = new Map<string, { customerId: string; traits: Record<string, unknown>; at: string; createdAt: string }>();
    for (const input of inputs) {
      const earlier = merged.get(input.customerId);
      merged.set(
        input.customerId,
        earlier
          ? { ...earlier, traits: { ...earlier.traits, ...input.traits }, at: input.at }
          : { customerId: input.customerId, traits: input.traits, at: input.at, createdAt: input.createdAt ?? input.at },
      );
    }
    const rows = [...merged.values()].sort((a, b) => (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0));
    if (rows.length === 0) return new Map();
    // A trait present in the merged traits (even null) replaces its column; `excluded` is all
    // ON CONFLICT can see, so presence is asked of excluded.traits. `before` reads the statement's
    // snapshot, taken before the upsert: the traits the contacts had.
    const before = await this.db.query<DbRow>(
      `with before as (select customer_id, traits from contacts where customer_id = any($1::text[])),
       upserted as (
       insert into contacts as c (customer_id, traits, email, phone, created_at, updated_at)
       select id, tr::jsonb, em, ph, ca, ua
       from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[]) as v(id, tr, em, ph, ca, ua)
       on conflict (customer_id) do update set
         traits = c.traits || excluded.traits,
         email = case when excluded.traits ? 'email' then excluded.email else c.email end,
         phone = case when excluded.traits ? 'phone' then excluded.phone else c.phone end,
         updated_at = excluded.updated_at)
       select customer_id, traits from before`,
      [
        rows.map((r) => r.customerId),
        rows.map((r) => json(r.traits)),
        rows.map((r) => emailColumn(r.traits.email)),
        rows.map((r) => phoneColumn(r.traits.phone)),
        rows.map((r) => r.createdAt),
        rows.map((r) => r.at),
      ],
    );
    return new Map(before.map((row) => [String(row.customer_id), (typeof row.traits === 'string' ? JSON.parse(row.traits) : row.traits) as Record<string, unknown>]));
  }

  async setConsent(change: Parameters<Store['setConsent']>[0]): Promise<ConsentChange> {
    const rows = await this.db.query<DbRow>(
      `insert into consent_changes (customer_id, channel, status, source, reason, changed_by, changed_at)
       values ($1, $2, $3, $4, $5, $6, $7) returning *`,
      [change.customerId, change.channel, change.status, change.source, change.reason, change.by, change.at],
    );
    return toConsentChange(first(rows, `consent change for ${change.customerId}`));
  }

  async getConsent(customerId: string): Promise<Partial<Record<Channel, ConsentChange>>> {
    // The latest change wins; `id` orders changes recorded with the same timestamp.
    const rows = await this.db.query<DbRow>(
      `select distinct on (channel) * from consent_changes where customer_id = $1
       order by channel, changed_at desc, id desc`,
      [customerId],
    );
    const current: Partial<Record<Channel, ConsentChange>> = {};
    for (const row of rows) {
      const change = toConsentChange(row);
      current[change.channel] = change;
    }
    return current;
  }

  async consentHistory(customerId: string): Promise<ConsentChange[]> {
    const rows = await this.db.query<DbRow>('select * from consent_changes where customer_id = $1 order by changed_at, id', [customerId]);
    return rows.map(toConsentChange);
  }

  async addSuppression(input: Parameters<Store['addSuppression']>[0]): Promise<void> {
    await this.db.query(
      `insert into suppressions (channel, address, reason, detail, created_at, updated_at) values ($1, $2, $3, $4, $5, $5)
       on conflict (channel, address) do update set reason = excluded.reason, detail = excluded.detail, updated_at = excluded.updated_at`,
      [input.channel, suppressionAddress(input.channel, input.address), input.reason, input.detail, input.at],
    );
  }

  async removeSuppression(channel: Channel, address: string): Promise<boolean> {
    const rows = await this.db.query<DbRow>('delete from suppressions where channel = $1 and address = $2 returning address', [
      channel,
      suppressionAddress(channel, address),
    ]);
    return rows.length > 0;
  }

  async getSuppression(channel: Channel, address: string): Promise<Suppression | null> {
    const rows = await this.db.query<DbRow>('select * from suppressions where channel = $1 and address = $2', [channel, suppressionAddress(channel, address)]);
    return rows[0] ? toSuppression(rows[0]) : null;
  }

  async findContactsByPhone(phone: string): Promise<Contact[]> {
    const rows = await this.db.query<DbRow>('select * from contacts where phone = $1 order by customer_id', [phone.trim()]);
    return rows.map(toContact);
  }

  async findContactsByEmail(email: string): Promise<Contact[]> {
    // The column is stored lower-cased; lower() on both sides uses contacts_email_idx.
    const rows = await this.db.query<DbRow>('select * from contacts where lower(email) = lower($1) order by customer_id', [email.trim()]);
    return rows.map(toContact);
  }

  async savePushSubscription(input: Parameters<Store['savePushSubscription']>[0]): Promise<PushSubscriptionRecord> {
    // The endpoint identifies the browser: saving it for another customer moves it (a shared device).
    const rows = await this.db.query<DbRow>(
      `insert into push_subscriptions as s (endpoint, customer_id, p256dh, auth, user_agent, created_at)
       values ($1, $2, $3, $4, $5, $6)
       on conflict (endpoint) do update set customer_id = excluded.customer_id, p256dh = excluded.p256dh,
         auth = excluded.auth, user_agent = coalesce(excluded.user_agent, s.user_agent)
       returning *`,
      [input.endpoint, input.customerId, input.p256dh, input.auth, input.userAgent ?? null, input.at],
    );
    return toPushSubscription(first(rows, `push subscription ${input.endpoint}`));
  }

  async listPushSubscriptions(customerId: string): Promise<PushSubscriptionRecord[]> {
    const rows = await this.db.query<DbRow>('select * from push_subscriptions where customer_id = $1 order by created_at, endpoint', [customerId]);
    return rows.map(toPushSubscription);
  }

  async deletePushSubscription(endpoint: string): Promise<boolean> {
    const rows = await this.db.query<DbRow>('delete from push_subscriptions where endpoint = $1 returning endpoint', [endpoint]);
    return rows.length > 0;
  }

  async markPushSubscriptionUsed(endpoint: string, at: string): Promise<void> {
    await this.db.query('update push_subscriptions set last_success_at = $2 where endpoint = $1', [endpoint, at]);
  }
}

function first(rows: DbRow[], what: string): DbRow {
  if (!rows[0]) throw new Error(`store: ${what} not found`);
  return rows[0];
}
