// The routing backlog on a real dev server and a real store: with Temporal stopped, ingest logs
// events and answers them `pending` without waiting (after the first 3 s deadline); once a dev
// server answers on the same port again, the drainer routes each customer's events in order and
// starts each run once.
import { Client, Connection } from '@temporalio/client';
import { ingestBatch } from '../../api/ingest';
import { createRouter } from '../../routing';
import { createRoutingBacklog, type RoutingBacklog } from '../../routing/backlog';
import { startDevServer, type DevServer } from '../../runtime/dev-server';
import type { LoggedEventInput } from '../../store/types';
import { temporalCliPath } from '../../temporal/binaries';
import { withTemporalDeadline } from '../../temporal/unavailable';
import { createTestStore, type TestStore } from '../support/db';
import { sendStep, snapshotOf } from './fixtures';

const journeys = [
  snapshotOf({ id: 'welcome', name: 'Welcome', trigger: { event: 'user.signed_up' }, steps: [sendStep('hello')] }),
  snapshotOf({ id: 'orders', name: 'Orders', trigger: { event: 'order.completed' }, entry: { key: 'properties.order_id', reentry: 'always' }, steps: [sendStep('thanks')] }),
];
const cliPath = temporalCliPath(process.env.TEMPORAL_CLI_PATH);

describe('the routing backlog', () => {
  let db: TestStore;
  let server: DevServer | undefined;
  let connection: Connection;
  let backlog: RoutingBacklog;
  const lines: string[] = [];
  afterAll(async () => {
    await backlog?.stop();
    await connection?.close();
    await server?.stop();
    await db?.dispose();
  });

  test('events logged while Temporal is down are answered pending at once and routed in order, once, when it is back', async () => {
    db = await createTestStore('pglite');
    server = await startDevServer({ cliPath, uiPort: false });
    const port = Number(server.address.split(':')[1]);
    connection = await Connection.connect({ address: server.address });
    const client = new Client({ connection });
    const router = createRouter({ client, store: db.store, journeys, taskQueue: 'backlog-test' });
    backlog = createRoutingBacklog({
      store: db.store,
      router,
      probe: () => withTemporalDeadline(connection, 1_000, () => connection.healthService.check({})),
      log: (line) => lines.push(line),
      initialBackoffMs: 200,
      maxBackoffMs: 1_000,
    });
    await backlog.start();
    const deps = { store: db.store, router, backlog };
    const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
    const track = (messageId: string, customerId: string, event: string, s: number, properties: Record<string, unknown> = {}): LoggedEventInput => ({
      messageId, type: 'track', customerId, event, properties, traits: {}, timestamp: at(s), receivedAt: at(s),
    });

    // Up: routed at once.
    const [up] = await ingestBatch(deps, [track('m-0', 'ann', 'user.signed_up', 0)]);
    expect(up).toEqual({ messageId: 'm-0', duplicate: false, runs: [expect.objectContaining({ action: 'started' })] });

    await server.stop();
    server = undefined;
    let started = Date.now();
    // Ann's order (in a batch with Bob's sign-up), then Ann's second order, then Bob's order.
    const first = await ingestBatch(deps, [track('m-1', 'ann', 'order.completed', 1, { order_id: 'o-1' }), track('m-2', 'bob', 'user.signed_up', 2)]);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(first).toEqual([
      { messageId: 'm-1', duplicate: false, runs: [], pending: true },
      { messageId: 'm-2', duplicate: false, runs: [], pending: true },
    ]);
    started = Date.now();
    const rest = await ingestBatch(deps, [track('m-3', 'ann', 'order.completed', 3, { order_id: 'o-2' }), track('m-4', 'bob', 'order.completed', 4, { order_id: 'o-3' })]);
    // Temporal is known down now: no waiting at all.
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(rest.every((r) => r.pending === true)).toBe(true);
    // A resend while pending: pending again, nothing doubled later.
    expect(await ingestBatch(deps, [track('m-1', 'ann', 'order.completed', 1, { order_id: 'o-1' })])).toEqual([{ messageId: 'm-1', duplicate: false, runs: [], pending: true }]);
    expect(backlog.status()).toEqual({ temporal: 'unreachable', waiting: 2 });

    server = await startDevServer({ cliPath, uiPort: false, port });
    await backlog.idle();
    expect(backlog.status()).toEqual({ temporal: 'reachable', waiting: 0 });
    expect(lines.some((line) => line.includes('Temporal is reachable again'))).toBe(true);

    // recordEvent of a logged messageId answers the stored row (inserted: false): the log as it is now.
    const events = await Promise.all(['m-1', 'm-2', 'm-3', 'm-4'].map((id) => db.store.recordEvent(track(id, 'x', 'x', 0)).then((r) => r.event)));
    expect(events.map((e) => (e.routing as { runs: Array<{ workflowId: string; action: string }> }).runs.map((r) => `${r.workflowId} ${r.action}`))).toEqual([
      ['journey/orders/ann/o-1 started'],
      ['journey/welcome/bob started'],
      ['journey/orders/ann/o-2 started'],
      ['journey/orders/bob/o-3 started'],
    ]);
    // In order per customer: ann's o-1 before o-2.
    expect(Date.parse(events[0]!.routedAt!)).toBeLessThanOrEqual(Date.parse(events[2]!.routedAt!));
    // Each run started once; a duplicate now answers from the log.
    for (const workflowId of ['journey/orders/ann/o-1', 'journey/welcome/bob', 'journey/orders/ann/o-2', 'journey/orders/bob/o-3']) {
      const runs = [];
      for await (const run of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) runs.push(run.runId);
      expect({ workflowId, runs: runs.length }).toEqual({ workflowId, runs: 1 });
    }
    const again = await ingestBatch(deps, [track('m-1', 'ann', 'order.completed', 1, { order_id: 'o-1' })]);
    expect(again[0]).toMatchObject({ duplicate: true, runs: [expect.objectContaining({ action: 'started' })] });
  }, 120_000);
});
