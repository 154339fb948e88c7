// The push channel on a real store and the local push service: the rendered notification,
// several browsers per customer, and what gone or unavailable subscriptions do to a send.
import { createHash, randomUUID } from 'node:crypto';
import webpush from 'web-push';
import type { ChannelInput } from '../../activities/channels/channel';
import { verifyPushClick } from '../../activities/channels/push-click-token';
import { createActivities } from '../../activities';
import { createPushChannel, PushPayloadSchema } from '../../activities/channels/push';
import type { SendRequest } from '../../activities/contract';
import { createRenderer } from '../../render/renderer';
import type { Store } from '../../store/types';
import { createTestStore, type TestStore } from '../support/db';
import { startPushService, type PushService, type TestSubscription } from '../support/push-service';
import { parseAllowedTargets } from '../../net/targets';

/** The local push service listens on loopback: allowed explicitly, as PUSH_ALLOWED_PRIVATE_TARGETS=127.0.0.1 would. */
const LOCAL_PUSH = parseAllowedTargets('127.0.0.1', 'PUSH_ALLOWED_PRIVATE_TARGETS');

const SOURCE = [
  '{{!-- push.title --}}',
  'Still thinking about it, {{traits.first_name}}?',
  '{{!-- push.body --}}',
  'Your {{event.properties.item}} is waiting & 10% off.',
  '{{!-- push.url --}}',
  'https://shop.example/cart?c={{customer.id}}&utm=push',
  '{{!-- push.icon --}}',
  'https://shop.example/icon.png',
].join('\n');
const HASH = createHash('sha256').update(SOURCE).digest('hex').slice(0, 16);
const SECRET = 'channel-test-secret';
const vapid = { ...webpush.generateVAPIDKeys(), subject: 'mailto:ops@shop.example' };

describe('the push channel', () => {
  let db: TestStore;
  let store: Store;
  let service: PushService;
  const channel = createPushChannel({ vapid, allowedTargets: LOCAL_PUSH }, { links: { publicUrl: 'https://touchpoint.shop.example', secret: SECRET } });

  beforeAll(async () => {
    [db, service] = await Promise.all([createTestStore('pglite'), startPushService()]);
    store = db.store;
    await store.saveTemplateVersion({ name: 'cart-reminder', hash: HASH, source: SOURCE });
  });
  afterAll(async () => {
    await service?.close();
    await db?.dispose();
  });

  /** A customer with `count` browser subscriptions, and the channel input for one send to them. */
  const customerWith = async (count: number) => {
    const customerId = `c-${randomUUID().slice(0, 8)}`;
    const subscriptions: TestSubscription[] = [];
    for (let i = 0; i < count; i++) {
      const subscription = service.subscribe({ applicationServerKey: vapid.publicKey });
      await store.savePushSubscription({ customerId, endpoint: subscription.endpoint, ...subscription.keys, at: new Date().toISOString() });
      subscriptions.push(subscription);
    }
    const request: SendRequest = {
      messageKey: `journey/cart/${customerId}/run-1/remind/1`,
      workflowId: `journey/cart/${customerId}`,
      runId: 'run-1',
      journeyId: 'cart',
      journeyVersion: 'v1',
      stepId: 'remind',
      customerId,
      channel: 'push',
      template: 'cart-reminder',
      templateVersion: HASH,
      trigger: { id: 'evt-1', name: 'cart.abandoned', properties: { item: 'espresso cup' }, timestamp: '2030-01-01T00:00:00.000Z' },
    };
    const traits = { first_name: 'Ada' };
    const input: ChannelInput = {
      request,
      contact: null,
      store,
      renderer: createRenderer(store),
      context: { customer: { id: customerId }, traits, event: { name: 'cart.abandoned', properties: request.trigger.properties, timestamp: request.trigger.timestamp }, journey: { id: 'cart' } },
    };
    return { customerId, subscriptions, input };
  };

  const send = async (input: ChannelInput) => {
    const addresses = await channel.addresses(input);
    return channel.deliver(input, await channel.render(input), addresses);
  };
  const arrivedAt = (subscription: TestSubscription) => service.received.filter((m) => m.endpoint === subscription.endpoint);

  it('delivers the rendered notification to every browser of the customer, exactly as rendered', async () => {
    const { customerId, subscriptions, input } = await customerWith(2);
    const result = await send(input);
    const [a, b] = subscriptions.map(arrivedAt);
    expect(a).toHaveLength(1);
    expect(b).toHaveLength(1);
    const payload = a?.[0]?.json;
    expect(payload).toEqual({
      title: 'Still thinking about it, Ada?',
      body: 'Your espresso cup is waiting & 10% off.',
      url: `https://shop.example/cart?c=${customerId}&utm=push`,
      icon: 'https://shop.example/icon.png',
      tag: expect.stringMatching(/^tp-[0-9a-f]{24}$/),
      click: { token: expect.any(String), report: 'https://touchpoint.shop.example/push/clicks' },
    });
    expect(b?.[0]?.json).toEqual(payload);
    expect(a?.[0]).toMatchObject({ urgency: 'normal', ttl: 86_400 });
    expect(verifyPushClick(SECRET, PushPayloadSchema.parse(payload).click?.token ?? '')).toEqual({ messageKey: input.request.messageKey, customerId, journeyId: 'cart', stepId: 'remind' });
    expect(result).toMatchObject({ kind: 'final', reason: 'sent', providerId: a?.[0]?.location, detail: 'Accepted by 2 of 2 push subscription(s).' });
    expect((await store.listPushSubscriptions(customerId)).every((s) => s.lastSuccessAt !== null)).toBe(true);
  });

  it('removes a subscription the push service says is gone and still sends to the others', async () => {
    const { customerId, subscriptions, input } = await customerWith(2);
    const [gone, alive] = subscriptions as [TestSubscription, TestSubscription];
    service.expire(gone);
    expect(await send(input)).toMatchObject({ kind: 'final', reason: 'sent', address: alive.endpoint, detail: expect.stringContaining('1 gone and removed') });
    expect((await store.listPushSubscriptions(customerId)).map((s) => s.endpoint)).toEqual([alive.endpoint]);
  });

  it('fails as invalid_address and removes every subscription when all are gone', async () => {
    const { customerId, subscriptions, input } = await customerWith(2);
    subscriptions.forEach((s) => service.expire(s));
    expect(await send(input)).toMatchObject({ kind: 'final', reason: 'failed:invalid_address' });
    expect(await store.listPushSubscriptions(customerId)).toEqual([]);
  });

  it('asks for a retry when no browser accepted it yet, and sends once on the retry', async () => {
    const { subscriptions, input } = await customerWith(1);
    const [only] = subscriptions as [TestSubscription];
    service.script(only, 429);
    expect(await send(input)).toMatchObject({ kind: 'retry', type: 'ProviderUnavailable', detail: expect.stringContaining('answered 429') });
    expect(arrivedAt(only)).toHaveLength(0);
    expect(await send(input)).toMatchObject({ kind: 'final', reason: 'sent' });
    expect(arrivedAt(only)).toHaveLength(1);
  });

  it('counts as sent when one browser accepted and another is unavailable, without a retry', async () => {
    const { subscriptions, input } = await customerWith(2);
    service.script(subscriptions[1] as TestSubscription, 500);
    expect(await send(input)).toMatchObject({ kind: 'final', reason: 'sent', detail: expect.stringContaining('1 unavailable') });
  });

  it('goes through sendMessage: the log keeps what was sent, and a customer whose browsers are all gone fails as invalid_address', async () => {
    const { sendMessage } = createActivities({ store, email: null, push: { vapid, allowedTargets: LOCAL_PUSH }, links: { publicUrl: 'https://touchpoint.shop.example', secret: SECRET }, defaultTimezone: 'UTC' });
    const { subscriptions, input } = await customerWith(1);
    const outcome = await sendMessage(input.request);
    const [arrived] = arrivedAt(subscriptions[0] as TestSubscription);
    expect(outcome).toMatchObject({ reason: 'sent', channel: 'push', providerId: arrived?.location });
    const row = await store.getMessage(input.request.messageKey);
    expect(row).toMatchObject({ status: 'done', reason: 'sent', address: subscriptions[0]?.endpoint, content: expect.objectContaining(PushPayloadSchema.parse(arrived?.json)) });
    expect(await sendMessage(input.request)).toEqual(outcome);
    expect(arrivedAt(subscriptions[0] as TestSubscription)).toHaveLength(1);

    const lost = await customerWith(2);
    lost.subscriptions.forEach((s) => service.expire(s));
    expect(await sendMessage(lost.input.request)).toMatchObject({ reason: 'failed:invalid_address', channel: 'push' });
    expect(await store.listPushSubscriptions(lost.customerId)).toEqual([]);
  });

  it('does not connect to a stored endpoint that is not public, unless PUSH_ALLOWED_PRIVATE_TARGETS names it; nothing arrives' /* after DNS: tests/net/targets.test.ts */, async () => {
    // Stored before the check, or the allow-list changed since: the production default refuses
    // the loopback push service when sending, a final failure (not a retry).
    const { subscriptions, input } = await customerWith(1);
    const strict = createPushChannel({ vapid }, { links: { publicUrl: 'https://touchpoint.shop.example', secret: SECRET } });
    const result = await strict.deliver(input, await strict.render(input), await strict.addresses(input));
    expect(result).toMatchObject({ kind: 'final', reason: 'failed:provider' });
    expect(JSON.stringify(result)).toMatch(/127\.0\.0\.1 is a loopback address; only public addresses are reached unless PUSH_ALLOWED_PRIVATE_TARGETS names the target/u);
    expect(arrivedAt(subscriptions[0]!)).toEqual([]);
  });

  it('is not configured without VAPID keys', async () => {
    const off = createPushChannel(null);
    expect(off.configured).toBe(false);
    expect(off.notConfiguredDetail).toContain('VAPID_PUBLIC_KEY');
  });
});
