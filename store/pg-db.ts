// The Db seam over a node-postgres Pool (DATABASE_URL).
import { Pool, type PoolClient } from 'pg';
import type { Db, Queryable } from './db';

/** Open a pool on `databaseUrl`; the first query fails with the server's own message if it is unreachable. */
export function openPgDb(databaseUrl: string): Db {
  const pool = new Pool({ connectionString: databaseUrl, max: 10 });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  const on = (client: Pool | PoolClient): Queryable => ({
    async query<T>(sql: string, params: unknown[] = []) {
      const result = await client.query(sql, params);
      return result.rows as T[];
    },
  });
  return {
    kind: 'postgres',
    query: (sql, params) => on(pool).query(sql, params),
    async transaction(fn) {
      const client = await pool.connect();
      // A checked-out client has no pool listener: a server restart (57P01) while this transaction waits between
      // queries would emit 'error' unheard and crash the process. Note it; the next query fails and the caller retries.
      let lost: Error | undefined;
      const onError = (error: Error) => {
        lost = error;
      };
      client.on('error', onError);
      try {
        await client.query('begin');
        const result = await fn(on(client));
        await client.query('commit');
        return result;
      } catch (error) {
        await client.query('rollback').catch(() => undefined);
        throw error;
      } finally {
        client.off('error', onError);
        // A client whose connection was lost is destroyed, not returned to the pool.
        client.release(lost);
      }
    },
    close: () => pool.end(),
  };
}
