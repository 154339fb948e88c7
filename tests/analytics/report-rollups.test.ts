// The report read from the daily rollups (store/report-rollups.ts, kept by triggers) equals the report
// counted from the rows themselves, on both engines: after inserts, after updates that move a row
// from one group to another (deferred → sent, first open, SMS delivered, an answer's comment, a run
// converting after its split), after deletes, with changes pending or compacted, for whole-day and
// ragged ranges (whole days, whole hours and minutes), by day and by week, for one version and all. Also: rows written before migration 7
// are rolled up by it.
import type { JourneyReport } from '../../analytics/types';
import type { Db } from '../../store/db';
import { migrate, MIGRATIONS } from '../../store/migrations';
import { compactReportRollups, journeyReport } from '../../store/sql-reports';
import { STORE_KINDS } from '../support/db';
import { openAnalyticsDb, type AnalyticsDb } from '../store/analytics-db';
import { answer, ending, entry, JOURNEY_ID, message, SNAPSHOT, step } from './fixture';

/** mulberry32: the same rows every run. */
function seeded(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T,>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]! };
}

const RANGES = [
  { since: '2026-11-01', until: '2026-11-15' },
  { since: '2026-11-01T13:37:00Z', until: '2026-11-14T09:05:00Z' },
  { since: '2026-11-03T01:00:00Z', until: '2026-11-03T23:00:00Z' },
  { since: '2026-11-03T12:00:00Z', until: '2026-11-04T12:00:00Z' },
  { since: '2026-11-02T06:00:00Z', until: '2026-11-13T18:00:00Z', bucket: 'week' as const },
  { since: '2026-10-30', until: '2026-11-16', version: 'v2' },
  { since: '2026-11-05T10:10:00Z', until: '2026-11-05T10:50:00Z' },
  { since: '2026-11-05T10:50:00Z', until: '2026-11-06T11:20:00Z', bucket: 'week' as const },
  { since: '2026-11-05T22:59:59.999Z', until: '2026-11-08T00:00:00.001Z' },
];

/** ~600 rows of every kind over two weeks in November 2026, two versions, and a few rows of another journey. */
async function seedRandom(db: Db, seed: number, prefix: string): Promise<string[]> {
  const random = seeded(seed);
  const at = () => `2026-11-${String(1 + random.int(14)).padStart(2, '0')}T${String(random.int(24)).padStart(2, '0')}:${String(random.int(60)).padStart(2, '0')}:00.000Z`;
  const keys: string[] = [];
  for (let i = 0; i < 40; i++) {
    const run = `${prefix}r${i}`;
    const version = random.pick(['v1', 'v1', 'v2']);
    await entry(db, `${prefix}c${i}`, at(), random.pick([version, null]));
    await step(db, run, 'offer', 'split', random.pick(['control', 'discount']), at(), { version });
    if (random.next() < 0.3) await step(db, run, 'offer', 'split', 'discount', at(), { version, visit: 2 });
    await step(db, run, 'wait_review', 'wait_for', random.pick(['event', 'timeout']), at(), { version });
    if (random.next() < 0.7) await ending(db, run, random.pick(['completed', 'exited', 'converted'] as const), random.pick(['finished', 'exit_on order.refunded']), at(), version);
    for (let m = 0; m < 6; m++) {
      const key = `${prefix}m${i}-${m}`;
      const channel = random.pick(['email', 'sms', 'push'] as const);
      await message(db, {
        key, step: random.pick(['thanks', 'ask_nps', 'coupon']), template: random.pick(['thanks', 'nps-email']), channel,
        reason: random.pick([null, 'sent', 'sent', 'deferred:quiet_hours', 'skipped:unsubscribed']), at: at(), version,
        delivery: channel === 'sms' ? random.pick([undefined, 'delivered', 'undelivered']) : undefined,
        opens: random.pick([0, 0, 1, 3]), proxiedOpens: random.pick([0, 1]), clicks: random.pick([0, 0, 2]),
      });
      keys.push(key);
      if (random.next() < 0.25) {
        await answer(db, key, 'ask_nps', random.pick(['nps', 'csat']), random.int(11), at(), random.pick([null, '', 'great', 'awful service']), random.pick([null, -0.8, 0, 0.05, 0.9]));
      }
    }
  }
  // Another journey's rows never show in this one's report.
  await entry(db, `${prefix}other`, at(), 'v1', 'other');
  await step(db, `${prefix}other-run`, 'offer', 'split', 'control', at(), { journeyId: 'other' });
  return keys;
}

/** Updates and deletes that move rows between groups, as sends, engagement, answers, endings and erasure do. */
async function mutate(db: Db, seed: number, prefix: string, keys: string[]): Promise<void> {
  const random = seeded(seed);
  for (const key of keys) {
    const roll = random.next();
    if (roll < 0.15) await db.query(`update messages set reason = 'sent', status = 'done' where message_key = $1`, [key]);
    else if (roll < 0.3) await db.query('update messages set open_count = open_count + 1, click_count = click_count + $2 where message_key = $1', [key, random.int(2)]);
    else if (roll < 0.35) await db.query(`update messages set delivery_status = 'delivered' where message_key = $1`, [key]);
    else if (roll < 0.4) await db.query('update messages set attempts = attempts + 1 where message_key = $1', [key]);
    else if (roll < 0.45) await db.query('delete from messages where message_key = $1', [key]);
  }
  await db.query(`update survey_responses set comment = 'changed my mind, terrible', sentiment_score = -0.9, score = 2 where message_key like $1 || '%1-%'`, [prefix]);
  await db.query(`update journey_runs set status = 'converted', end_reason = 'goal' where run_id like $1 || '%' and status = 'exited'`, [prefix]);
  for (let i = 0; i < 40; i++) if (random.next() < 0.3) await ending(db, `${prefix}late${i}`, 'converted', 'goal', '2026-11-10T10:00:00.000Z');
  await db.query('delete from journey_runs where run_id = $1', [`${prefix}r3`]);
  await db.query('delete from run_steps where run_id = $1', [`${prefix}r5`]);
  await db.query('delete from survey_responses where message_key in (select message_key from survey_responses where message_key like $1 || \'%\' limit 3)', [prefix]);
  await db.query('delete from journey_entries where customer_id = $1', [`${prefix}c7`]);
}

/** Everything but the timing, which differs by construction. */
const comparable = (report: JourneyReport) => ({ ...report, generatedAt: undefined, tookMs: undefined });

async function expectRollupsMatchRows(db: Db, label: string): Promise<void> {
  for (const range of RANGES) {
    const query = { journeyId: JOURNEY_ID, ...range };
    const fromRows = await journeyReport(db, query, SNAPSHOT.journey, { live: true });
    const fromRollups = await journeyReport(db, query, SNAPSHOT.journey);
    expect({ label, range, report: comparable(fromRollups) }).toEqual({ label, range, report: comparable(fromRows) });
  }
}

describe.each(STORE_KINDS)('report rollups on %s', (kind) => {
  let rdb: AnalyticsDb;
  beforeAll(async () => {
    rdb = await openAnalyticsDb(kind);
  });
  afterAll(() => rdb?.dispose());

  test('equal the live counts after inserts, moves and deletes, pending or compacted', async () => {
    const keys = await seedRandom(rdb.db, 7, 'a');
    const before = await journeyReport(rdb.db, { journeyId: JOURNEY_ID, since: '2026-11-01', until: '2026-11-15' }, SNAPSHOT.journey, { live: true });
    expect(before.entered).toBeGreaterThan(30); // the seed produced rows in range
    await expectRollupsMatchRows(rdb.db, 'after inserts');
    await mutate(rdb.db, 11, 'a', keys);
    // Changes pending (not yet compacted): the ragged range reads rollups + pending changes + edge rows.
    const [pending] = await rdb.db.query<{ n: string }>('select count(*)::text as n from report_rollup_changes');
    expect(Number(pending!.n)).toBeGreaterThan(0);
    await expectRollupsMatchRows(rdb.db, 'after moves and deletes');
    const [left] = await rdb.db.query<{ n: string }>('select count(*)::text as n from report_rollup_changes');
    expect(Number(left!.n)).toBe(0); // reports compacted them
    // No group whose counts all came back to zero is kept.
    const [zero] = await rdb.db.query<{ n: string }>('select count(*)::text as n from report_rollup where n1 = 0 and n2 = 0 and n3 = 0 and n4 = 0 and n5 = 0');
    expect(zero!.n).toBe('0');
  });

  test('compactions racing each other and writers lose and double nothing', async () => {
    const keys = await seedRandom(rdb.db, 21, 'b');
    await Promise.all([
      compactReportRollups(rdb.db),
      mutate(rdb.db, 23, 'b', keys),
      compactReportRollups(rdb.db),
      seedRandom(rdb.db, 29, 'c'),
      compactReportRollups(rdb.db),
    ]);
    await expectRollupsMatchRows(rdb.db, 'after racing compactions');
  });
});

describe('migration 7', () => {
  test('rolls up the rows written before it', async () => {
    const rdb = await openAnalyticsDb('pglite');
    try {
      // A fresh database at migration 6, rows written, then migration 7.
      const db = rdb.db;
      await db.query('drop schema public cascade');
      await db.query('create schema public');
      await migrate(db, MIGRATIONS.filter((m) => m.id < 7));
      const keys = await seedRandom(db, 3, 'p');
      await mutate(db, 5, 'p', keys);
      expect(await migrate(db)).toEqual(MIGRATIONS.map((m) => m.id).filter((id) => id >= 7));
      await expectRollupsMatchRows(db, 'after migration 7');
    } finally {
      await rdb.dispose();
    }
  });
});
