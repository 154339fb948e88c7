// The event log: events deduplicated by messageId, logged one at a time or a whole batch in
// one statement, and marked routed once the router has answered. Concurrent callers (one event
// per API request) share statements by group commit.
import type { Db } from './db';
import { groupCommit } from './group-commit';
import { toEvent, type DbRow } from './rows';
import { json } from './sql-messages';
import type { LoggedEvent, LoggedEventInput } from './types';

export class SqlEventLog {
  /**
   * Log `inputs` in one insert (plus one select when some were logged before). Answers in input
   * order exactly as one `recordEvent` per input in turn would: the first occurrence of a new
   * messageId is `inserted`, every other occurrence gets the row already logged. Calls made while
   * another is being written are written together next, callers in arrival order.
   */
  readonly record: (inputs: LoggedEventInput[]) => Promise<Array<{ inserted: boolean; event: LoggedEvent }>>;
  /** Store what the router did for each event, in one statement (shared with concurrent callers). */
  readonly markRouted: (routed: Array<{ messageId: string; routing: unknown }>) => Promise<unknown>;

  constructor(private readonly db: Db) {
    this.record = groupCommit((inputs) => this.insert(inputs));
    this.markRouted = groupCommit(async (routed) => {
      await this.update(routed);
      return routed;
    });
  }

  /**
   * Customers with events logged but not routed yet (Temporal was unreachable), those waiting
   * longest first; `receivedBefore` leaves out events a request may still be routing.
   */
  async unroutedCustomers(options: { receivedBefore?: string; limit: number }): Promise<string[]> {
    const rows = await this.db.query<{ customer_id: string }>(
      `select customer_id from events
       where routed_at is null and ($1::timestamptz is null or received_at < $1::timestamptz)
       group by customer_id order by min(received_at), customer_id limit $2`,
      [options.receivedBefore ?? null, options.limit],
    );
    return rows.map((row) => String(row.customer_id));
  }

  /**
   * One customer's events not routed yet, in the order they are routed: as received, then by
   * event time (the events of one batch share their arrival), then by messageId.
   */
  async unroutedEvents(customerId: string, limit: number): Promise<LoggedEvent[]> {
    const rows = await this.db.query<DbRow>(
      `select * from events where routed_at is null and customer_id = $1
       order by received_at, "timestamp", message_id limit $2`,
      [customerId, limit],
    );
    return rows.map(toEvent);
  }

  private async insert(inputs: LoggedEventInput[]): Promise<Array<{ inserted: boolean; event: LoggedEvent }>> {
    const first = new Map<string, LoggedEventInput>();
    for (const input of inputs) if (!first.has(input.messageId)) first.set(input.messageId, input);
    // In messageId order, so two batches sharing messageIds wait on each other in the same order (no deadlock).
    const unique = [...first.values()].sort((a, b) => compare(a.messageId, b.messageId));
    if (unique.length === 0) return [];
    // Arrays, one per column: the statement has 10 parameters whatever the batch size.
    const inserted = await this.db.query<DbRow>(
      `insert into events (message_id, type, customer_id, event, properties, traits, "timestamp", anonymous_id, received_at, payload_hash)
       select m, t, c, e, p::jsonb, tr::jsonb, ts, a, coalesce(r, now()), h
       from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::text[], $9::timestamptz[], $10::text[])
         as v(m, t, c, e, p, tr, ts, a, r, h)
       on conflict (message_id) do nothing
       returning *`,
      [
        unique.map((i) => i.messageId),
        unique.map((i) => i.type),
        unique.map((i) => i.customerId),
        unique.map((i) => i.event),
        unique.map((i) => json(i.properties)),
        unique.map((i) => json(i.traits)),
        unique.map((i) => i.timestamp),
        unique.map((i) => i.anonymousId ?? null),
        unique.map((i) => i.receivedAt ?? null),
        unique.map((i) => i.payloadHash ?? null),
      ],
    );
    const rows = new Map(inserted.map((row) => [String(row.message_id), toEvent(row)]));
    const fresh = new Set(rows.keys());
    const logged = unique.filter((i) => !fresh.has(i.messageId)).map((i) => i.messageId);
    if (logged.length > 0) {
      for (const row of await this.db.query<DbRow>('select * from events where message_id = any($1::text[])', [logged])) {
        rows.set(String(row.message_id), toEvent(row));
      }
    }
    const answered = new Set<string>();
    return inputs.map((input) => {
      const event = rows.get(input.messageId);
      if (!event) throw new Error(`store: event ${input.messageId} not found`);
      const isFirst = fresh.has(input.messageId) && !answered.has(input.messageId);
      answered.add(input.messageId);
      return { inserted: isFirst, event };
    });
  }

  /**
   * Events of one customer with one of `names` that happened after `after` (event time),
   * oldest first then by messageId, at most `limit`: what a run starting now has missed.
   */
  async after(query: { customerId: string; names: readonly string[]; after: string; limit: number }): Promise<LoggedEvent[]> {
    if (query.names.length === 0 || query.limit <= 0) return [];
    const rows = await this.db.query<DbRow>(
      `select * from events
       where customer_id = $1 and event = any($2::text[]) and "timestamp" > $3::timestamptz
       order by "timestamp", message_id
       limit $4`,
      [query.customerId, [...query.names], query.after, query.limit],
    );
    return rows.map(toEvent);
  }

  private async update(routed: Array<{ messageId: string; routing: unknown }>): Promise<void> {
    if (routed.length === 0) return;
    const rows = [...routed].sort((a, b) => compare(a.messageId, b.messageId));
    await this.db.query(
      `update events as e set routed_at = now(), routing = v.routing::jsonb
       from unnest($1::text[], $2::text[]) as v(message_id, routing)
       where e.message_id = v.message_id`,
      [rows.map((r) => r.messageId), rows.map((r) => json(r.routing ?? null))],
    );
  }
}

/** Code-unit order, the same on every machine (localeCompare is not). */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
