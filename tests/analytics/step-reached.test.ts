// A step's "reached" counts the runs that reached it: those that finished it, those still waiting in
// it and those cut short there (exit_on), through real runs on a Temporal dev server with a worker
// and the real activities, on both engines, read from the rollups and from the rows.
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import type { JourneyReport } from '../../analytics/types';
import { createRouter, type Router } from '../../routing';
import type { Db } from '../../store/db';
import { journeyReport } from '../../store/sql-reports';
import { createWorker } from '../../worker';
import { STORE_KINDS } from '../support/db';
import { startTestTemporal, type TestTemporal } from '../support/temporal';
import { openAnalyticsDb, type AnalyticsDb } from '../store/analytics-db';
import { snapshotOf } from '../routing/fixtures';

const REVIEW = snapshotOf(
  {
    id: 'review',
    name: 'Review request',
    trigger: { event: 'order.delivered' },
    exit_on: ['order.refunded'],
    steps: [
      { id: 'wait_review', wait_for: { event: 'review.left', timeout: '3d' } },
      { id: 'pause', wait: '1d' },
    ],
  },
  'v1',
);

let temporal: TestTemporal;
let bundle: Awaited<ReturnType<typeof bundleWorkflowCode>>;
beforeAll(async () => {
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } } });
  } catch {
    // Installed by an earlier test file in this jest worker.
  }
  [temporal, bundle] = await Promise.all([
    startTestTemporal(),
    bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: new DefaultLogger('ERROR') }),
  ]);
}, 180_000);
afterAll(() => temporal?.stop());

async function bothWays(db: Db): Promise<JourneyReport> {
  const query = { journeyId: 'review', since: new Date(Date.now() - 86_400_000).toISOString(), until: new Date(Date.now() + 86_400_000).toISOString() };
  const rolled = await journeyReport(db, query, REVIEW.journey);
  const live = await journeyReport(db, query, REVIEW.journey, { live: true });
  expect({ ...rolled, generatedAt: 0, tookMs: 0 }).toEqual({ ...live, generatedAt: 0, tookMs: 0 });
  return rolled;
}

describe.each(STORE_KINDS)('step reached on %s', (kind) => {
  let rdb: AnalyticsDb;
  let native: NativeConnection;
  let worker: Worker;
  let running: Promise<void>;
  let router: Router;
  let counter = 0;
  const route = async (customerId: string, event: string) => {
    counter += 1;
    const logged = await rdb.store.recordEvent({ messageId: `${kind}-r${counter}`, type: 'track', customerId, event, properties: {}, traits: {}, timestamp: new Date().toISOString() });
    return router.route(logged.event);
  };
  /** Poll until the run_steps rows of the customer's run are `expected` ("step:result", sorted). */
  const rowsOf = async (customer: string, expected: string[]) => {
    let rows: string[] = [];
    for (let i = 0; i < 150; i++) {
      rows = (await rdb.db.query<{ s: string }>(`select step_id || ':' || result as s from run_steps where customer_id = $1 order by 1`, [customer])).map((r) => r.s);
      if (JSON.stringify(rows) === JSON.stringify(expected)) return rows;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return rows;
  };

  beforeAll(async () => {
    rdb = await openAnalyticsDb(kind);
    const taskQueue = `reached-${kind}-${process.pid}`;
    router = createRouter({ client: temporal.client, store: rdb.store, journeys: [REVIEW], taskQueue });
    native = await NativeConnection.connect({ address: temporal.server.address });
    worker = await createWorker({ connection: native, namespace: temporal.namespace, taskQueue, workflowBundle: bundle, activities: createActivities({ store: rdb.store, email: null, defaultTimezone: 'UTC' }) });
    running = worker.run();
  }, 120_000);
  afterAll(async () => {
    if (worker?.getState() === 'RUNNING') worker.shutdown();
    await running;
    await native?.close();
    await rdb?.dispose();
  });

  test('counts runs waiting in a step and runs cut short there, and says which', async () => {
    const [waiting, refunded, reviewed] = [`${kind}-waiting`, `${kind}-refunded`, `${kind}-reviewed`] as const;
    for (const customer of [waiting, refunded, reviewed]) expect((await route(customer, 'order.delivered')).runs[0]?.action).toBe('started');
    for (const customer of [waiting, refunded, reviewed]) expect(await rowsOf(customer, ['wait_review:waiting'])).toEqual(['wait_review:waiting']);
    expect((await route(refunded, 'order.refunded')).runs[0]?.action).toBe('signalled');
    expect((await route(reviewed, 'review.left')).runs[0]?.action).toBe('signalled');
    expect(await rowsOf(refunded, ['wait_review:interrupted'])).toEqual(['wait_review:interrupted']);
    expect(await rowsOf(reviewed, ['pause:waiting', 'wait_review:event'])).toEqual(['pause:waiting', 'wait_review:event']);

    const report = await bothWays(rdb.db);
    expect(report.steps).toEqual([
      { stepId: 'wait_review', kind: 'wait_for', reached: 3, results: { event: 1, interrupted: 1, waiting: 1 } },
      { stepId: 'pause', kind: 'wait', reached: 1, results: { waiting: 1 } },
    ]);
    expect(report).toMatchObject({ entered: 3, ended: { exited: 1, completed: 0, converted: 0 } });
  }, 120_000);
});
