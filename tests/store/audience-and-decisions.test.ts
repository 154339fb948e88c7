// The store's send-decision contract (consent, suppressions, push subscriptions, cap counts,
// twins, delivery reports), run unchanged against in-memory PGlite and a fresh PostgreSQL database.
import { randomUUID } from 'node:crypto';
import type { Store } from '../../store/types';
import { createTestStore, STORE_KINDS, type TestStore } from '../support/db';

const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

function claim(messageKey: string, overrides: Partial<Parameters<Store['claimMessage']>[0]> = {}): Parameters<Store['claimMessage']>[0] {
  return {
    messageKey,
    workflowId: 'journey/welcome/c1',
    runId: 'run-1',
    journeyId: 'welcome',
    journeyVersion: 'v1',
    stepId: 'hello',
    customerId: 'c1',
    channel: 'email',
    template: 'welcome',
    templateVersion: 'h1',
    address: null,
    ...overrides,
  };
}

describe.each(STORE_KINDS)('send decisions in the store on %s', (kind) => {
  let testStore: TestStore;
  let store: Store;
  beforeAll(async () => {
    testStore = await createTestStore(kind);
    store = testStore.store;
  });
  afterAll(() => testStore?.dispose());

  /** Claim and finish a message with `reason` at `at`. */
  const finished = async (reason: 'sent' | 'skipped:unsubscribed', at: string, overrides: Partial<Parameters<Store['claimMessage']>[0]> = {}) => {
    const key = unique('k');
    await store.claimMessage(claim(key, overrides));
    return store.finishMessage(key, { reason, at, providerId: reason === 'sent' ? unique('p') : null });
  };

  test('consent is absent until changed, the latest change per channel is current and the history keeps every change', async () => {
    const customerId = unique('c');
    expect(await store.getConsent(customerId)).toEqual({});
    await store.setConsent({ customerId, channel: 'email', status: 'unsubscribed', source: 'unsubscribe_link', reason: null, by: null, at: '2024-05-01T10:00:00Z' });
    await store.setConsent({ customerId, channel: 'sms', status: 'unsubscribed', source: 'sms_keyword', reason: 'STOP', by: null, at: '2024-05-01T11:00:00Z' });
    const back = await store.setConsent({ customerId, channel: 'email', status: 'subscribed', source: 'support', reason: 'asked by phone', by: 'agent@shop', at: '2024-05-02T10:00:00Z' });
    expect(back).toEqual({ customerId, channel: 'email', status: 'subscribed', source: 'support', reason: 'asked by phone', by: 'agent@shop', changedAt: '2024-05-02T10:00:00.000Z' });

    const current = await store.getConsent(customerId);
    expect(current.email).toEqual(back);
    expect(current.sms).toMatchObject({ status: 'unsubscribed', source: 'sms_keyword', reason: 'STOP' });
    expect(current.push).toBeUndefined();
    expect((await store.consentHistory(customerId)).map((c) => `${c.channel}:${c.status}`)).toEqual(['email:unsubscribed', 'sms:unsubscribed', 'email:subscribed']);
  });

  test('two consent changes with the same timestamp: the one recorded last is current', async () => {
    const customerId = unique('c');
    const at = '2024-05-01T10:00:00Z';
    await store.setConsent({ customerId, channel: 'email', status: 'subscribed', source: 'api', reason: null, by: null, at });
    await store.setConsent({ customerId, channel: 'email', status: 'unsubscribed', source: 'list_unsubscribe', reason: null, by: null, at });
    expect((await store.getConsent(customerId)).email?.status).toBe('unsubscribed');
  });

  test('suppressions are keyed by channel and normalised address, updated by a second add and removable', async () => {
    const address = `${unique('bounce')}@Example.com`;
    await store.addSuppression({ channel: 'email', address: ` ${address} `, reason: 'hard_bounce', detail: '550 5.1.1', at: '2024-05-01T10:00:00Z' });
    expect(await store.getSuppression('email', address.toUpperCase())).toEqual({
      channel: 'email', address: address.toLowerCase(), reason: 'hard_bounce', detail: '550 5.1.1', createdAt: '2024-05-01T10:00:00.000Z',
    });
    expect(await store.getSuppression('sms', address)).toBeNull();
    await store.addSuppression({ channel: 'email', address, reason: 'complaint', detail: 'spam report', at: '2024-05-02T10:00:00Z' });
    expect(await store.getSuppression('email', address)).toMatchObject({ reason: 'complaint', detail: 'spam report', createdAt: '2024-05-01T10:00:00.000Z' });
    expect(await store.removeSuppression('email', address)).toBe(true);
    expect(await store.removeSuppression('email', address)).toBe(false);
    expect(await store.getSuppression('email', address)).toBeNull();
  });

  test('findContactsByPhone finds every contact with that phone column', async () => {
    const phone = `+3933${Math.floor(Math.random() * 1e8)}`;
    const [a, b] = [unique('c'), unique('c')];
    await store.upsertContact({ customerId: a, traits: { phone }, at: '2024-05-01T10:00:00Z' });
    await store.upsertContact({ customerId: b, traits: { phone: ` ${phone} ` }, at: '2024-05-01T10:00:00Z' });
    expect((await store.findContactsByPhone(phone)).map((c) => c.customerId).sort()).toEqual([a, b].sort());
    expect(await store.findContactsByPhone('+10000000000')).toEqual([]);
  });

  test('a push subscription is saved by endpoint, refreshed, moved to another customer, marked used and deleted', async () => {
    const [ada, bob] = [unique('c'), unique('c')];
    const endpoint = `https://push.example/${unique('ep')}`;
    const saved = await store.savePushSubscription({ customerId: ada, endpoint, p256dh: 'k1', auth: 'a1', userAgent: 'Firefox', at: '2024-05-01T10:00:00Z' });
    expect(saved).toEqual({ endpoint, customerId: ada, p256dh: 'k1', auth: 'a1', userAgent: 'Firefox', createdAt: '2024-05-01T10:00:00.000Z', lastSuccessAt: null });
    await store.savePushSubscription({ customerId: ada, endpoint: `${endpoint}-2`, p256dh: 'k2', auth: 'a2', at: '2024-05-01T11:00:00Z' });
    expect((await store.listPushSubscriptions(ada)).map((s) => s.endpoint)).toEqual([endpoint, `${endpoint}-2`]);

    const moved = await store.savePushSubscription({ customerId: bob, endpoint, p256dh: 'k3', auth: 'a3', at: '2024-06-01T10:00:00Z' });
    expect(moved).toMatchObject({ customerId: bob, p256dh: 'k3', auth: 'a3', userAgent: 'Firefox', createdAt: '2024-05-01T10:00:00.000Z' });
    expect((await store.listPushSubscriptions(ada)).map((s) => s.endpoint)).toEqual([`${endpoint}-2`]);

    await store.markPushSubscriptionUsed(endpoint, '2024-06-02T10:00:00Z');
    expect((await store.listPushSubscriptions(bob))[0]?.lastSuccessAt).toBe('2024-06-02T10:00:00.000Z');
    expect(await store.deletePushSubscription(endpoint)).toBe(true);
    expect(await store.deletePushSubscription(endpoint)).toBe(false);
    expect(await store.listPushSubscriptions(bob)).toEqual([]);
  });

  test('countSent counts sent messages of one customer, channel and category since an instant, across journeys', async () => {
    const customerId = unique('c');
    await finished('sent', '2024-05-01T10:00:00Z', { customerId, journeyId: 'a' });
    await finished('sent', '2024-05-05T10:00:00Z', { customerId, journeyId: 'b' });
    await finished('sent', '2024-05-06T10:00:00Z', { customerId, category: 'transactional' });
    await finished('sent', '2024-05-06T10:00:00Z', { customerId, channel: 'sms' });
    await finished('skipped:unsubscribed', '2024-05-06T10:00:00Z', { customerId });
    const count = (since: string) => store.countSent({ customerId, channel: 'email', category: 'marketing', since });
    expect(await count('2024-04-01T00:00:00Z')).toBe(2);
    expect(await count('2024-05-02T00:00:00Z')).toBe(1);
    expect(await count('2024-05-06T00:00:00Z')).toBe(0);
    expect(await store.countSent({ customerId, channel: 'sms', category: 'marketing', since: '2024-01-01T00:00:00Z' })).toBe(1);
  });

  test('findSentTwin finds a sent message of another run for the same trigger, step and template, not the run itself', async () => {
    const customerId = unique('c');
    const same = { customerId, journeyId: 'welcome', stepId: 'hello', template: 'welcome', triggerId: 'm-1' };
    const sent = await finished('sent', '2024-05-01T10:00:00Z', { ...same, runId: 'run-1' });
    const look = (over: Partial<Parameters<Store['findSentTwin']>[0]>) => store.findSentTwin({ ...same, excludeKey: 'other-key', excludeRunId: 'run-2', ...over });
    expect((await look({}))?.messageKey).toBe(sent.messageKey);
    expect(await look({ excludeKey: sent.messageKey })).toBeNull();
    expect(await look({ excludeRunId: 'run-1' })).toBeNull();
    expect(await look({ triggerId: 'm-2' })).toBeNull();
    expect(await look({ stepId: 'other' })).toBeNull();
    await finished('skipped:unsubscribed', '2024-05-01T10:00:00Z', { ...same, customerId: `${customerId}-x` });
    expect(await look({ customerId: `${customerId}-x` })).toBeNull();
  });

  test('a delivery report is recorded by provider id, an older report never overwrites a newer one, an unknown id is null', async () => {
    const providerId = unique('SM');
    const key = unique('k');
    await store.claimMessage(claim(key, { channel: 'sms' }));
    await store.finishMessage(key, { reason: 'sent', providerId, at: '2024-05-01T10:00:00Z' });
    expect((await store.getMessageByProviderId('sms', providerId))?.messageKey).toBe(key);
    expect(await store.getMessageByProviderId('email', providerId)).toBeNull();

    const delivered = await store.recordDelivery({ channel: 'sms', providerId, status: 'delivered', at: '2024-05-01T10:00:05Z' });
    expect(delivered).toMatchObject({ messageKey: key, deliveryStatus: 'delivered', deliveryDetail: null, deliveryUpdatedAt: '2024-05-01T10:00:05.000Z', reason: 'sent' });
    const stale = await store.recordDelivery({ channel: 'sms', providerId, status: 'sent', detail: 'late', at: '2024-05-01T10:00:01Z' });
    expect(stale).toMatchObject({ deliveryStatus: 'delivered', deliveryUpdatedAt: '2024-05-01T10:00:05.000Z' });
    const failed = await store.recordDelivery({ channel: 'sms', providerId, status: 'undelivered', detail: '30003 Unreachable', at: '2024-05-01T10:01:00Z' });
    expect(failed).toMatchObject({ deliveryStatus: 'undelivered', deliveryDetail: '30003 Unreachable' });
    expect(await store.recordDelivery({ channel: 'sms', providerId: unique('SM'), status: 'delivered', at: '2024-05-01T10:00:00Z' })).toBeNull();
  });

  test('a concurrent, stale attempt of the same key cannot dispatch once another attempt re-took it', async () => {
    const key = unique('k');
    await store.claimMessage(claim(key));
    await store.retakeMessage(key);
    await expect(store.markMessageDispatching(key, { channel: 'email', address: 'a@example.com', attempt: 1 })).rejects.toThrow(
      `message ${key} cannot be dispatched: its status is deciding at attempt 2 (this attempt is 1)`,
    );
    await store.markMessageDispatching(key, { channel: 'email', address: 'a@example.com', attempt: 2 });
    expect((await store.getMessage(key))?.status).toBe('dispatching');
  });
});
