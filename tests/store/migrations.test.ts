// Migrations run at open, once: re-opening or racing openers never re-apply or fail.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../store';
import { MIGRATIONS, migrate } from '../../store/migrations';
import { openPgDb } from '../../store/pg-db';
import { createTestDatabase, type TestDatabase } from '../support/db';

describe('migrations on PostgreSQL', () => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase();
  });
  afterEach(() => database.dispose());

  test('two processes opening the same empty database at once both succeed and apply each migration once', async () => {
    const [a, b] = await Promise.all([
      openStore({ databaseUrl: database.databaseUrl, dataDir: tmpdir() }),
      openStore({ databaseUrl: database.databaseUrl, dataDir: tmpdir() }),
    ]);
    await a.close();
    await b.close();
    const db = openPgDb(database.databaseUrl);
    try {
      const rows = await db.query<{ id: number }>('select id from schema_migrations order by id');
      expect(rows.map((r) => r.id)).toEqual(MIGRATIONS.map((m) => m.id));
      expect(await migrate(db)).toEqual([]);
    } finally {
      await db.close();
    }
  });

  test('migration 2 keeps messages logged before it: marketing, their sent time taken from their last update', async () => {
    const db = openPgDb(database.databaseUrl);
    try {
      const first = MIGRATIONS.filter((m) => m.id === 1);
      expect(await migrate(db, first)).toEqual([1]);
      await db.query(
        `insert into messages (message_key, workflow_id, run_id, journey_id, journey_version, step_id, customer_id, channel,
           template, template_version, status, reason, updated_at)
         values ('k1', 'wf', 'r', 'j', 'v', 's', 'c1', 'email', 't', 'h', 'done', 'sent', '2024-05-01T10:00:00Z')`,
      );
      expect(await migrate(db)).toEqual(MIGRATIONS.filter((m) => m.id > 1).map((m) => m.id));
    } finally {
      await db.close();
    }
    const store = await openStore({ databaseUrl: database.databaseUrl, dataDir: tmpdir() });
    try {
      expect(await store.getMessage('k1')).toMatchObject({ category: 'marketing', triggerId: null, sentAt: '2024-05-01T10:00:00.000Z', status: 'done' });
      expect(await store.countSent({ customerId: 'c1', channel: 'email', category: 'marketing', since: '2024-04-01T00:00:00Z' })).toBe(1);
    } finally {
      await store.close();
    }
  });

  test('a database that cannot be reached fails with a message naming it without the password', async () => {
    const url = new URL(database.databaseUrl);
    url.pathname = '/touchpoint_test_does_not_exist';
    url.password = 'secret-pw';
    const attempt = openStore({ databaseUrl: url.toString(), dataDir: tmpdir() });
    await expect(attempt).rejects.toThrow(/^Could not open the database \(PostgreSQL at \S*touchpoint_test_does_not_exist \(DATABASE_URL\)\): /);
    await expect(attempt).rejects.not.toThrow('secret-pw');
  });
});

describe('migrations on PGlite', () => {
  test('a PGlite data directory re-opens with its data and nothing re-applied', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'touchpoint-pglite-'));
    try {
      const first = await openStore({ dataDir });
      expect(first.kind).toBe('pglite');
      await first.upsertContact({ customerId: 'c1', traits: { email: 'a@example.com' }, at: '2024-01-01T00:00:00Z' });
      await first.close();
      const second = await openStore({ dataDir });
      expect((await second.getContact('c1'))?.email).toBe('a@example.com');
      await second.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
