// Fresh databases for tests: an in-memory PGlite, or a new PostgreSQL database created on the
// local server (TEST_DATABASE_URL overrides the admin URL) and dropped again by dispose().
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { Client } from 'pg';
import { openStore } from '../../store';
import type { Store } from '../../store/types';

export type TestStoreKind = 'pglite' | 'postgres';

/** Both engines, for `describe.each(STORE_KINDS)`. */
export const STORE_KINDS: readonly TestStoreKind[] = ['pglite', 'postgres'];

export interface TestStore {
  store: Store;
  /** Set for PostgreSQL: the URL of the fresh database (for a child process's DATABASE_URL). */
  databaseUrl?: string;
  /** Close the store and, for PostgreSQL, drop its database. */
  dispose(): Promise<void>;
}

export interface TestDatabase {
  databaseUrl: string;
  /** Drop the database (closing whatever is still connected). */
  dispose(): Promise<void>;
}

/** The admin connection used to create and drop test databases. */
export function adminDatabaseUrl(): string {
  return process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
}

/** An empty PostgreSQL database `touchpoint_test_<random>` (no schema: openStore migrates it). */
export async function createTestDatabase(): Promise<TestDatabase> {
  const admin = adminDatabaseUrl();
  const name = `touchpoint_test_${randomBytes(6).toString('hex')}`;
  await withAdmin(admin, (client) => client.query(`create database ${name}`));
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    databaseUrl: url.toString(),
    dispose: () => withAdmin(admin, (client) => client.query(`drop database if exists ${name} with (force)`)).then(() => undefined),
  };
}

/** A migrated, empty store on the given engine. */
export async function createTestStore(kind: TestStoreKind): Promise<TestStore> {
  if (kind === 'pglite') {
    const store = await openStore({ dataDir: tmpdir(), inMemory: true });
    return { store, dispose: () => store.close() };
  }
  const database = await createTestDatabase();
  try {
    const store = await openStore({ databaseUrl: database.databaseUrl, dataDir: tmpdir() });
    return {
      store,
      databaseUrl: database.databaseUrl,
      async dispose() {
        await store.close();
        await database.dispose();
      },
    };
  } catch (error) {
    await database.dispose();
    throw error;
  }
}

async function withAdmin<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `Tests need PostgreSQL at ${url} (set TEST_DATABASE_URL to another admin URL): ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
