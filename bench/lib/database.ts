// The database of one benchmark stack: a fresh PostgreSQL database on BENCH_DATABASE_URL's
// server (dropped afterwards), or PGlite in the stack's data dir; opened again for checks.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Client as PgClient } from 'pg';
import type { Db } from '../../store/db';
import { openPgDb } from '../../store/pg-db';
import { openPgliteDb } from '../../store/pglite-db';

export interface BenchDatabase {
  /** "PGlite" or "PostgreSQL". */
  kind: string;
  /** DATABASE_URL for the stack; undefined: PGlite under the data dir. */
  url: string | undefined;
  /** Open it for queries. PGlite: only while the stack is stopped (one process owns its files). */
  open(): Promise<Db>;
  /** Drop the PostgreSQL database (PGlite's files go with the data dir). */
  drop(): Promise<void>;
}

/** A fresh database for a stack whose data dir is `dataDir`. */
export async function createBenchDatabase(dataDir: string): Promise<BenchDatabase> {
  const serverUrl = process.env.BENCH_DATABASE_URL;
  if (!serverUrl) {
    return { kind: 'PGlite', url: undefined, open: () => openPgliteDb(join(dataDir, 'pglite')), drop: async () => undefined };
  }
  const name = `touchpoint_bench_${randomBytes(4).toString('hex')}`;
  await admin(serverUrl, `CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    kind: 'PostgreSQL',
    url: url.toString(),
    open: async () => openPgDb(url.toString()),
    drop: () => admin(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

async function admin(serverUrl: string, sql: string): Promise<void> {
  const client = new PgClient({ connectionString: serverUrl });
  try {
    await client.connect();
    await client.query(sql);
  } catch (error) {
    throw new Error(`bench: ${sql} on BENCH_DATABASE_URL failed (${error instanceof Error ? error.message : String(error)}); it must name a PostgreSQL server where this user may create databases`);
  } finally {
    await client.end().catch(() => undefined);
  }
}
