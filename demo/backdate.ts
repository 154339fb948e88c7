// The one write the demo seed makes in raw SQL: messages' created_at/updated_at. The store sets
// them from the database clock (right for real sends), and reports count messages by created_at,
// so made-up messages of past weeks would otherwise all fall on today.
import { SqlStore } from '../store/sql-store';
import type { Queryable } from '../store/db';
import type { Store } from '../store/types';

/** Move each message's created_at/updated_at to its made-up decision time (one statement). */
export async function backdateMessages(store: Store, rows: readonly { messageKey: string; at: string }[]): Promise<void> {
  if (rows.length === 0) return;
  await sqlOf(store).query(
    `update messages m set created_at = v.at, updated_at = v.at
     from jsonb_to_recordset($1::jsonb) as v(key text, at timestamptz)
     where m.message_key = v.key`,
    [JSON.stringify(rows.map((r) => ({ key: r.messageKey, at: r.at })))],
  );
}

function sqlOf(store: Store): Queryable {
  if (!(store instanceof SqlStore)) throw new Error(`demo data needs the SQL store (PostgreSQL or PGlite); this store is ${store.kind}`);
  // The Store interface has no "create a message in the past" on purpose; the demo reaches the
  // store's own database (PostgreSQL or PGlite) for this one update.
  return store['db'];
}
