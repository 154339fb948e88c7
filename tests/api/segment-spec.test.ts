// The Segment Spec as real clients send it, over real HTTP against the Fastify server, with the
// real router on a Temporal dev server and both stores (PGlite and PostgreSQL): event names with
// spaces, page/screen/alias/group calls, anonymous ids linked to customers, per-item batch
// refusals, sentAt-corrected event time, messageId conflicts and value size limits.
import { Analytics } from '@segment/analytics-node';
import { createApiServer } from '../../api';
import { createTouchpointClient } from '../../client';
import { createRouter } from '../../routing';
import { createTestStore, STORE_KINDS, type TestStore, type TestStoreKind } from '../support/db';
import { startTestTemporal, type TestTemporal } from '../support/temporal';
import { runHistory, sendStep, snapshotOf } from '../routing/fixtures';
import { API_KEY, listen, type Api } from './http';

const journeys = [
  snapshotOf({ id: 'orders', name: 'Orders', trigger: { event: 'Order Completed' }, steps: [sendStep('thanks')] }),
  snapshotOf({
    id: 'cart',
    name: 'Cart',
    trigger: { event: 'Product Viewed' },
    steps: [{ id: 'wait', wait_for: { event: 'Order Completed', timeout: '1d' } }, sendStep('nudge')],
  }),
  snapshotOf({
    id: 'pricing',
    name: 'Pricing page',
    trigger: { event: 'page.viewed', where: { field: 'event.properties.name', op: 'eq', value: 'Pricing' } },
    steps: [{ id: 'wait', wait_for: { event: 'page.viewed', timeout: '1d' } }, sendStep('offer')],
  }),
  snapshotOf({ id: 'app', name: 'App', trigger: { event: 'screen.viewed' }, steps: [sendStep('tips')] }),
];

let temporal: TestTemporal;
beforeAll(async () => {
  temporal = await startTestTemporal();
});
afterAll(async () => {
  await temporal?.stop();
});

describe.each(STORE_KINDS)('the Segment Spec API on %s', (kind: TestStoreKind) => {
  let db: TestStore;
  let api: Api;
  const logs: string[] = [];
  // Customer ids of their own per store: both suites share one Temporal server.
  const id = (name: string) => `${kind}-${name}`;
  const run = (journey: string, customerId: string) => `journey/${journey}/${encodeURIComponent(customerId)}`;
  const eventsOf = async (customerId: string) => (await db.store.personalData.exportCustomer(customerId)).tables.events ?? [];

  beforeAll(async () => {
    db = await createTestStore(kind);
    const router = createRouter({ client: temporal.client, store: db.store, journeys, taskQueue: `segment-spec-${kind}` });
    api = await listen(createApiServer({ store: db.store, router, apiKeys: [API_KEY], health: async () => ({}), log: (line) => logs.push(line) }));
  });
  afterAll(async () => {
    await api?.close();
    await db?.dispose();
  });

  it('accepts event names as Segment recommends them, with spaces, and starts the journey that names one', async () => {
    const response = await api.call('POST', '/v1/track', { body: { userId: id('ann'), event: 'Order Completed', messageId: id('oc-ann'), properties: { total: 30 } } });
    expect(response).toMatchObject({ status: 200, body: { duplicate: false, runs: [{ journeyId: 'orders', workflowId: run('orders', id('ann')), action: 'started' }] } });
    expect(await runHistory(temporal.client, run('orders', id('ann')))).toMatchObject({ started: 1 });
  });

  it('stores page and screen calls as page.viewed and screen.viewed events that journeys trigger on and wait for', async () => {
    const customer = id('pia');
    const page = await api.call('POST', '/v1/page', { body: { userId: customer, name: 'Pricing', category: 'Docs', properties: { path: '/pricing' }, messageId: id('pg-1') } });
    expect(page).toMatchObject({ status: 200, body: { duplicate: false, runs: [{ journeyId: 'pricing', workflowId: run('pricing', customer), action: 'started' }] } });
    // A second page view reaches the run waiting for page.viewed, as a batch item.
    const batch = await api.call('POST', '/v1/batch', {
      body: {
        batch: [
          { type: 'page', userId: customer, name: 'Checkout', properties: { path: '/checkout' }, messageId: id('pg-2') },
          { type: 'screen', userId: customer, name: 'Home', messageId: id('sc-1') },
        ],
      },
    });
    expect(batch.status).toBe(200);
    expect(batch.body.results[0].runs).toEqual([
      expect.objectContaining({ journeyId: 'pricing', action: 'skipped', reason: expect.stringContaining('trigger.where does not hold') }),
      expect.objectContaining({ journeyId: 'pricing', workflowId: run('pricing', customer), action: 'signalled' }),
    ]);
    expect(batch.body.results[1].runs).toEqual([{ journeyId: 'app', workflowId: run('app', customer), action: 'started' }]);
    const signals = (await runHistory(temporal.client, run('pricing', customer))).signals;
    expect(signals).toEqual([expect.objectContaining({ id: id('pg-2'), name: 'page.viewed', properties: { path: '/checkout', name: 'Checkout' } })]);
    const screen = await api.call('POST', '/v1/screen', { body: { userId: customer, name: 'Settings', messageId: id('sc-2') } });
    expect(screen).toMatchObject({ status: 200, body: { duplicate: false } });

    const stored = await eventsOf(customer);
    expect(stored.map((row) => [row.type, row.event, row.properties])).toEqual([
      ['page', 'page.viewed', { path: '/pricing', name: 'Pricing', category: 'Docs' }],
      ['page', 'page.viewed', { path: '/checkout', name: 'Checkout' }],
      ['screen', 'screen.viewed', { name: 'Home' }],
      ['screen', 'screen.viewed', { name: 'Settings' }],
    ]);
  });

  it('stores group calls without touching the profile, and alias calls that link an anonymous id', async () => {
    const customer = id('gus');
    await api.call('POST', '/v1/identify', { body: { userId: customer, traits: { plan: 'free' }, messageId: id('gus-id') } });
    const group = await api.call('POST', '/v1/group', { body: { userId: customer, groupId: 'acme', traits: { plan: 'enterprise', employees: 40 }, messageId: id('gus-grp') } });
    expect(group).toMatchObject({ status: 200, body: { duplicate: false, runs: [] } });
    expect((await db.store.getContact(customer))?.traits).toEqual({ plan: 'free' });

    const visitor = id('visitor-alias');
    await api.call('POST', '/v1/identify', { body: { anonymousId: visitor, traits: { city: 'Oslo' }, messageId: id('va-id') } });
    const alias = await api.call('POST', '/v1/alias', { body: { userId: customer, previousId: visitor, messageId: id('gus-alias') } });
    expect(alias).toMatchObject({ status: 200, body: { duplicate: false, runs: [] } });
    expect((await db.store.getContact(customer))?.traits).toEqual({ plan: 'free', city: 'Oslo' });
    expect(await db.store.getContact(`anon:${visitor}`)).toBeNull();
    const stored = await eventsOf(customer);
    expect(stored.map((row) => [row.type, row.message_id, row.anonymous_id, row.properties])).toEqual(
      expect.arrayContaining([
        ['group', id('gus-grp'), null, { groupId: 'acme', traits: { plan: 'enterprise', employees: 40 } }],
        ['identify', id('va-id'), visitor, {}],
        ['alias', id('gus-alias'), visitor, { previousId: visitor }],
      ]),
    );
  });

  it('accepts anonymousId alone and, once linked, gives the profile, the history and the waiting runs to the customer', async () => {
    const visitor = id('cookie-1');
    const customer = id('uma');
    const viewed = await api.call('POST', '/v1/track', { body: { anonymousId: visitor, event: 'Product Viewed', properties: { sku: 'S-1' }, messageId: id('anon-view') } });
    expect(viewed).toMatchObject({ status: 200, body: { runs: [{ journeyId: 'cart', workflowId: run('cart', `anon:${visitor}`), action: 'started' }] } });
    await api.call('POST', '/v1/identify', { body: { anonymousId: visitor, traits: { city: 'Rome', plan: 'trial' }, messageId: id('anon-traits') } });
    expect((await db.store.getContact(`anon:${visitor}`))?.traits).toEqual({ city: 'Rome', plan: 'trial' });
    // The customer's own run, waiting for Order Completed.
    await api.call('POST', '/v1/track', { body: { userId: customer, event: 'Product Viewed', messageId: id('uma-view') } });

    const linked = await api.call('POST', '/v1/identify', { body: { userId: customer, anonymousId: visitor, traits: { email: 'uma@example.com', plan: 'team' }, messageId: id('uma-link') } });
    expect(linked.status).toBe(200);
    expect(await db.store.getContact(customer)).toMatchObject({ email: 'uma@example.com', traits: { email: 'uma@example.com', plan: 'team', city: 'Rome' } });
    expect(await db.store.getContact(`anon:${visitor}`)).toBeNull();
    expect((await eventsOf(customer)).map((row) => row.message_id)).toEqual(
      expect.arrayContaining([id('anon-view'), id('anon-traits'), id('uma-view'), id('uma-link')]),
    );
    expect(await eventsOf(`anon:${visitor}`)).toEqual([]);

    // Later calls with the anonymous id alone belong to the customer: the waiting run gets them.
    const ordered = await api.call('POST', '/v1/track', { body: { anonymousId: visitor, event: 'Order Completed', messageId: id('anon-order') } });
    expect(ordered.body.runs).toEqual(
      expect.arrayContaining([
        { journeyId: 'orders', workflowId: run('orders', customer), action: 'started' },
        expect.objectContaining({ journeyId: 'cart', workflowId: run('cart', customer), action: 'signalled' }),
      ]),
    );
    expect((await runHistory(temporal.client, run('cart', customer))).signals.map((s) => s.id)).toEqual([id('anon-order')]);
    // The run the visitor started before the link keeps running under the anonymous id and gets nothing more.
    expect((await runHistory(temporal.client, run('cart', `anon:${visitor}`))).signals).toEqual([]);
    expect((await temporal.client.workflow.getHandle(run('cart', `anon:${visitor}`)).describe()).status.name).toBe('RUNNING');
    await api.call('POST', '/v1/identify', { body: { anonymousId: visitor, traits: { city: 'Milan' }, messageId: id('anon-late-traits') } });
    expect((await db.store.getContact(customer))?.traits).toMatchObject({ city: 'Milan', plan: 'team' });

    // The first link wins: another user sending the same anonymous id does not take its history.
    await api.call('POST', '/v1/track', { body: { userId: id('other'), anonymousId: visitor, event: 'Product Viewed', messageId: id('other-view') } });
    expect((await eventsOf(customer)).map((row) => row.message_id)).toContain(id('anon-view'));

    // Export lists the link; erasure deletes it and nulls the anonymous id and payload hash of the events.
    const exported = await db.store.personalData.exportCustomer(customer);
    expect(exported.tables.identity_links).toEqual([expect.objectContaining({ anonymous_id: visitor, customer_id: customer, message_id: id('uma-link') })]);
    expect(exported.tables.events!.every((row) => typeof row.payload_hash === 'string')).toBe(true);
    const counts = await db.store.personalData.eraseCustomer(customer, id('erased-uma'));
    expect(counts.deleted.identity_links).toBe(1);
    const erased = await eventsOf(id('erased-uma'));
    expect(erased.length).toBeGreaterThan(0);
    expect(erased.filter((row) => row.payload_hash !== null || row.anonymous_id !== null)).toEqual([]);
    expect((await db.store.personalData.exportCustomer(customer)).tables.identity_links).toEqual([]);
  });

  it('refuses a call with neither userId nor anonymousId, saying what to send', async () => {
    const response = await api.call('POST', '/v1/track', { body: { event: 'Order Completed', messageId: id('nobody') } });
    expect(response.status).toBe(400);
    expect(response.body.error.issues).toEqual([{ path: ['userId'], code: 'custom', message: expect.stringContaining('userId or anonymousId is required') }]);
    const reserved = await api.call('POST', '/v1/track', { body: { userId: 'anon:x', event: 'Order Completed', messageId: id('reserved') } });
    expect(reserved.body.error.issues).toEqual([expect.objectContaining({ path: ['userId'], message: expect.stringContaining('reserved for anonymous visitors') })]);
  });

  it('stores the valid items of a batch and refuses each invalid one in its place with the reason, never silently', async () => {
    const customer = id('bea');
    const response = await api.call('POST', '/v1/batch', {
      body: {
        batch: [
          { type: 'track', userId: customer, event: 'Order Completed', messageId: id('b-ok-1') },
          { type: 'track', userId: customer, event: 'Order Completed', messageId: id('b-nul'), properties: { note: 'a\u0000b' } },
          { type: 'teleport', userId: customer, messageId: id('b-type') },
          { type: 'track', userId: customer, event: 'Order Completed', messageId: id('b-big'), properties: { description: 'x'.repeat(9000) } },
          { type: 'identify', userId: customer, traits: { plan: 'pro' }, messageId: id('b-ok-2') },
        ],
      },
    });
    expect(response.status).toBe(200);
    const results = response.body.results;
    expect(results.map((r: { refused?: boolean; duplicate?: boolean }) => (r.refused ? 'refused' : 'stored'))).toEqual(['stored', 'refused', 'refused', 'refused', 'stored']);
    expect(results[1]).toMatchObject({ index: 1, messageId: id('b-nul'), refused: true, error: { code: 'unstorable_value', issues: [{ path: ['properties', 'note'] }] } });
    expect(results[2]).toMatchObject({ index: 2, refused: true, error: { code: 'invalid_item', message: expect.stringContaining('"identify", "track", "page", "screen", "alias" or "group"') } });
    expect(results[3]).toMatchObject({
      index: 3,
      refused: true,
      error: { code: 'invalid_item', message: expect.stringContaining('batch[3].properties.description: this property value is 9002 bytes'), issues: [{ path: ['properties', 'description'] }] },
    });
    expect((await eventsOf(customer)).map((row) => row.message_id).sort()).toEqual([id('b-ok-1'), id('b-ok-2')]);
    expect(logs.filter((line) => line.includes('refused')).join('\n')).toContain(`messageId ${id('b-big')}`);
    // Every item refused: still one answer per item.
    const none = await api.call('POST', '/v1/batch', { body: { batch: [{ type: 'track', userId: customer }] } });
    expect(none).toMatchObject({ status: 200, body: { results: [{ index: 0, messageId: null, refused: true }] } });
  });

  it('refuses trait and property values over the size limit with a 400 naming the field', async () => {
    const identify = await api.call('POST', '/v1/identify', { body: { userId: id('big'), traits: { bio: 'é'.repeat(5000) }, messageId: id('big-1') } });
    expect(identify.status).toBe(400);
    expect(identify.body.error.message).toContain('traits.bio: this trait value is 10002 bytes as JSON; a trait value is at most 8192 bytes');
    expect(identify.body.error.issues).toEqual([expect.objectContaining({ path: ['traits', 'bio'] })]);
    const context = await api.call('POST', '/v1/track', { body: { userId: id('big'), event: 'a', context: { traits: { notes: ['x'.repeat(9000)] } }, messageId: id('big-2') } });
    expect(context.body.error.issues).toEqual([expect.objectContaining({ path: ['context', 'traits', 'notes'] })]);
    const fine = await api.call('POST', '/v1/identify', { body: { userId: id('big'), traits: { bio: 'x'.repeat(8000) }, messageId: id('big-3') } });
    expect(fine.status).toBe(200);
  });

  it("uses the sender's timestamp corrected by its sentAt, and keeps when the call was received", async () => {
    const customer = id('tim');
    const clientAhead = 2 * 3600_000;
    const clientNow = Date.now() + clientAhead;
    const before = Date.now();
    await api.call('POST', '/v1/track', {
      body: { userId: customer, event: 'Order Completed', messageId: id('t-1'), timestamp: new Date(clientNow - 5 * 60_000).toISOString(), sentAt: new Date(clientNow).toISOString() },
    });
    // A batch's own sentAt (as analytics.js and analytics-node send it) corrects every item.
    await api.call('POST', '/v1/batch', {
      body: { sentAt: new Date(clientNow).toISOString(), batch: [{ type: 'track', userId: customer, event: 'x', messageId: id('t-2'), timestamp: new Date(clientNow - 60 * 60_000).toISOString() }] },
    });
    // Without sentAt, the timestamp is taken as sent; without a timestamp, the time it was received.
    await api.call('POST', '/v1/track', { body: { userId: customer, event: 'y', messageId: id('t-3'), timestamp: '2025-05-01T10:00:00+02:00' } });
    await api.call('POST', '/v1/track', { body: { userId: customer, event: 'z', messageId: id('t-4') } });
    const after = Date.now();
    const rows = new Map((await eventsOf(customer)).map((row) => [row.message_id, row]));
    const at = (messageId: string, column: string) => Date.parse(String(rows.get(id(messageId))![column]));
    expect(at('t-1', 'timestamp')).toBeGreaterThanOrEqual(before - 5 * 60_000 - 1000);
    expect(at('t-1', 'timestamp')).toBeLessThanOrEqual(after - 5 * 60_000 + 1000);
    expect(at('t-2', 'timestamp')).toBeGreaterThanOrEqual(before - 60 * 60_000 - 1000);
    expect(at('t-2', 'timestamp')).toBeLessThanOrEqual(after - 60 * 60_000 + 1000);
    expect(at('t-3', 'timestamp')).toBe(Date.parse('2025-05-01T08:00:00Z'));
    for (const messageId of ['t-1', 't-2', 't-3', 't-4']) {
      expect(at(messageId, 'received_at')).toBeGreaterThanOrEqual(before - 1000);
      expect(at(messageId, 'received_at')).toBeLessThanOrEqual(after + 1000);
    }
    expect(at('t-4', 'timestamp')).toBe(at('t-4', 'received_at'));
  });

  it('answers a messageId reused with other content as a duplicate with conflict: true and logs it; a retry sent later is no conflict', async () => {
    const customer = id('cora');
    const event = { userId: customer, event: 'Order Completed', properties: { total: 10 }, messageId: id('c-1'), timestamp: '2025-06-01T10:00:00Z' };
    const first = await api.call('POST', '/v1/track', { body: { ...event, sentAt: '2025-06-01T10:00:01Z' } });
    expect(first.body).toMatchObject({ duplicate: false });
    expect(first.body).not.toHaveProperty('conflict');
    const retry = await api.call('POST', '/v1/track', { body: { ...event, sentAt: '2025-06-01T10:05:00Z' } });
    expect(retry.body).toEqual({ messageId: id('c-1'), duplicate: true, runs: first.body.runs });
    const other = await api.call('POST', '/v1/track', { body: { ...event, properties: { total: 20 } } });
    expect(other).toMatchObject({ status: 200, body: { messageId: id('c-1'), duplicate: true, conflict: true, runs: first.body.runs } });
    expect(logs.find((line) => line.includes(`messageId ${id('c-1')}`))).toMatch(/with other content .*first is kept/);
    const inBatch = await api.call('POST', '/v1/batch', { body: { batch: [{ ...event, type: 'track', event: 'Something Else' }] } });
    expect(inBatch.body.results).toEqual([{ messageId: id('c-1'), duplicate: true, conflict: true, runs: first.body.runs }]);
    const [row] = (await eventsOf(customer)).filter((r) => r.message_id === id('c-1'));
    expect(row).toMatchObject({ properties: { total: 10 }, payload_hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });
  it('the typed client sends page, screen, alias and group calls', async () => {
    const client = createTouchpointClient({ baseUrl: api.url, apiKey: API_KEY });
    const customer = id('cli');
    expect(await client.page({ userId: customer, name: 'Pricing', messageId: id('cli-page') })).toMatchObject({ duplicate: false, runs: [{ journeyId: 'pricing', action: 'started' }] });
    expect(await client.screen({ anonymousId: id('cli-device'), name: 'Home', messageId: id('cli-screen') })).toMatchObject({ duplicate: false, runs: [{ journeyId: 'app', action: 'started' }] });
    expect(await client.alias({ userId: customer, previousId: id('cli-device'), messageId: id('cli-alias') })).toMatchObject({ duplicate: false });
    expect(await client.group({ userId: customer, groupId: 'acme', messageId: id('cli-group') })).toMatchObject({ duplicate: false });
    expect((await eventsOf(customer)).map((row) => row.type).sort()).toEqual(['alias', 'group', 'page', 'screen']);
  });

  it('documents the calls, refused batch items and the size limits in the OpenAPI document', async () => {
    const { body } = await api.call('GET', '/openapi.json', { key: null });
    for (const path of ['/v1/page', '/v1/screen', '/v1/alias', '/v1/group']) expect(body.paths[path].post.responses['200']).toBeDefined();
    expect(body.paths['/v1/page'].post.summary).toContain('page.viewed');
    expect(JSON.stringify(body.components.schemas.BatchResult)).toContain('#/components/schemas/RefusedItem');
    expect(body.components.schemas.RefusedItem.required).toEqual(expect.arrayContaining(['index', 'messageId', 'refused', 'error']));
    expect(body.components.schemas.TrackRequest.properties.anonymousId).toBeDefined();
    expect(body.components.schemas.TrackRequest.properties.properties.description).toContain('8192 bytes');
    expect(body.components.schemas.IdentifyRequest.properties.traits.description).toContain('8192 bytes');
    expect(body.components.schemas.EventResult.properties.conflict).toBeDefined();
  });
  it('takes the calls of the official analytics-node library as it sends them, anonymous visitor and all', async () => {
    // HTTP Basic auth is another change; here the library's requests carry the key as Bearer, and are otherwise its own.
    const answers: Array<{ status: number; body: any }> = [];
    const analytics = new Analytics({
      writeKey: API_KEY,
      host: api.url,
      maxEventsInBatch: 20,
      flushInterval: 60_000,
      httpClient: async (url: string, init: { headers: Record<string, string>; body: string; method: 'POST'; signal: any }) => {
        const headers = Object.fromEntries(Object.entries(init.headers).filter(([name]) => name.toLowerCase() !== 'authorization'));
        const response = await fetch(url, { ...init, headers: { ...headers, authorization: `Bearer ${API_KEY}` } });
        const text = await response.text();
        answers.push({ status: response.status, body: JSON.parse(text) });
        return new Response(text, { status: response.status, statusText: response.statusText, headers: response.headers });
      },
    });
    const visitor = id('node-visitor');
    const customer = id('node-user');
    analytics.page({ anonymousId: visitor, name: 'Pricing', properties: { path: '/pricing' } });
    analytics.identify({ anonymousId: visitor, traits: { city: 'Turin' } });
    analytics.track({ anonymousId: visitor, event: 'Product Viewed', properties: { sku: 'S-9' } });
    analytics.identify({ userId: customer, anonymousId: visitor, traits: { email: 'node@example.com' } });
    analytics.alias({ userId: customer, previousId: id('node-old-device') });
    analytics.group({ userId: customer, groupId: 'acme', traits: { name: 'Acme' } });
    analytics.screen({ userId: customer, name: 'Home' });
    analytics.track({ userId: customer, event: 'Order Completed', properties: { total: 12 }, timestamp: new Date(Date.now() - 60_000) });
    await analytics.closeAndFlush({ timeout: 20_000 });
    expect(answers.map((a) => a.status)).toEqual([200]);
    const results = answers[0]!.body.results;
    expect(results).toHaveLength(8);
    expect(results.filter((r: { refused?: boolean }) => r.refused)).toEqual([]);
    expect(await db.store.getContact(customer)).toMatchObject({ email: 'node@example.com', traits: { city: 'Turin', email: 'node@example.com' } });
    expect((await eventsOf(customer)).map((row) => `${row.type}:${row.event ?? ''}`).sort()).toEqual(
      ['alias:', 'group:', 'identify:', 'identify:', 'page:page.viewed', 'screen:screen.viewed', 'track:Order Completed', 'track:Product Viewed'],
    );
  });
  it('takes the shapes analytics.js sends: userId null for a visitor, a page without a name, extra fields ignored', async () => {
    const visitor = id('js-visitor');
    const response = await api.call('POST', '/v1/batch', {
      body: {
        sentAt: new Date().toISOString(),
        writeKey: 'ignored',
        batch: [
          { type: 'identify', userId: null, anonymousId: visitor, traits: { lang: 'it' }, messageId: id('js-1'), integrations: {}, context: { library: { name: 'analytics.js' } } },
          { type: 'page', event: 'page', anonymousId: visitor, name: null, category: null, properties: { path: '/', url: 'https://shop.example/' }, messageId: id('js-2'), _metadata: { bundled: [] } },
        ],
      },
    });
    expect(response.status).toBe(200);
    expect(response.body.results.map((r: { refused?: boolean }) => r.refused ?? false)).toEqual([false, false]);
    expect((await db.store.getContact(`anon:${visitor}`))?.traits).toEqual({ lang: 'it' });
    expect((await eventsOf(`anon:${visitor}`)).map((row) => row.properties)).toEqual([{}, { path: '/', url: 'https://shop.example/' }]);
  });
});
