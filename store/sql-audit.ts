// The support audit log in SQL: append-only rows of who did what to which target, and why.
import type { Queryable } from './db';
import { toAudit, type DbRow } from './rows';
import type { AuditRecord } from './types';

/** Most entries one listAudit call returns, whatever limit is asked. */
const MAX_AUDIT_LIMIT = 1000;

export class SqlAudit {
  constructor(private readonly db: Queryable) {}

  async append(entry: Omit<AuditRecord, 'id'>): Promise<AuditRecord> {
    const rows = await this.db.query<DbRow>(
      'insert into audit_log (at, actor, action, target, reason) values ($1, $2, $3, $4, $5) returning *',
      [entry.at, entry.actor, entry.action, entry.target, entry.reason],
    );
    if (!rows[0]) throw new Error(`store: audit entry for ${entry.target} not returned`);
    return toAudit(rows[0]);
  }

  async list(filter: { target?: string; limit?: number }): Promise<AuditRecord[]> {
    const limit = Math.min(Math.max(1, Math.floor(filter.limit ?? 100)), MAX_AUDIT_LIMIT);
    const rows = filter.target === undefined
      ? await this.db.query<DbRow>('select * from audit_log order by id desc limit $1', [limit])
      : await this.db.query<DbRow>('select * from audit_log where target = $1 order by id desc limit $2', [filter.target, limit]);
    return rows.map(toAudit);
  }
}
