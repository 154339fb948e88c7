// A store with its database at hand, for tests of rows the store writes but has no reader for
// (run_steps and journey_runs: reports aggregate them).
import type { Db } from '../../store/db';
import { migrate } from '../../store/migrations';
import { openPgDb } from '../../store/pg-db';
import { openPgliteDb } from '../../store/pglite-db';
import { SqlStore } from '../../store/sql-store';
import type { Store } from '../../store/types';
import { createTestDatabase, type TestStoreKind } from '../support/db';

export interface AnalyticsDb {
  db: Db;
  store: Store;
  dispose(): Promise<void>;
}

/** A migrated, empty database on the given engine and the store on it. */
export async function openAnalyticsDb(kind: TestStoreKind): Promise<AnalyticsDb> {
  if (kind === 'pglite') {
    const db = await openPgliteDb(undefined);
    await migrate(db);
    return { db, store: new SqlStore(db), dispose: () => db.close() };
  }
  const database = await createTestDatabase();
  const db = openPgDb(database.databaseUrl);
  await migrate(db);
  return {
    db,
    store: new SqlStore(db),
    async dispose() {
      await db.close();
      await database.dispose();
    },
  };
}

/** The run_steps rows (by step and visit) and the journey_runs row of one run. */
export async function analyticsRows(db: Db, runId: string) {
  const steps = await db.query<Record<string, unknown>>(
    'select step_id, visit, kind, result, outcome, journey_version, customer_id from run_steps where run_id = $1 order by step_id, visit',
    [runId],
  );
  const runs = await db.query<Record<string, unknown>>(
    `select status, end_reason, to_char(ended_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as ended_at, journey_id
     from journey_runs where run_id = $1`,
    [runId],
  );
  return { steps, runs };
}
