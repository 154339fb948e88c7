// Export and erasure of one customer's rows in SQL. The tables are listed once below, with what
// erasure does to each, so a new table that holds customer data is one more line here.
import type { Db, Queryable } from './db';
import type { CustomerData, ErasureCounts, PersonalDataStore } from './personal-data';
import { suppressionAddress } from './sql-audience';

/** `$1` customer id, `$2` pseudonym, `$3` the id as workflow ids hold it (URI-encoded), `$4` the pseudonym likewise. */
type Params = [string, string, string, string];

/**
 * `column` with the customer's segment of its workflow id (`journey/<journey>/<customer>…`)
 * replaced by the pseudonym's; message, call and idempotency keys start with the workflow id.
 */
const rewritten = (column: string) => {
  const prefix = `('journey/' || journey_id || '/' || $3)`;
  return `case when ${column} = ${prefix} or starts_with(${column}, ${prefix} || '/')
    then 'journey/' || journey_id || '/' || $4 || substr(${column}, length(${prefix}) + 1) else ${column} end`;
};

interface TableRule {
  table: string;
  /** Export order. */
  orderBy: string;
  /**
   * The erasure: an `update … set` list (empty: kept as it is), or `delete`. `reinsert`: the rows
   * are deleted before any other table changes and inserted again, anonymised, after all of them.
   */
  erase: { set: string; reinsert?: boolean } | 'delete';
}

/** Tables keyed by customer_id. Consent history is exported and kept (proof of consent). */
const TABLES: readonly TableRule[] = [
  { table: 'contacts', orderBy: 'customer_id', erase: 'delete' },
  // The messageId stays, so a retry of the same event is still a duplicate with no effect.
  // The payload hash goes too (it could confirm a guessed payload); a retry is then a duplicate without a conflict check.
  {
    table: 'events',
    orderBy: '"timestamp", message_id',
    erase: { set: `customer_id = $2, properties = '{}'::jsonb, traits = '{}'::jsonb, routing = '{"runs":[]}'::jsonb, anonymous_id = null, payload_hash = null` },
  },
  // The anonymous ids (browser cookies) linked to the customer.
  { table: 'identity_links', orderBy: 'linked_at, anonymous_id', erase: 'delete' },
  { table: 'push_subscriptions', orderBy: 'created_at', erase: 'delete' },
  { table: 'journey_entries', orderBy: 'entered_at', erase: { set: `customer_id = $2, workflow_id = ${rewritten('workflow_id')}` } },
  { table: 'journey_runs', orderBy: 'ended_at', erase: { set: `customer_id = $2, workflow_id = ${rewritten('workflow_id')}` } },
  { table: 'run_steps', orderBy: 'finished_at', erase: { set: `customer_id = $2, workflow_id = ${rewritten('workflow_id')}` } },
  {
    table: 'messages',
    orderBy: 'created_at',
    erase: {
      set: `customer_id = $2, workflow_id = ${rewritten('workflow_id')}, message_key = ${rewritten('message_key')},
        address = null, content = null, detail = null, provider_id = null, delivery_detail = null`,
    },
  },
  // A comment becomes "[erased]": the report still counts an answer with a comment and its sentiment class.
  // Answers are counted with their message, found by key: they are taken out before the messages'
  // keys change and put back after (see eraseCustomer), so each trigger finds the message it counted.
  {
    table: 'survey_responses',
    orderBy: 'answered_at',
    erase: { set: `customer_id = $2, message_key = ${rewritten('message_key')}, comment = case when comment is null then null else '[erased]' end`, reinsert: true },
  },
  {
    table: 'webhook_calls',
    orderBy: 'created_at',
    erase: {
      set: `customer_id = $2, workflow_id = ${rewritten('workflow_id')}, call_key = ${rewritten('call_key')},
        url = regexp_replace(url, '^([a-z][a-z0-9+.-]*://[^/?#]*).*$', '\\1/[erased]', 'i'), response_excerpt = null`,
    },
  },
  { table: 'consent_changes', orderBy: 'changed_at, id', erase: { set: '' } },
];

export class SqlPersonalData implements PersonalDataStore {
  constructor(private readonly db: Db) {}

  async exportCustomer(customerId: string): Promise<CustomerData> {
    const tables: CustomerData['tables'] = {};
    for (const rule of TABLES) {
      tables[rule.table] = await rows(this.db, `select to_jsonb(t) as row from ${rule.table} t where customer_id = $1 order by ${rule.orderBy}`, [customerId]);
    }
    tables.suppressions = await this.suppressionsOf(this.db, customerId);
    const workflowIds = await this.workflowIdsOf(customerId);
    tables.audit_log = await rows(this.db, 'select to_jsonb(t) as row from audit_log t where target = $1 or target = any($2::text[]) order by id', [customerId, workflowIds]);
    return { customerId, tables };
  }

  async eraseCustomer(customerId: string, pseudonym: string): Promise<ErasureCounts> {
    const params: Params = [customerId, pseudonym, encodeURIComponent(customerId), encodeURIComponent(pseudonym)];
    return this.db.transaction(async (tx) => {
      const counts: ErasureCounts = { deleted: {}, anonymised: {}, kept: {} };
      // Counted before the rows are deleted: suppressions are found through the contact's addresses.
      counts.kept.suppressions = (await this.suppressionsOf(tx, customerId)).length;
      const reinserted = TABLES.filter((rule) => rule.erase !== 'delete' && rule.erase.reinsert);
      for (const rule of reinserted) {
        await tx.query(`create temp table erased_${rule.table} on commit drop as select * from ${rule.table} where customer_id = $1`, [customerId]);
        await tx.query(`delete from ${rule.table} where customer_id = $1`, [customerId]);
      }
      for (const rule of TABLES) {
        if (reinserted.includes(rule)) continue;
        if (rule.erase === 'delete') {
          counts.deleted[rule.table] = await count(tx, `delete from ${rule.table} where customer_id = $1 returning 1`, params);
        } else if (rule.erase.set === '') {
          counts.kept[rule.table] = await count(tx, `select 1 from ${rule.table} where customer_id = $1`, params);
        } else {
          counts.anonymised[rule.table] = await count(tx, `update ${rule.table} set ${rule.erase.set} where customer_id = $1 returning 1`, params);
        }
      }
      for (const rule of reinserted) {
        if (rule.erase === 'delete') continue;
        counts.anonymised[rule.table] = await count(tx, `update erased_${rule.table} set ${rule.erase.set} where customer_id = $1 returning 1`, params);
        await tx.query(`insert into ${rule.table} select * from erased_${rule.table}`);
        await tx.query(`drop table erased_${rule.table}`);
      }
      return counts;
    });
  }

  async workflowIdsOf(customerId: string): Promise<string[]> {
    const found = await this.db.query<{ workflow_id: string }>(
      `select workflow_id from journey_entries where customer_id = $1
       union select workflow_id from journey_runs where customer_id = $1
       union select workflow_id from messages where customer_id = $1
       order by 1`,
      [customerId],
    );
    return found.map((row) => row.workflow_id);
  }

  /** Suppressions of the customer's current addresses: email, phone and push endpoints. */
  private async suppressionsOf(db: Queryable, customerId: string): Promise<Array<Record<string, unknown>>> {
    const [contact] = await db.query<{ email: string | null; phone: string | null }>('select email, phone from contacts where customer_id = $1', [customerId]);
    const endpoints = (await db.query<{ endpoint: string }>('select endpoint from push_subscriptions where customer_id = $1', [customerId])).map((row) => row.endpoint);
    const addresses: Array<[string, string]> = [
      ...(contact?.email ? [['email', suppressionAddress('email', contact.email)] as [string, string]] : []),
      ...(contact?.phone ? [['sms', suppressionAddress('sms', contact.phone)] as [string, string]] : []),
      ...endpoints.map((endpoint): [string, string] => ['push', endpoint]),
    ];
    if (addresses.length === 0) return [];
    return rows(
      db,
      `select to_jsonb(s) as row from suppressions s
       join unnest($1::text[], $2::text[]) as a(channel, address) on s.channel = a.channel and s.address = a.address
       order by s.channel, s.address`,
      [addresses.map(([channel]) => channel), addresses.map(([, address]) => address)],
    );
  }
}

async function rows(db: Queryable, sql: string, params: unknown[]): Promise<Array<Record<string, unknown>>> {
  return (await db.query<{ row: Record<string, unknown> }>(sql, params)).map((r) => r.row);
}

async function count(db: Queryable, sql: string, params: readonly unknown[]): Promise<number> {
  // PostgreSQL refuses parameters a statement does not use: pass $1 … $n, n the highest it names.
  const used = Math.max(0, ...[...sql.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])));
  const [row] = await db.query<{ n: number }>(`with affected as (${sql}) select count(*)::int as n from affected`, params.slice(0, used));
  return Number(row?.n ?? 0);
}
