// A journey report counts a run as entered once: trigger events handed to a run already in progress
// (entry `always`) are no new entries, through the real router, a real Temporal dev server and both
// engines, read from the rollups and from the rows; migration 10 corrects the entries stored before.
import { createRouter, type Router } from '../../routing';
import type { Db } from '../../store/db';
import { migrate, MIGRATIONS } from '../../store/migrations';
import { compactReportRollups, journeyReport } from '../../store/sql-reports';
import type { JourneyReport } from '../../analytics/types';
import { STORE_KINDS } from '../support/db';
import { startTestTemporal, type TestTemporal } from '../support/temporal';
import { openAnalyticsDb, type AnalyticsDb } from '../store/analytics-db';
import { snapshotOf, sendStep } from '../routing/fixtures';

const CART = snapshotOf(
  {
    id: 'cart',
    name: 'Abandoned cart',
    trigger: { event: 'cart.updated' },
    entry: { reentry: 'always' },
    goal: 'order.completed',
    steps: [{ id: 'wait', wait_for: { event: 'order.completed', timeout: '4h' } }, sendStep('reminder')],
  },
  'v1',
);

const WHOLE_DAYS = { since: '2026-11-01T00:00:00.000Z', until: '2026-11-08T00:00:00.000Z' };
const RAGGED = { since: '2026-11-02T09:30:00.000Z', until: '2026-11-02T14:45:00.000Z' };

/** The report over `range` from the rollups and from the rows; both must agree. */
async function report(db: Db, range: { since: string; until: string; version?: string }): Promise<JourneyReport> {
  const query = { journeyId: 'cart', ...range };
  const rolled = await journeyReport(db, query, CART.journey);
  const live = await journeyReport(db, query, CART.journey, { live: true });
  expect({ ...rolled, generatedAt: 0, tookMs: 0 }).toEqual({ ...live, generatedAt: 0, tookMs: 0 });
  return rolled;
}

let temporal: TestTemporal;
beforeAll(async () => {
  temporal = await startTestTemporal();
});
afterAll(() => temporal?.stop());

describe.each(STORE_KINDS)('entries on %s', (kind) => {
  let rdb: AnalyticsDb;
  let router: Router;
  let counter = 0;
  const route = async (customerId: string, event: string, timestamp: string) => {
    counter += 1;
    const logged = await rdb.store.recordEvent({ messageId: `${kind}-m${counter}`, type: 'track', customerId, event, properties: {}, traits: {}, timestamp, receivedAt: timestamp });
    return router.route(logged.event);
  };

  beforeAll(async () => {
    rdb = await openAnalyticsDb(kind);
    // No worker polls: started runs stay open, so later triggers reach the running run.
    router = createRouter({ client: temporal.client, store: rdb.store, journeys: [CART], taskQueue: `entries-${kind}` });
  });
  afterAll(() => rdb?.dispose());

  test('three cart.updated for one customer are one run entered, and conversion is over runs', async () => {
    const customer = `${kind}-ada`;
    const workflowId = `journey/cart/${customer}`;
    const actions = [];
    for (const at of ['2026-11-02T10:00:00.000Z', '2026-11-02T10:05:00.000Z', '2026-11-02T10:10:00.000Z']) {
      actions.push((await route(customer, 'cart.updated', at)).runs.map((r) => r.action));
    }
    expect(actions).toEqual([['started'], ['signalled'], ['signalled']]);
    // The three entries stay recorded for the entry policy.
    const [rows] = await rdb.db.query<{ n: number }>('select count(*)::int as n from journey_entries where customer_id = $1', [customer]);
    expect(rows!.n).toBe(3);

    for (const range of [WHOLE_DAYS, RAGGED]) {
      const r = await report(rdb.db, range);
      expect({ entered: r.entered, overTime: r.overTime.find((b) => b.bucket === '2026-11-02')?.entered }).toEqual({ entered: 1, overTime: 1 });
    }

    // The run converts (as its end-of-run progress report records it): 1 of 1, not 1 of 3.
    const { runId } = await temporal.client.workflow.getHandle(workflowId).describe();
    await rdb.store.recordRunProgress({
      run: { workflowId, runId, journeyId: 'cart', journeyVersion: 'v1', customerId: customer },
      steps: [],
      ending: { status: 'converted', reason: 'goal order.completed', at: '2026-11-02T11:00:00.000Z' },
    });
    expect((await report(rdb.db, WHOLE_DAYS)).conversions).toEqual({ count: 1, of: 1, rate: 1 });

    // Once the run has closed, the next trigger starts a new run: a second entry.
    await temporal.client.workflow.getHandle(workflowId).terminate('test: the run ended');
    expect((await route(customer, 'cart.updated', '2026-11-02T12:00:00.000Z')).runs.map((r) => r.action)).toEqual(['started']);
    const after = await report(rdb.db, WHOLE_DAYS);
    expect({ entered: after.entered, conversions: after.conversions }).toEqual({ entered: 2, conversions: { count: 1, of: 2, rate: 0.5 } });
  });

  test('migration 10 counts the entries stored before it once per run, in the rollups too', async () => {
    const old = await openAnalyticsDb(kind);
    try {
      const db = old.db;
      await db.query('drop schema public cascade');
      await db.query('create schema public');
      await migrate(db, MIGRATIONS.filter((m) => m.id < 10));
      const entry = (customer: string, at: string, version = 'v1') =>
        db.query(
          `insert into journey_entries (journey_id, customer_id, entry_key, workflow_id, trigger_message_id, entered_at, journey_version)
           values ('cart', $1, '', $2, $3, $4, $5)`,
          [customer, `journey/cart/${customer}`, `t-${customer}-${at}`, at, version],
        );
      const ended = (customer: string, at: string) =>
        db.query(
          `insert into journey_runs (run_id, workflow_id, journey_id, journey_version, customer_id, status, end_reason, ended_at)
           values ($1, $2, 'cart', 'v1', $3, 'converted', 'goal order.completed', $4)`,
          [`run-${customer}-${at}`, `journey/cart/${customer}`, customer, at],
        );
      // ada: three triggers into one run that never ended. bob: a run ended at 11:00, then a new run at 12:00
      // that got another trigger at 12:30 (2 runs). cy: two triggers into one run (4 runs).
      for (const at of ['10:00', '10:05', '10:10']) await entry('ada', `2026-11-02T${at}:00.000Z`);
      await entry('bob', '2026-11-02T10:00:00.000Z');
      await ended('bob', '2026-11-02T11:00:00.000Z');
      await entry('bob', '2026-11-02T12:00:00.000Z');
      await entry('bob', '2026-11-02T12:30:00.000Z', 'v2');
      await entry('cy', '2026-11-03T09:00:00.000Z');
      await compactReportRollups(db); // some counts folded already, some pending
      await entry('cy', '2026-11-03T09:10:00.000Z');

      expect(await migrate(db)).toEqual(MIGRATIONS.map((m) => m.id).filter((id) => id >= 10));
      const [pending] = await db.query<{ n: number }>(`select count(*)::int as n from report_rollup_changes where family = 'entries'`);
      expect(pending!.n).toBeGreaterThan(0);
      const r = await report(db, WHOLE_DAYS);
      expect({ entered: r.entered, conversions: r.conversions }).toEqual({ entered: 4, conversions: { count: 1, of: 4, rate: 0.25 } });
      expect(r.overTime.filter((b) => b.entered > 0).map((b) => [b.bucket, b.entered])).toEqual([['2026-11-02', 3], ['2026-11-03', 1]]);
      expect((await report(db, RAGGED)).entered).toBe(3);
      // Later updates of marked rows keep the rollups right: bob's two runs move to v3, his joined trigger is no entry there either.
      await db.query(`update journey_entries set customer_id = 'erased', journey_version = 'v3' where customer_id = 'bob'`);
      expect((await report(db, WHOLE_DAYS)).entered).toBe(4);
      expect((await report(db, { ...WHOLE_DAYS, version: 'v3' })).entered).toBe(2);
    } finally {
      await old.dispose();
    }
  });
});
