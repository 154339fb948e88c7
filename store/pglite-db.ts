// The Db seam over PGlite: Postgres in WASM, embedded, one connection per process.
import { createPglite } from './pglite-module';
import type { Db, Queryable } from './db';

/**
 * Open PGlite persisted under `dataDir`, or in memory when `dataDir` is undefined.
 * PGlite owns its directory: only one process may open it at a time.
 */
export async function openPgliteDb(dataDir: string | undefined): Promise<Db> {
  const pg = await createPglite(dataDir);
  return {
    kind: 'pglite',
    async query<T>(sql: string, params: unknown[] = []) {
      const result = await pg.query<T>(sql, params);
      return result.rows;
    },
    transaction: (fn) =>
      pg.transaction((tx) =>
        fn({
          async query<T>(sql: string, params: unknown[] = []) {
            const result = await tx.query<T>(sql, params);
            return result.rows;
          },
        } satisfies Queryable),
      ),
    close: () => pg.close(),
  };
}
