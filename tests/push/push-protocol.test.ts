// The web-push library against a push service written from the RFCs: VAPID JWTs (RFC 8292),
// aes128gcm payloads (RFC 8291), and what each push service answer means for a send.
import { createECDH } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import webpush from 'web-push';
import { pushTargets, pushToSubscription, type PushRequestOptions } from '../../activities/channels/push-send';
import { parseAllowedTargets } from '../../net/targets';
import { createVapidCache, type VapidCache } from '../../activities/channels/vapid-cache';
import type { PushSubscriptionRecord } from '../../store/types';
import { startPushService, type PushService, type TestSubscription } from '../support/push-service';

/** The local push services listen on loopback: allowed explicitly, as PUSH_ALLOWED_PRIVATE_TARGETS=127.0.0.1 would. */
const LOCAL = pushTargets(parseAllowedTargets('127.0.0.1', 'PUSH_ALLOWED_PRIVATE_TARGETS'));

const keys = { ...webpush.generateVAPIDKeys(), subject: 'mailto:ops@touchpoint.test' };

const record = (subscription: TestSubscription): PushSubscriptionRecord => ({
  endpoint: subscription.endpoint,
  customerId: 'ada',
  p256dh: subscription.keys.p256dh,
  auth: subscription.keys.auth,
  userAgent: null,
  createdAt: new Date().toISOString(),
  lastSuccessAt: null,
});

describe('web push over the wire', () => {
  let service: PushService;
  let other: PushService;
  let vapid: VapidCache;
  const options = (): PushRequestOptions => ({ vapid, ttl: 3600, urgency: 'normal', topic: 'welcome-ada', timeoutMs: 5000, targets: LOCAL });

  beforeAll(async () => {
    [service, other] = await Promise.all([startPushService(), startPushService()]);
  });
  beforeEach(() => {
    vapid = createVapidCache(keys);
  });
  afterAll(async () => {
    await Promise.all([service?.close(), other?.close()]);
  });

  it('delivers a payload the push service decrypts with the subscription keys, with TTL, Urgency and Topic', async () => {
    const subscription = service.subscribe({ applicationServerKey: keys.publicKey });
    const payload = JSON.stringify({ title: 'Ciao Ada', body: 'Caffè & cornetto — 10% off ☕', url: 'https://shop.example/deals?x=1&y=2' });
    const before = service.received.length;
    const result = await pushToSubscription(record(subscription), payload, options());
    const message = service.received[before];
    expect(result).toEqual({ kind: 'sent', endpoint: subscription.endpoint, status: 201, location: message?.location });
    expect(message).toMatchObject({ text: payload, ttl: 3600, urgency: 'normal', topic: 'welcome-ada', vapidKey: keys.publicKey });
    expect(message?.claims).toMatchObject({ aud: service.origin, sub: 'mailto:ops@touchpoint.test' });
  });

  it('reuses one VAPID JWT per push service origin and signs another for a second origin', async () => {
    const [a, b, c] = [service.subscribe(), service.subscribe(), other.subscribe()];
    for (const s of [a, b, c]) expect((await pushToSubscription(record(s), '{"n":1}', options())).kind).toBe('sent');
    const jwtOf = (s: TestSubscription) => [...service.received, ...other.received].find((m) => m.endpoint === s.endpoint)?.jwt;
    expect(jwtOf(a)).toBeDefined();
    expect(jwtOf(b)).toBe(jwtOf(a));
    expect(jwtOf(c)).not.toBe(jwtOf(a));
    expect(other.received.at(-1)?.claims.aud).toBe(other.origin);
  });

  it('renews the VAPID JWT an hour before it expires', () => {
    let now = Date.now();
    const cache = createVapidCache(keys, { now: () => now });
    const first = cache.authorization(`${service.origin}/push/x`);
    now += 10 * 3600_000;
    expect(cache.authorization(`${service.origin}/push/y`)).toBe(first);
    now += 1 * 3600_000 + 1000;
    const renewed = cache.authorization(`${service.origin}/push/x`);
    expect(renewed).not.toBe(first);
    const exp = (header: string) => JSON.parse(Buffer.from(header.split('.')[1] ?? '', 'base64url').toString()).exp;
    expect(exp(renewed) - exp(first)).toBe(11 * 3600 + 1);
  });

  it('maps 410 to gone, 429 and 500 to transient, and a refused VAPID key to rejected', async () => {
    const gone = service.subscribe();
    service.expire(gone);
    expect(await pushToSubscription(record(gone), '{}', options())).toMatchObject({ kind: 'gone', status: 410 });

    const busy = service.subscribe();
    service.script(busy, 429, 500);
    expect(await pushToSubscription(record(busy), '{}', options())).toMatchObject({ kind: 'transient', status: 429, detail: expect.stringContaining('Retry-After 1') });
    expect(await pushToSubscription(record(busy), '{}', options())).toMatchObject({ kind: 'transient', status: 500 });
    expect(await pushToSubscription(record(busy), '{}', options())).toMatchObject({ kind: 'sent' });

    const otherKey = createECDH('prime256v1');
    otherKey.generateKeys();
    const bound = service.subscribe({ applicationServerKey: otherKey.getPublicKey().toString('base64url') });
    expect(await pushToSubscription(record(bound), '{}', options())).toMatchObject({ kind: 'rejected', status: 403, detail: expect.stringContaining('VAPID') });
  });

  it("keeps only a short status of a push service's answer, never its body", async () => {
    // The local service answers refusals with a text body ("scripted answer 400", "subscription expired").
    const subscription = service.subscribe();
    service.script(subscription, 400);
    const refused = await pushToSubscription(record(subscription), '{}', options());
    expect(refused).toEqual({ kind: 'rejected', endpoint: subscription.endpoint, status: 400, detail: `${service.origin} answered 400 Bad Request` });
    service.expire(subscription);
    const gone = await pushToSubscription(record(subscription), '{}', options());
    expect(gone).toEqual({ kind: 'gone', endpoint: subscription.endpoint, status: 410, detail: `${service.origin} answered 410 Gone` });
    expect(JSON.stringify([refused, gone])).not.toMatch(/scripted answer|subscription expired/u);
  });

  it('counts an unreachable push service as transient', async () => {
    const closed = await startPushService();
    const subscription = closed.subscribe();
    await closed.close();
    expect(await pushToSubscription(record(subscription), '{}', options())).toMatchObject({ kind: 'transient', status: null, detail: expect.stringContaining('ECONNREFUSED') });
  });

  it('counts a push service that never answers as transient after the timeout, and reuses one connection for messages to one service', async () => {
    // A service that reads requests and answers only when told (never, for the first).
    let connections = 0;
    let answer = false;
    const server = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        if (answer) response.writeHead(201, { location: '/m/1' }).end();
      });
    });
    server.on('connection', () => connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const at = { ...record(service.subscribe()), endpoint: `${origin}/push/x` };
    try {
      const started = Date.now();
      expect(await pushToSubscription(at, '{}', { ...options(), timeoutMs: 300 })).toEqual({ kind: 'transient', endpoint: at.endpoint, status: null, detail: `${origin} unreachable: no answer in time` });
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);

      answer = true;
      const before = connections;
      for (let i = 0; i < 5; i++) expect(await pushToSubscription(at, '{}', options())).toMatchObject({ kind: 'sent', location: '/m/1' });
      expect(connections - before).toBe(1);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('refuses what a real push service refuses: a wrong audience, an expired JWT, a body encrypted for other keys', async () => {
    const subscription = service.subscribe();
    const post = (authorization: string, body: Buffer) =>
      fetch(subscription.endpoint, { method: 'POST', headers: { authorization, ttl: '60', 'content-encoding': 'aes128gcm' }, body }).then((r) => r.status);
    const header = (audience: string, exp?: number) => webpush.getVapidHeaders(audience, keys.subject, keys.publicKey, keys.privateKey, 'aes128gcm', exp).Authorization;
    const sealedFor = (s: TestSubscription) => webpush.encrypt(s.keys.p256dh, s.keys.auth, 'hi', 'aes128gcm').cipherText;

    expect(await post(header(service.origin), sealedFor(subscription))).toBe(201);
    expect(await post(header(other.origin), sealedFor(subscription))).toBe(403);
    expect(await post(header(service.origin, Math.floor(Date.now() / 1000) - 10), sealedFor(subscription))).toBe(403);
    expect(await post(header(service.origin), sealedFor(service.subscribe()))).toBe(400);
    expect(await post('Bearer nope', sealedFor(subscription))).toBe(401);
  });
});
