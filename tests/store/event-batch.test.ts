// recordEvents / markEventsRouted on both engines: a batch logged in one statement answers and
// stores exactly what one recordEvent per item would; upsertContacts leaves what one upsertContact
// per input would; merged contact traits keep created_at. Concurrent single-event callers share
// statements (group commit) and get the answers one at a time would give.
import { randomUUID } from 'node:crypto';
import type { Db } from '../../store/db';
import { migrate } from '../../store/migrations';
import { openPgliteDb } from '../../store/pglite-db';
import { SqlStore } from '../../store/sql-store';
import type { LoggedEventInput, Store } from '../../store/types';
import { createTestStore, STORE_KINDS, type TestStore } from '../support/db';

/** Items whose JSON and text need escaping inside Postgres array literals. */
function items(prefix: string): LoggedEventInput[] {
  const at = (minute: number) => `2025-03-0${1 + (minute % 2)}T10:0${minute}:00.000Z`;
  return [
    { messageId: `${prefix}-1`, type: 'identify', customerId: `${prefix}-a`, event: null, properties: {}, traits: { email: 'A@x.test', note: 'say "hi", {braces}\\ back' }, timestamp: at(1) },
    { messageId: `${prefix}-2`, type: 'track', customerId: `${prefix}-b`, event: 'NULL', properties: { list: [1, 'two', null], nested: { q: "it's" } }, traits: {}, timestamp: at(2) },
    { messageId: `${prefix}-1`, type: 'track', customerId: `${prefix}-b`, event: 'again', properties: {}, traits: {}, timestamp: at(3) },
    { messageId: `${prefix}-old`, type: 'track', customerId: `${prefix}-a`, event: 'retried', properties: { v: 2 }, traits: {}, timestamp: at(4) },
    { messageId: `${prefix}-3`, type: 'track', customerId: `${prefix}-a`, event: 'caf\u00e9 ✓', properties: { empty: '' }, traits: { plan: null }, timestamp: at(5) },
  ];
}

/** An answer with the prefix and receipt time taken out, to compare two runs. */
function comparable(prefix: string, answer: { inserted: boolean; event: { receivedAt: string } }) {
  const { receivedAt: _receivedAt, ...event } = answer.event;
  return JSON.parse(JSON.stringify({ ...answer, event }).split(prefix).join('P'));
}

describe.each(STORE_KINDS)('the event log batch on %s', (kind) => {
  let testStore: TestStore;
  let store: Store;
  beforeAll(async () => {
    testStore = await createTestStore(kind);
    store = testStore.store;
  });
  afterAll(() => testStore?.dispose());

  test('recordEvents answers in input order exactly as recordEvent one by one', async () => {
    const batch = `b${randomUUID().slice(0, 6)}`;
    const single = `s${randomUUID().slice(0, 6)}`;
    for (const prefix of [batch, single]) {
      await store.recordEvent({ messageId: `${prefix}-old`, type: 'track', customerId: `${prefix}-a`, event: 'first', properties: { v: 1 }, traits: {}, timestamp: '2025-02-01T00:00:00.000Z' });
    }
    const batched = await store.recordEvents(items(batch));
    const oneByOne = [];
    for (const input of items(single)) oneByOne.push(await store.recordEvent(input));
    expect(batched.map((a) => a.inserted)).toEqual([true, true, false, false, true]);
    expect(batched.map((a) => comparable(batch, a))).toEqual(oneByOne.map((a) => comparable(single, a)));
    // The repeat inside the batch and the earlier log row both answer with what was logged first.
    expect(batched[2]!.event).toMatchObject({ customerId: `${batch}-a`, type: 'identify', traits: { note: 'say "hi", {braces}\\ back' } });
    expect(batched[3]!.event).toMatchObject({ event: 'first', properties: { v: 1 } });
    expect(await store.recordEvents([])).toEqual([]);
  });

  test('markEventsRouted stores each routing and leaves other events unrouted', async () => {
    const p = `r${randomUUID().slice(0, 6)}`;
    const input = (n: number): LoggedEventInput => ({ messageId: `${p}-${n}`, type: 'track', customerId: p, event: 'e', properties: {}, traits: {}, timestamp: '2025-01-01T00:00:00.000Z' });
    await store.recordEvents([input(1), input(2), input(3)]);
    const routing = (n: number) => ({ runs: [{ journeyId: 'j', workflowId: `journey/j/${p}`, action: 'skipped', reason: `n=${n} "quoted" \\ {x}` }] });
    await store.markEventsRouted([{ messageId: `${p}-1`, routing: routing(1) }, { messageId: `${p}-3`, routing: routing(3) }]);
    await store.markEventsRouted([]);
    const [one, two, three] = await store.recordEvents([input(1), input(2), input(3)]);
    expect(one!.event).toMatchObject({ routing: routing(1), routedAt: expect.any(String) });
    expect(two!.event).toMatchObject({ routing: null, routedAt: null });
    expect(three!.event).toMatchObject({ routing: routing(3), routedAt: expect.any(String) });
  });

  test('upsertContacts leaves the contacts upsertContact one input at a time would', async () => {
    const b = `ub${randomUUID().slice(0, 6)}`;
    const s = `us${randomUUID().slice(0, 6)}`;
    const at = (day: number) => `2025-04-0${day}T00:00:00.000Z`;
    const before = (p: string) => [
      { customerId: `${p}-a`, traits: { email: 'Old@x.test', phone: '+100', plan: 'free' }, at: at(1) },
      { customerId: `${p}-c`, traits: { phone: '+300' }, at: at(1) },
    ];
    // A repeated customer, an email set to null, a phone as a number, a trait left out, a new contact.
    const inputs = (p: string) => [
      { customerId: `${p}-c`, traits: { phone: null, tier: 'gold' }, at: at(3) },
      { customerId: `${p}-a`, traits: { email: ' New@X.test ', note: 'say "hi"' }, at: at(4), createdAt: at(2) },
      { customerId: `${p}-b`, traits: { phone: 4412345 }, at: at(5), createdAt: at(2) },
      { customerId: `${p}-a`, traits: { email: null, plan: 'pro' }, at: at(6) },
    ];
    for (const input of [...before(b), ...before(s)]) await store.upsertContact(input);
    await store.upsertContacts(inputs(b));
    for (const input of inputs(s)) await store.upsertContact(input);
    await store.upsertContacts([]);
    const contacts = async (p: string) =>
      JSON.parse(JSON.stringify(await Promise.all(['a', 'b', 'c'].map((x) => store.getContact(`${p}-${x}`)))).split(p).join('P'));
    const batched = await contacts(b);
    expect(batched).toEqual(await contacts(s));
    expect(batched[0]).toMatchObject({ email: null, phone: '+100', traits: { email: null, phone: '+100', plan: 'pro', note: 'say "hi"' }, createdAt: at(1), updatedAt: at(6) });
    expect(batched[1]).toMatchObject({ phone: '4412345', createdAt: at(2), updatedAt: at(5) });
  });

  test('upsertContact keeps createdAt for traits merged from several events', async () => {
    const id = `c${randomUUID().slice(0, 6)}`;
    const contact = await store.upsertContact({ customerId: id, traits: { plan: 'pro' }, at: '2025-01-02T00:00:00.000Z', createdAt: '2025-01-01T00:00:00.000Z' });
    expect(contact).toMatchObject({ createdAt: '2025-01-01T00:00:00.000Z', updatedAt: '2025-01-02T00:00:00.000Z' });
  });
});

describe('the event log under concurrent single-event callers (group commit), PGlite', () => {
  test('concurrent recordEvent calls share statements and answer as one at a time in arrival order would', async () => {
    const db = await openPgliteDb(undefined);
    await migrate(db);
    let inserts = 0;
    const counting: Db = { ...db, query: (sql, params) => ((inserts += /^\s*insert into events/.test(sql) ? 1 : 0), db.query(sql, params)) };
    const store = new SqlStore(counting);
    try {
      const at = '2025-05-01T00:00:00.000Z';
      const input = (n: number, event: string): LoggedEventInput => ({ messageId: `g-${n}`, type: 'track', customerId: `c${n % 3}`, event, properties: { n }, traits: {}, timestamp: at });
      // 30 callers at once, every third a repeat of an earlier messageId with other content.
      const inputs = Array.from({ length: 30 }, (_, i) => (i % 3 === 2 ? input(i - 2, 'repeat') : input(i, 'first')));
      const answers = await Promise.all(inputs.map((i) => store.recordEvent(i)));
      expect(inserts).toBeLessThan(inputs.length / 2);
      answers.forEach((answer, i) => {
        expect(answer.inserted).toBe(i % 3 !== 2);
        // The row logged first is what every caller gets, the repeat's content is not stored.
        expect(answer.event).toMatchObject({ messageId: inputs[i]!.messageId, event: 'first', routedAt: null });
      });
      await Promise.all(answers.filter((a) => a.inserted).map((a) => store.markEventRouted(a.event.messageId, { runs: [{ n: a.event.properties.n }] })));
      const again = await store.recordEvents(inputs.slice(0, 3));
      expect(again.map((a) => [a.inserted, a.event.routing])).toEqual([[false, { runs: [{ n: 0 }] }], [false, { runs: [{ n: 1 }] }], [false, { runs: [{ n: 0 }] }]]);
    } finally {
      await db.close();
    }
  });
});
