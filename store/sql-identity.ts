// Identity links: anonymous visitors (Segment anonymousId) linked to known customers (userId).
// A new link moves what was recorded under the visitor's `anon:<id>` customer to the customer.
import { anonymousCustomerId } from '../core/identity';
import type { Db } from './db';
import { compare } from './sql-events';
import type { IdentityLink } from './types';

export class SqlIdentity {
  constructor(private readonly db: Db) {}

  async link(links: IdentityLink[]): Promise<IdentityLink[]> {
    const first = new Map<string, IdentityLink>();
    for (const link of links) if (!first.has(link.anonymousId)) first.set(link.anonymousId, link);
    if (first.size === 0) return [];
    // In anonymous id order, so concurrent calls lock the same rows in the same order (no deadlock).
    const ordered = [...first.values()].sort((a, b) => compare(a.anonymousId, b.anonymousId));
    const known = await this.resolve(ordered.map((link) => link.anonymousId));
    const fresh = ordered.filter((link) => !known.has(link.anonymousId));
    if (fresh.length === 0) return [];
    return this.db.transaction(async (tx) => {
      const made: IdentityLink[] = [];
      for (const link of fresh) {
        const inserted = await tx.query(
          `insert into identity_links (anonymous_id, customer_id, message_id, linked_at) values ($1, $2, $3, $4)
           on conflict (anonymous_id) do nothing returning anonymous_id`,
          [link.anonymousId, link.customerId, link.messageId, link.at],
        );
        if (inserted.length === 0) continue;
        const visitor = anonymousCustomerId(link.anonymousId);
        // The visitor's profile merges into the customer's: the customer's own traits and addresses win.
        await tx.query(
          `with visitor as (delete from contacts where customer_id = $2 returning *)
           insert into contacts as c (customer_id, email, phone, traits, created_at, updated_at)
           select $1, email, phone, traits, created_at, updated_at from visitor
           on conflict (customer_id) do update set
             traits = excluded.traits || c.traits,
             email = case when c.traits ? 'email' then c.email else excluded.email end,
             phone = case when c.traits ? 'phone' then c.phone else excluded.phone end,
             created_at = least(c.created_at, excluded.created_at),
             updated_at = greatest(c.updated_at, excluded.updated_at)`,
          [link.customerId, visitor],
        );
        await tx.query('update events set customer_id = $1 where customer_id = $2', [link.customerId, visitor]);
        await tx.query('update push_subscriptions set customer_id = $1 where customer_id = $2', [link.customerId, visitor]);
        made.push(link);
      }
      return made;
    });
  }

  async resolve(anonymousIds: string[]): Promise<Map<string, string>> {
    if (anonymousIds.length === 0) return new Map();
    const rows = await this.db.query<{ anonymous_id: string; customer_id: string }>(
      'select anonymous_id, customer_id from identity_links where anonymous_id = any($1::text[])',
      [[...new Set(anonymousIds)]],
    );
    return new Map(rows.map((row) => [row.anonymous_id, row.customer_id]));
  }
}
