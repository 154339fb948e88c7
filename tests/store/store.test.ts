// The Store contract, run unchanged against in-memory PGlite and a fresh PostgreSQL database.
import { randomUUID } from 'node:crypto';
import type { Store } from '../../store/types';
import { createTestStore, STORE_KINDS, type TestStore } from '../support/db';

const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

function messageClaim(messageKey: string, overrides: Partial<Parameters<Store['claimMessage']>[0]> = {}) {
  return {
    messageKey,
    workflowId: 'journey/welcome/c1',
    runId: 'run-1',
    journeyId: 'welcome',
    journeyVersion: 'v1',
    stepId: 'hello',
    customerId: 'c1',
    channel: 'email' as const,
    template: 'welcome',
    templateVersion: 'h1',
    address: null,
    ...overrides,
  };
}

describe.each(STORE_KINDS)('store on %s', (kind) => {
  let testStore: TestStore;
  let store: Store;
  beforeAll(async () => {
    testStore = await createTestStore(kind);
    store = testStore.store;
  });
  afterAll(() => testStore?.dispose());

  test('reports its engine and answers ping', async () => {
    expect(store.kind).toBe(kind);
    await expect(store.ping()).resolves.toBeUndefined();
  });

  test('upsertContact creates a contact with email lower-cased and phone trimmed into columns', async () => {
    const id = unique('c');
    const contact = await store.upsertContact({
      customerId: id,
      traits: { email: '  Ada@Example.COM ', phone: ' +39 333 1234567 ', first_name: 'Ada' },
      at: '2024-05-01T10:00:00.000Z',
    });
    expect(contact).toEqual({
      customerId: id,
      email: 'ada@example.com',
      phone: '+39 333 1234567',
      traits: { email: '  Ada@Example.COM ', phone: ' +39 333 1234567 ', first_name: 'Ada' },
      createdAt: '2024-05-01T10:00:00.000Z',
      updatedAt: '2024-05-01T10:00:00.000Z',
    });
    expect(await store.getContact(id)).toEqual(contact);
  });

  test('upsertContact merges traits, keeps columns for absent traits and clears them for null ones', async () => {
    const id = unique('c');
    await store.upsertContact({ customerId: id, traits: { email: 'a@example.com', phone: '+1 555', plan: 'free', age: 30 }, at: '2024-05-01T10:00:00Z' });
    const merged = await store.upsertContact({ customerId: id, traits: { plan: 'pro', tags: ['x', 'y'] }, at: '2024-05-02T10:00:00Z' });
    expect(merged.traits).toEqual({ email: 'a@example.com', phone: '+1 555', plan: 'pro', age: 30, tags: ['x', 'y'] });
    expect(merged.email).toBe('a@example.com');
    expect(merged.phone).toBe('+1 555');
    expect(merged.createdAt).toBe('2024-05-01T10:00:00.000Z');
    expect(merged.updatedAt).toBe('2024-05-02T10:00:00.000Z');

    const cleared = await store.upsertContact({ customerId: id, traits: { email: null, phone: 'B@X' }, at: '2024-05-03T10:00:00Z' });
    expect(cleared.email).toBeNull();
    expect(cleared.phone).toBe('B@X');
    expect(cleared.traits.email).toBeNull();
  });

  test('getContact returns null for an unknown customer', async () => {
    expect(await store.getContact(unique('nobody'))).toBeNull();
  });

  test('recordEvent stores an event once and returns the stored row with its routing for a duplicate messageId', async () => {
    const messageId = unique('m');
    const input = {
      messageId,
      type: 'track' as const,
      customerId: 'c1',
      event: 'order.completed',
      properties: { total: 42, items: [{ sku: 'a' }] },
      traits: {},
      timestamp: '2024-05-01T10:00:00.000Z',
    };
    const first = await store.recordEvent(input);
    expect(first.inserted).toBe(true);
    expect(first.event).toMatchObject({ ...input, routedAt: null, routing: null });
    expect(Number.isNaN(Date.parse(first.event.receivedAt))).toBe(false);

    await store.markEventRouted(messageId, { started: ['journey/welcome/c1'] });
    const again = await store.recordEvent({ ...input, properties: { total: 1 } });
    expect(again.inserted).toBe(false);
    expect(again.event.properties).toEqual({ total: 42, items: [{ sku: 'a' }] });
    expect(again.event.routing).toEqual({ started: ['journey/welcome/c1'] });
    expect(again.event.routedAt).not.toBeNull();
  });

  test('lastEntry returns the most recent entry per entry key, with its journey version, and recordEntry is idempotent', async () => {
    const customerId = unique('c');
    expect(await store.lastEntry('welcome', customerId, '')).toBeNull();
    const entry = { journeyId: 'welcome', customerId, entryKey: '', workflowId: `journey/welcome/${customerId}`, triggerMessageId: 'm1', enteredAt: '2024-05-01T10:00:00.000Z', journeyVersion: 'v1' };
    await store.recordEntry(entry);
    await store.recordEntry(entry);
    await store.recordEntry({ ...entry, triggerMessageId: 'm2', enteredAt: '2024-06-01T10:00:00.000Z', journeyVersion: 'v2' });
    const { journeyVersion: _none, ...unversioned } = entry;
    await store.recordEntry({ ...unversioned, entryKey: 'order-9', triggerMessageId: 'm3', enteredAt: '2024-07-01T10:00:00.000Z' });
    expect(await store.lastEntry('welcome', customerId, '')).toEqual({ ...entry, triggerMessageId: 'm2', enteredAt: '2024-06-01T10:00:00.000Z', journeyVersion: 'v2' });
    expect(await store.lastEntry('welcome', customerId, 'order-9')).toMatchObject({ triggerMessageId: 'm3', journeyVersion: null });
    expect(await store.lastEntry('other', customerId, '')).toBeNull();
  });

  test('recordFirstEntry records only a first entry per journey and entry key, and is idempotent for the same trigger', async () => {
    const customerId = unique('c');
    const entry = { journeyId: 'welcome', customerId, entryKey: '', workflowId: `journey/welcome/${customerId}`, triggerMessageId: 'm1', enteredAt: '2024-05-01T10:00:00.000Z', journeyVersion: 'v1' };
    expect(await store.recordFirstEntry(entry)).toBe(true);
    expect(await store.lastEntry('welcome', customerId, '')).toEqual(entry);
    // A retry of the same event, and a later event: both find an entry and record nothing.
    expect(await store.recordFirstEntry(entry)).toBe(false);
    expect(await store.recordFirstEntry({ ...entry, triggerMessageId: 'm2', enteredAt: '2024-06-01T10:00:00.000Z' })).toBe(false);
    expect(await store.lastEntry('welcome', customerId, '')).toEqual(entry);
    // Another entry key or journey is a first entry of its own.
    expect(await store.recordFirstEntry({ ...entry, entryKey: 'order-1', triggerMessageId: 'm3' })).toBe(true);
    expect(await store.recordFirstEntry({ ...entry, journeyId: 'other', triggerMessageId: 'm4' })).toBe(true);
    expect(await store.lastEntry('welcome', customerId, 'order-1')).toMatchObject({ triggerMessageId: 'm3' });
  });

  test('concurrent recordFirstEntry calls answer as one at a time would: one first entry per journey, customer and key', async () => {
    const a = unique('c');
    const b = unique('c');
    const entry = (customerId: string, triggerMessageId: string, entryKey = '') =>
      ({ journeyId: 'welcome', customerId, entryKey, workflowId: `journey/welcome/${customerId}`, triggerMessageId, enteredAt: '2024-05-01T10:00:00.000Z', journeyVersion: 'v1' });
    const calls = [entry(a, 'a1'), entry(b, 'b1'), entry(a, 'a2'), entry(a, 'a1'), entry(a, 'a3', 'k'), entry(b, 'b2')];
    expect(await Promise.all(calls.map((e) => store.recordFirstEntry(e)))).toEqual([true, true, false, false, true, false]);
    expect(await store.lastEntry('welcome', a, '')).toMatchObject({ triggerMessageId: 'a1' });
    expect(await store.lastEntry('welcome', b, '')).toMatchObject({ triggerMessageId: 'b1' });
    expect(await store.lastEntry('welcome', a, 'k')).toMatchObject({ triggerMessageId: 'a3' });
  });

  test('a message goes deciding → dispatching → retrying → re-taken → done, and a second claim returns the existing row', async () => {
    const key = unique('k');
    const claim = await store.claimMessage(messageClaim(key, { triggerId: 'm-1' }));
    expect(claim.claimed).toBe(true);
    expect(claim.row).toMatchObject({
      messageKey: key, status: 'deciding', reason: null, attempts: 1, content: null, category: 'marketing', triggerId: 'm-1',
      deliveryStatus: null, deliveryDetail: null, deliveryUpdatedAt: null, sentAt: null, retryAt: null,
      engagement: { openedAt: null, clickedAt: null, openCount: 0, proxiedOpenCount: 0, clickCount: 0 },
    });

    const second = await store.claimMessage(messageClaim(key, { stepId: 'other' }));
    expect(second).toEqual({ claimed: false, row: claim.row });

    await store.markMessageDispatching(key, { channel: 'email', address: 'ada@example.com', attempt: 1 });
    expect(await store.getMessage(key)).toMatchObject({ status: 'dispatching', address: 'ada@example.com' });
    await store.markMessageRetrying(key, 'SMTP connection refused');
    expect(await store.getMessage(key)).toMatchObject({ status: 'retrying', detail: 'SMTP connection refused' });
    const retaken = await store.retakeMessage(key);
    expect(retaken).toMatchObject({ status: 'deciding', attempts: 2 });

    const done = await store.finishMessage(key, {
      reason: 'sent',
      providerId: '<abc@touchpoint>',
      content: { subject: 'Hi', html: '<p>Hi</p>' },
      address: 'ada@example.com',
      channel: 'sms',
      at: '2024-05-01T10:00:00.000Z',
    });
    expect(done).toMatchObject({
      sentAt: '2024-05-01T10:00:00.000Z',
      status: 'done',
      reason: 'sent',
      providerId: '<abc@touchpoint>',
      content: { subject: 'Hi', html: '<p>Hi</p>' },
      address: 'ada@example.com',
      channel: 'sms',
      detail: null,
      attempts: 2,
    });
    expect(await store.getMessage(key)).toEqual(done);
  });

  test('a finished message is never reopened and a dispatching one can be neither re-taken nor dispatched again', async () => {
    const key = unique('k');
    await store.claimMessage(messageClaim(key));
    await store.markMessageDispatching(key, { channel: 'email', address: 'a@example.com' });
    await expect(store.retakeMessage(key)).rejects.toThrow(`message ${key} cannot be re-taken: its status is dispatching`);
    await expect(store.markMessageDispatching(key, { channel: 'email', address: 'a@example.com' })).rejects.toThrow(
      `message ${key} cannot be dispatched: its status is dispatching`,
    );
    const deferred = unique('k');
    await store.claimMessage(messageClaim(deferred));
    expect(await store.finishMessage(deferred, { reason: 'deferred:quiet_hours', retryAt: '2024-05-02T07:00:00Z' })).toMatchObject({
      retryAt: '2024-05-02T07:00:00.000Z', sentAt: null,
    });
    await store.finishMessage(key, { reason: 'skipped:no_address', detail: 'no email' });
    await store.markMessageRetrying(key, 'late stale attempt');
    expect(await store.getMessage(key)).toMatchObject({ status: 'done', reason: 'skipped:no_address', detail: 'no email' });
    await expect(store.markMessageRetrying(unique('missing'), 'x')).rejects.toThrow('no message with key');
    expect(await store.getMessage(unique('missing'))).toBeNull();
  });

  test('listMessages filters by customer or workflow, newest first, with a limit', async () => {
    const customerId = unique('c');
    const keys = [unique('k'), unique('k'), unique('k')];
    for (const [i, key] of keys.entries()) {
      await store.claimMessage(messageClaim(key, { customerId, workflowId: i === 2 ? 'wf-b' : `wf-a-${customerId}` }));
    }
    const all = await store.listMessages({ customerId });
    expect(all.map((m) => m.messageKey).sort()).toEqual([...keys].sort());
    expect(all.map((m) => m.createdAt)).toEqual([...all.map((m) => m.createdAt)].sort().reverse());
    expect((await store.listMessages({ workflowId: `wf-a-${customerId}` })).map((m) => m.messageKey).sort()).toEqual(keys.slice(0, 2).sort());
    expect(await store.listMessages({ customerId, limit: 1 })).toHaveLength(1);
  });

  test('template versions are saved by hash, a second save is harmless and an unknown hash is null', async () => {
    const hash = unique('h');
    const version = { hash, name: 'welcome', source: '{{!-- email.subject --}}\nHi {{traits.first_name}}' };
    await store.saveTemplateVersion(version);
    await store.saveTemplateVersion(version);
    expect(await store.getTemplateVersion(hash)).toEqual(version);
    expect(await store.getTemplateVersion(unique('h'))).toBeNull();
  });
});
