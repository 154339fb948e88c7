// Opening the store: PostgreSQL when DATABASE_URL is set, else PGlite under the data dir;
// migrations run before the store is handed out.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Db } from './db';
import { migrate } from './migrations';
import { openPgDb } from './pg-db';
import { openPgliteDb } from './pglite-db';
import { SqlStore } from './sql-store';
import type { Store } from './types';

export * from './types';

export interface OpenStoreOptions {
  /** A PostgreSQL URL (DATABASE_URL). When set, PostgreSQL is used and `dataDir` is ignored. @default undefined (PGlite) */
  databaseUrl?: string;
  /** Where PGlite keeps its files: `<dataDir>/pglite` (TOUCHPOINT_DATA_DIR). */
  dataDir: string;
  /** PGlite in memory, nothing written to disk (tests). @default false */
  inMemory?: boolean;
}

/** Open the store and bring its schema up to date; throws naming the database that could not be opened. */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  let db: Db;
  if (options.databaseUrl) {
    db = openPgDb(options.databaseUrl);
  } else if (options.inMemory) {
    db = await openPgliteDb(undefined);
  } else {
    const dir = join(options.dataDir, 'pglite');
    await mkdir(dir, { recursive: true });
    db = await openPgliteDb(dir);
  }
  try {
    await migrate(db);
  } catch (error) {
    await db.close().catch(() => undefined);
    const where = options.databaseUrl ? `PostgreSQL at ${redact(options.databaseUrl)} (DATABASE_URL)` : options.inMemory ? 'in-memory PGlite' : `PGlite in ${join(options.dataDir, 'pglite')}`;
    throw new Error(`Could not open the database (${where}): ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return new SqlStore(db);
}

/** The URL without its password, for messages. */
function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'an unparseable URL';
  }
}
export { suppressionAddress } from './sql-audience';
