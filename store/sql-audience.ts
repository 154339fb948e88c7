// Who may be messaged, in SQL: consent history per customer and channel, the global
// suppression list by address, and browser push subscriptions.
import type { Channel } from '../dsl/schema';
import type { Queryable } from './db';
import { toConsentChange, toContact, toPushSubscription, toSuppression, type DbRow } from './rows';
import type { ConsentChange, Contact, PushSubscriptionRecord, Store, Suppression } from './types';

/** An address as the suppression list keys it: emails trimmed and lower-cased, others trimmed. */
export function suppressionAddress(channel: Channel, address: string): string {
  return channel === 'email' ? address.trim().toLowerCase() : address.trim();
}

export class SqlAudience {
  constructor(private readonly db: Queryable) {}

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
