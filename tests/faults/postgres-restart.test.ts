// The PostgreSQL server is restarted (every connection cut) while sends are in flight and
// events keep coming through the API: the API answers 503 until it is back and the sender
// retries with the same messageId; the worker's store calls fail and Temporal retries them.
// No event is lost or logged twice, no message goes out twice, none is missing.
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { summary } from './support/ledger';
import { restartPostgres, testCluster } from './support/postgres-server';
import { startFaultStack, type FaultStack } from './support/stack';

const JOURNEYS = 200;
const EVENTS = 200;

describe('PostgreSQL restarted while sends are in flight', () => {
  let stack: FaultStack | undefined;
  afterAll(async () => {
    await stack?.stop();
  }, 60_000);

  test('no log row is lost and no message is sent twice', async () => {
    // Exclusive: no other fault test may use the server while it restarts (waits for them to finish).
    stack = await startFaultStack({ name: 'postgres', postgres: 'exclusive', pause: '3s' });
    const live = stack;
    await live.startWorker();
    const customers = await live.enrol(JOURNEYS);
    const mail = live.mail();
    while (mail.messages.length < JOURNEYS / 2) await sleep(20);
    const inFlight = JOURNEYS * 4 - mail.messages.length - live.twilio.messages.length - live.push.received.length;

    // Events keep arriving, one by one, while the server restarts.
    const eventIds = customers.map((c, i) => ({ id: `noise-${i}`, userId: c.customerId }));
    const sending = (async () => {
      for (const { id, userId } of eventIds) await live.post('/v1/track', { userId, event: 'page.viewed', messageId: id, properties: { n: id } });
    })();
    const startedAt = Date.now();
    await restartPostgres();
    const restartMs = Date.now() - startedAt;
    await sending;

    const completed = await live.waitForRuns(JOURNEYS, 240_000);
    const ledger = await live.balance(customers);
    const logged = await loggedEvents(live.databaseUrl, [...eventIds.map((e) => e.id), ...customers.map((c) => `start-${c.customerId}`)]);
    console.log(
      `${summary(`PostgreSQL ${testCluster().join('/')} restarted (${(restartMs / 1000).toFixed(1)} s) with ${inFlight} sends to go`, completed, ledger)}; ` +
        `${logged.routed}/${EVENTS + JOURNEYS} events logged and routed, API answered 5xx ×${live.serverErrors.length} meanwhile`,
    );

    expect(completed).toBe(JOURNEYS);
    expect(ledger.problems).toEqual([]);
    expect(ledger).toMatchObject({ duplicates: 0, missing: 0, strays: 0 });
    expect(ledger.sent + ledger.inDoubt).toBe(JOURNEYS * 4);
    expect(logged).toEqual({ rows: EVENTS + JOURNEYS, routed: EVENTS + JOURNEYS });
  }, 600_000);
});

/** How many of these events the log holds, and how many of them were routed. */
async function loggedEvents(databaseUrl: string, messageIds: string[]): Promise<{ rows: number; routed: number }> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ rows: string; routed: string }>(
      'select count(*) as rows, count(routed_at) as routed from events where message_id = any($1)',
      [messageIds],
    );
    return { rows: Number(rows[0]?.rows), routed: Number(rows[0]?.routed) };
  } finally {
    await client.end();
  }
}
