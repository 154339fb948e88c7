// identify / track / batch over real HTTP, with the real router on a Temporal dev server and
// a real PostgreSQL store: dedupe by messageId, contacts, batches refusing bad items one by one, health.
import { RUN_REVISION } from '../../workflows/definitions';
import { Client } from 'pg';
import { createApiServer } from '../../api';
import { ingestBatch } from '../../api/ingest';
import { createRouter, type Router } from '../../routing';
import type { LoggedEventInput, Store } from '../../store/types';
import { createTestStore, type TestStore } from '../support/db';
import { startTestTemporal, type TestTemporal } from '../support/temporal';
import { runHistory, sendStep, snapshotOf } from '../routing/fixtures';
import { API_KEY, listen, type Api } from './http';

// Some events below happened in 2025: any age may start these journeys (entry.max_event_age: false).
const journeys = [
  snapshotOf({ id: 'onboarding', name: 'Onboarding', trigger: { event: 'user.signed_up' }, entry: { max_event_age: false }, steps: [sendStep('welcome')] }),
  snapshotOf({
    id: 'vip',
    name: 'VIP',
    trigger: { event: 'order.completed', where: { field: 'traits.tier', op: 'eq', value: 'gold' } },
    entry: { key: 'properties.order_id', reentry: 'once', max_event_age: false },
    steps: [sendStep('thanks')],
  }),
];

describe('the ingest API', () => {
  let temporal: TestTemporal;
  let db: TestStore;
  let api: Api;
  let router: Router;

  beforeAll(async () => {
    db = await createTestStore('postgres');
    temporal = await startTestTemporal();
    router = createRouter({ client: temporal.client, store: db.store, journeys, taskQueue: 'api-test' });
    const health = async () => ({
      temporal: await temporal.connection.healthService.check({}).then(() => 'ok'),
      database: await db.store.ping().then(() => 'ok'),
    });
    api = await listen(createApiServer({ store: db.store, router, apiKeys: ['another-key-that-is-long', API_KEY], health }));
  });
  afterAll(async () => {
    await api?.close();
    await temporal?.stop();
    await db?.dispose();
  });

  it('starts a journey for a track call and answers a repeated messageId from the log without a second effect', async () => {
    const event = { userId: 'ada', event: 'user.signed_up', messageId: 'm-signup-ada', properties: { source: 'ads' } };
    const first = await api.call('POST', '/v1/track', { body: event });
    expect(first).toMatchObject({
      status: 200,
      body: { messageId: 'm-signup-ada', duplicate: false, runs: [{ journeyId: 'onboarding', workflowId: 'journey/onboarding/ada', action: 'started' }] },
    });
    const again = await api.call('POST', '/v1/track', { body: { ...event, properties: { source: 'retry' } } });
    expect(again).toMatchObject({ status: 200, body: { messageId: 'm-signup-ada', duplicate: true, runs: first.body.runs } });
    expect(await runHistory(temporal.client, 'journey/onboarding/ada')).toEqual({ started: 1, signals: [] });
  });

  it('merges identify traits and track traits (top-level or Segment context.traits) into the contact', async () => {
    const identify = await api.call('POST', '/v1/identify', { body: { userId: 'grace', traits: { email: 'grace@example.com', plan: 'free' }, messageId: 'm-id-grace' } });
    expect(identify).toMatchObject({ status: 200, body: { messageId: 'm-id-grace', duplicate: false, runs: [] } });
    await api.call('POST', '/v1/track', {
      body: { userId: 'grace', event: 'page.viewed', messageId: 'm-view-grace', context: { traits: { plan: 'pro', city: 'Rome' } }, traits: { plan: 'team' } },
    });
    const contact = await db.store.getContact('grace');
    expect(contact).toMatchObject({ email: 'grace@example.com', traits: { email: 'grace@example.com', plan: 'team', city: 'Rome' } });
  });

  it('processes a batch in order, so an identify earlier in the batch decides a later trigger condition', async () => {
    const response = await api.call('POST', '/v1/batch', {
      body: {
        batch: [
          { type: 'identify', userId: 'lin', traits: { tier: 'gold' }, messageId: 'b-1' },
          { type: 'track', userId: 'lin', event: 'order.completed', properties: { order_id: 'A-7' }, messageId: 'b-2', timestamp: '2025-05-01T10:00:00+02:00' },
          { type: 'track', userId: 'lin', event: 'order.completed', properties: {}, messageId: 'b-3' },
        ],
      },
    });
    expect(response.status).toBe(200);
    expect(response.body.results).toEqual([
      { messageId: 'b-1', duplicate: false, runs: [] },
      { messageId: 'b-2', duplicate: false, runs: [{ journeyId: 'vip', workflowId: 'journey/vip/lin/A-7', action: 'started' }] },
      { messageId: 'b-3', duplicate: false, runs: [{ journeyId: 'vip', workflowId: 'journey/vip/lin', action: 'skipped', code: 'entry.key', reason: expect.stringContaining('properties.order_id') }] },
    ]);
    const { events } = await temporal.client.workflow.getHandle('journey/vip/lin/A-7').fetchHistory();
    const input = events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]?.data;
    expect(JSON.parse(Buffer.from(input ?? []).toString())).toMatchObject({
      customerId: 'lin',
      entryKey: 'A-7',
      // Started by today's code: the run takes the patched changes without markers.
      revision: RUN_REVISION,
      trigger: { id: 'b-2', name: 'order.completed', timestamp: '2025-05-01T08:00:00.000Z' },
    });
  });

  it('answers and logs a batch mixing new, logged and repeated messageIds of two customers as item-by-item calls would', async () => {
    const items = (p: string) => [
      { type: 'identify', userId: `${p}-a`, traits: { tier: 'gold', email: `${p}@x.test` }, messageId: `${p}-1`, timestamp: '2025-06-01T10:00:00Z' },
      { type: 'track', userId: `${p}-b`, event: 'user.signed_up', messageId: `${p}-2`, timestamp: '2025-06-01T10:01:00Z' },
      { type: 'track', userId: `${p}-a`, event: 'order.completed', properties: { order_id: 'O-1' }, messageId: `${p}-3`, timestamp: '2025-06-01T10:02:00Z' },
      { type: 'track', userId: `${p}-a`, event: 'page.viewed', messageId: `${p}-old`, timestamp: '2025-06-01T10:03:00Z' },
      { type: 'track', userId: `${p}-a`, event: 'order.completed', properties: { order_id: 'O-9' }, messageId: `${p}-3`, timestamp: '2025-06-01T10:04:00Z' },
      { type: 'track', userId: `${p}-b`, event: 'order.completed', properties: { order_id: 'O-2' }, traits: { tier: 'silver' }, messageId: `${p}-4`, timestamp: '2025-06-01T10:05:00Z' },
      { type: 'identify', userId: `${p}-b`, traits: { tier: 'gold' }, messageId: `${p}-5`, timestamp: '2025-06-01T10:06:00Z' },
      { type: 'identify', userId: `${p}-b`, traits: { plan: 'pro' }, messageId: `${p}-6`, timestamp: '2025-06-01T10:07:00Z' },
      { type: 'track', userId: `${p}-b`, event: 'order.completed', properties: { order_id: 'O-3' }, messageId: `${p}-7`, timestamp: '2025-06-01T10:08:00Z' },
      { type: 'track', userId: `${p}-b`, event: 'user.signed_up', messageId: `${p}-2`, timestamp: '2025-06-01T10:09:00Z' },
      { type: 'track', userId: `${p}-b`, event: 'user.signed_up', messageId: `${p}-8`, timestamp: '2025-06-01T10:10:00Z' },
    ];
    const logFirst = (p: string) => api.call('POST', '/v1/track', { body: { userId: `${p}-a`, event: 'page.viewed', properties: { first: true }, messageId: `${p}-old`, timestamp: '2025-05-31T00:00:00Z' } });
    await logFirst('mixb');
    await logFirst('mixs');
    const batch = await api.call('POST', '/v1/batch', { body: { batch: items('mixb') } });
    const single = [];
    for (const { type, ...body } of items('mixs')) single.push((await api.call('POST', `/v1/${type}`, { body })).body);
    expect(batch.status).toBe(200);
    const same = (value: unknown) => JSON.parse(JSON.stringify(value).split('mixs').join('mixb'));
    expect(batch.body.results).toEqual(same(single));
    expect(batch.body.results.map((r: { duplicate: boolean }) => r.duplicate)).toEqual([false, false, false, true, true, false, false, false, false, true, false]);
    expect(batch.body.results[2].runs).toEqual([{ journeyId: 'vip', workflowId: 'journey/vip/mixb-a/O-1', action: 'started' }]);
    expect(batch.body.results[5].runs).toEqual([expect.objectContaining({ journeyId: 'vip', action: 'skipped' })]);
    expect(batch.body.results[8].runs).toEqual([{ journeyId: 'vip', workflowId: 'journey/vip/mixb-b/O-3', action: 'started' }]);

    const client = new Client({ connectionString: db.databaseUrl });
    await client.connect();
    try {
      const rows = async (p: string) => {
        const events = await client.query(
          `select message_id, type, customer_id, event, properties, traits, "timestamp", routing, routed_at is not null as routed
           from events where message_id like $1 order by message_id`,
          [`${p}-%`],
        );
        const contacts = await client.query('select customer_id, traits, email, created_at, updated_at from contacts where customer_id like $1 order by customer_id', [`${p}-%`]);
        return { events: events.rows, contacts: contacts.rows };
      };
      const batchRows = await rows('mixb');
      expect(batchRows.events).toHaveLength(9);
      expect(same(batchRows)).toEqual(same(await rows('mixs')));
    } finally {
      await client.end();
    }
    for (const id of ['journey/onboarding/mixs-b', 'journey/vip/mixs-a/O-1', 'journey/vip/mixs-b/O-3']) {
      expect(await runHistory(temporal.client, id.replace('mixs', 'mixb'))).toEqual(same(await runHistory(temporal.client, id)));
    }
  });

  it('lets trigger.where see the traits sent before the event in the batch, over the stored contact, and not those after it', async () => {
    await db.store.upsertContact({ customerId: 'seen-b', traits: { tier: 'gold' }, at: '2025-07-01T00:00:00Z' });
    const response = await api.call('POST', '/v1/batch', {
      body: {
        batch: [
          { type: 'identify', userId: 'seen-a', traits: { tier: 'silver' }, messageId: 'seen-1' },
          { type: 'track', userId: 'seen-a', event: 'order.completed', properties: { order_id: 'S-1' }, messageId: 'seen-2' },
          { type: 'identify', userId: 'seen-a', traits: { tier: 'gold' }, messageId: 'seen-3' },
          { type: 'track', userId: 'seen-a', event: 'order.completed', properties: { order_id: 'S-2' }, messageId: 'seen-4' },
          { type: 'track', userId: 'seen-b', event: 'order.completed', properties: { order_id: 'S-3' }, traits: { city: 'Oslo' }, messageId: 'seen-5' },
          { type: 'identify', userId: 'seen-b', traits: { tier: 'bronze' }, messageId: 'seen-6' },
        ],
      },
    });
    expect(response.status).toBe(200);
    expect(response.body.results.map((r: { runs: Array<{ workflowId: string; action: string }> }) => r.runs.map((run) => `${run.workflowId} ${run.action}`))).toEqual([
      [],
      ['journey/vip/seen-a/S-1 skipped'],
      [],
      ['journey/vip/seen-a/S-2 started'],
      ['journey/vip/seen-b/S-3 started'],
      [],
    ]);
    expect((await db.store.getContact('seen-a'))?.traits).toEqual({ tier: 'gold' });
    expect((await db.store.getContact('seen-b'))?.traits).toEqual({ tier: 'bronze', city: 'Oslo' });
  });

  it('converges when writing the contacts fails: nothing is marked routed, and the retry routes again without a second start', async () => {
    const at = '2025-08-01T10:00:00.000Z';
    const inputs: LoggedEventInput[] = [
      { messageId: 'conv-1', type: 'identify', customerId: 'conv-a', event: null, properties: {}, traits: { tier: 'gold' }, timestamp: at },
      { messageId: 'conv-2', type: 'track', customerId: 'conv-a', event: 'order.completed', properties: { order_id: 'C-1' }, traits: {}, timestamp: at },
      { messageId: 'conv-3', type: 'track', customerId: 'conv-b', event: 'user.signed_up', properties: {}, traits: { plan: 'pro' }, timestamp: at },
    ];
    // The real store, except that the contacts upsert fails as a dropped connection would.
    const failing = new Proxy(db.store, {
      get: (target, key) => (key === 'upsertContacts' ? async () => Promise.reject(new Error('Connection terminated unexpectedly')) : Reflect.get(target, key, target)),
    }) satisfies Store;
    await expect(ingestBatch({ store: failing, router }, inputs)).rejects.toMatchObject({ status: 503, code: 'database_unavailable' });
    const logged = await db.store.recordEvents(inputs);
    expect(logged.map((l) => [l.inserted, l.event.routedAt])).toEqual([[false, null], [false, null], [false, null]]);
    expect(await db.store.getContact('conv-a')).toBeNull();

    const retried = await ingestBatch({ store: db.store, router }, inputs);
    expect(retried).toEqual([
      { messageId: 'conv-1', duplicate: false, runs: [] },
      { messageId: 'conv-2', duplicate: false, runs: [{ journeyId: 'vip', workflowId: 'journey/vip/conv-a/C-1', action: 'started' }] },
      { messageId: 'conv-3', duplicate: false, runs: [{ journeyId: 'onboarding', workflowId: 'journey/onboarding/conv-b', action: 'started' }] },
    ]);
    expect(await ingestBatch({ store: db.store, router }, inputs)).toEqual(retried.map((r) => ({ ...r, duplicate: true })));
    expect((await db.store.getContact('conv-a'))?.traits).toEqual({ tier: 'gold' });
    expect((await db.store.getContact('conv-b'))?.traits).toEqual({ plan: 'pro' });
    for (const id of ['journey/vip/conv-a/C-1', 'journey/onboarding/conv-b']) expect(await runHistory(temporal.client, id)).toEqual({ started: 1, signals: [] });
  });

  it('stores the valid items of a batch and refuses the bad one in its place, naming the field (still a 200)', async () => {
    const response = await api.call('POST', '/v1/batch', {
      body: {
        batch: [
          { type: 'identify', userId: 'kim', traits: { tier: 'gold' }, messageId: 'bad-batch-1' },
          { type: 'track', userId: 'kim', event: 'user.signed_up' },
          { type: 'track', userId: 'kim', event: 'user.signed_up', messageId: 'bad-batch-3' },
        ],
      },
    });
    expect(response.status).toBe(200);
    expect(response.body.results).toEqual([
      { messageId: 'bad-batch-1', duplicate: false, runs: [] },
      {
        index: 1,
        messageId: null,
        refused: true,
        error: {
          code: 'invalid_item',
          message: expect.stringContaining('batch[1].messageId: messageId is required: retries are de-duplicated by it'),
          issues: [{ path: ['messageId'], code: 'invalid_type', message: expect.stringContaining('messageId is required') }],
        },
      },
      { messageId: 'bad-batch-3', duplicate: false, runs: [{ journeyId: 'onboarding', workflowId: 'journey/onboarding/kim', action: 'started' }] },
    ]);
    expect(await db.store.getContact('kim')).toMatchObject({ traits: { tier: 'gold' } });
  });

  it('rejects a batch of more than 500 events, saying to split it', async () => {
    const batch = Array.from({ length: 501 }, (_, i) => ({ type: 'track', userId: 'many', event: 'page.viewed', messageId: `many-${i}` }));
    const response = await api.call('POST', '/v1/batch', { body: { batch } });
    expect(response).toMatchObject({ status: 400, body: { error: { issues: [{ path: ['batch'], code: 'too_big', message: expect.stringContaining('split it') }] } } });
  });

  it('routes again an event whose first attempt was logged but never routed', async () => {
    await db.store.recordEvent({
      messageId: 'm-half-done',
      type: 'track',
      customerId: 'half',
      event: 'user.signed_up',
      properties: {},
      traits: {},
      timestamp: new Date().toISOString(),
    });
    const response = await api.call('POST', '/v1/track', { body: { userId: 'half', event: 'user.signed_up', messageId: 'm-half-done' } });
    expect(response.body).toEqual({ messageId: 'm-half-done', duplicate: false, runs: [{ journeyId: 'onboarding', workflowId: 'journey/onboarding/half', action: 'started' }] });
    const again = await api.call('POST', '/v1/track', { body: { userId: 'half', event: 'user.signed_up', messageId: 'm-half-done' } });
    expect(again.body.duplicate).toBe(true);
  });

  it('reports Temporal and the database as healthy on /healthz without an API key', async () => {
    expect(await api.call('GET', '/healthz', { key: null })).toMatchObject({ status: 200, body: { status: 'ok', temporal: 'ok', database: 'ok' } });
  });
});
