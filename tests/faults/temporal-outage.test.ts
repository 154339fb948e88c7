// Temporal down for a minute while events keep coming: the API logs every event and answers at
// once (202 "pending"), and once the dev server (file-backed, so it comes back with its runs) is
// up again the routing backlog routes them in order per customer. Every run starts exactly once
// and every email arrives exactly once at the SMTP sink.
import { setTimeout as sleep } from 'node:timers/promises';
import { Client as PgClient } from 'pg';
import { summary, type Enrolled } from './support/ledger';
import { TRIGGER_EVENT } from './support/fault-journey';
import { API_KEY, startFaultStack, type FaultStack } from './support/stack';

const BEFORE = 10;
const DURING = 40;
const DOWN_MS = 60_000;
/** A bound on behaviour, not a performance target: the first event of the outage waits the router's 3 s deadline, the rest none. */
const ANSWER_WITHIN_MS = 5_000;
const FOLLOW_UP = 'fault.noted';

interface Answer {
  path: string;
  status: number;
  ms: number;
  body: { results?: EventAnswer[] } & EventAnswer;
}

interface EventAnswer {
  pending?: boolean;
  runs?: unknown[];
}

describe('the Temporal dev server down for 60 s while events flow', () => {
  let stack: FaultStack | undefined;
  afterAll(async () => {
    await stack?.stop();
  }, 60_000);

  test('every event is accepted at once, routed in order once Temporal is back, every run starts and every email is sent exactly once', async () => {
    stack = await startFaultStack({ name: 'outage', durableTemporal: true, pause: '2s', backlog: true });
    const s = stack;
    await s.startWorker();
    const early = await s.enrol(BEFORE);

    /** One POST, no retry: what the sender sees on its first try. */
    const send = async (path: string, body: unknown): Promise<Answer> => {
      const started = Date.now();
      const response = await fetch(`${s.api.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { path, status: response.status, ms: Date.now() - started, body: (await response.json()) as Answer['body'] };
    };

    await s.stopTemporal();
    const downAt = Date.now();
    const answers: Answer[] = [];
    const late: Enrolled[] = [];
    // Events flow through the whole outage: each customer gets a push subscription, its trigger
    // (alone, or in a batch of five) and then a follow-up event nothing starts on.
    for (let n = BEFORE + 1; n <= BEFORE + DURING; n += 5) {
      const group: Enrolled[] = [];
      for (let m = n; m < n + 5; m++) {
        const customerId = `outage-${m}`;
        const subscription = s.push.subscribe();
        await s.post('/v1/push-subscriptions', { userId: customerId, subscription: { endpoint: subscription.endpoint, keys: subscription.keys } });
        group.push({ customerId, email: `${customerId}@example.com`, phone: `+1555${String(m).padStart(7, '0')}`, subscriptionId: subscription.id });
      }
      const trigger = (c: Enrolled) => ({ type: 'track', userId: c.customerId, event: TRIGGER_EVENT, messageId: `start-${c.customerId}`, traits: { email: c.email, phone: c.phone } });
      const followUp = (c: Enrolled) => ({ type: 'track', userId: c.customerId, event: FOLLOW_UP, messageId: `noted-${c.customerId}`, properties: {} });
      if (((n - BEFORE - 1) / 5) % 2 === 0) {
        answers.push(await send('/v1/batch', { batch: group.map(trigger) }));
      } else {
        for (const c of group) answers.push(await send('/v1/track', trigger(c)));
      }
      for (const c of group) answers.push(await send('/v1/track', followUp(c)));
      late.push(...group);
      await sleep(Math.max(0, downAt + ((n - BEFORE + 4) / DURING) * (DOWN_MS - 10_000) - Date.now()));
    }
    // The sender retries one event it already sent: still pending, and still safe.
    answers.push(await send('/v1/track', { userId: late[0]!.customerId, event: TRIGGER_EVENT, messageId: `start-${late[0]!.customerId}`, traits: { email: late[0]!.email, phone: late[0]!.phone } }));
    expect(s.backlog!.status()).toEqual({ temporal: 'unreachable', waiting: DURING });
    await sleep(Math.max(0, downAt + DOWN_MS - Date.now()));
    await s.startTemporal();
    const upAt = Date.now();

    const slow = answers.filter((a) => a.ms > ANSWER_WITHIN_MS).map((a) => `${a.path} ${a.ms} ms`);
    const refused = answers.filter((a) => a.status !== 202).map((a) => `${a.path} ${a.status} ${JSON.stringify(a.body)}`);
    expect(refused).toEqual([]);
    expect(slow).toEqual([]);
    const results: EventAnswer[] = answers.flatMap((a) => a.body.results ?? [a.body]);
    expect(results).toHaveLength(DURING * 2 + 1);
    expect(results.every((r) => r.pending === true && r.runs?.length === 0)).toBe(true);
    expect(s.serverErrors).toEqual([]);

    const customers = [...early, ...late];
    const completed = await s.waitForRuns(customers.length, 240_000);
    await s.backlog!.idle();
    const ledger = await s.balance(customers);
    console.log(summary(`Temporal down ${DOWN_MS / 1000} s while ${DURING} customers sent ${DURING * 2 + 1} events; routed ${Math.round((Date.now() - upAt) / 1000)} s after it came back`, completed, ledger));
    expect(completed).toBe(customers.length);
    expect(ledger.problems).toEqual([]);
    expect(ledger).toMatchObject({ duplicates: 0, missing: 0, strays: 0 });
    expect(ledger.delivered.email).toBe(customers.length * 2);
    expect(s.mail().messages).toHaveLength(customers.length * 2);

    // Every run started exactly once: one execution per customer, ever.
    const executions = new Map<string, number>();
    for await (const run of s.client.workflow.list({ query: `WorkflowType = 'journeyRun'` })) {
      executions.set(run.workflowId, (executions.get(run.workflowId) ?? 0) + 1);
    }
    expect(executions.size).toBe(customers.length);
    expect([...executions.values()].filter((count) => count !== 1)).toEqual([]);

    // Every event routed, each customer's in the order sent (trigger before follow-up), the trigger starting the run.
    const db = new PgClient({ connectionString: s.databaseUrl });
    await db.connect();
    try {
      const unrouted = await db.query('select message_id from events where routed_at is null');
      expect(unrouted.rows).toEqual([]);
      const order = await db.query<{ customer_id: string; started: Date; noted: Date; action: string }>(
        `select s.customer_id, s.routed_at as started, n.routed_at as noted, s.routing->'runs'->0->>'action' as action
         from events s join events n on n.message_id = 'noted-' || s.customer_id
         where s.message_id = 'start-' || s.customer_id and s.customer_id like 'outage-%'`,
      );
      expect(order.rows).toHaveLength(DURING);
      expect(order.rows.filter((row) => row.noted < row.started || row.action !== 'started').map((row) => row.customer_id)).toEqual([]);
    } finally {
      await db.end();
    }
    expect(s.backlogLog.some((line) => line.includes('Temporal is reachable again'))).toBe(true);
  }, 400_000);
});
