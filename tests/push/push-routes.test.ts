// The push routes over real HTTP on a real store: subscriptions behind API keys with field
// level validation, the public scripts, and signed click reports becoming push.clicked events.
import { Client } from '@temporalio/client';
import webpush from 'web-push';
import { signPushClick } from '../../activities/channels/push-click-token';
import { createApiServer } from '../../api';
import { ingest } from '../../api/ingest';
import { pushRoutes } from '../../api/routes/push';
import { createRouter } from '../../routing';
import { API_KEY, listen, type Api } from '../api/http';
import { createTestStore, type TestStore } from '../support/db';
import { startPushService, type PushService } from '../support/push-service';
import { parseAllowedTargets } from '../../net/targets';

/** The local push service listens on loopback: allowed explicitly, as PUSH_ALLOWED_PRIVATE_TARGETS=127.0.0.1 would. */
const LOCAL_PUSH = parseAllowedTargets('127.0.0.1', 'PUSH_ALLOWED_PRIVATE_TARGETS');

const SECRET = 'push-routes-test-secret';
const vapid = webpush.generateVAPIDKeys();

describe('push routes', () => {
  let db: TestStore;
  let api: Api;
  let service: PushService;

  beforeAll(async () => {
    db = await createTestStore('pglite');
    service = await startPushService();
    const store = db.store;
    // The real router with no journeys: the click goes through the whole event path, and no
    // run is started (a lazy client that is never used).
    const router = createRouter({ client: new Client(), store, journeys: [], taskQueue: 'push-routes-test' });
    const routes = pushRoutes({ store, apiKeys: [API_KEY], vapidPublicKey: vapid.publicKey, publicUrl: 'http://127.0.0.1', allowedTargets: LOCAL_PUSH, secret: SECRET, ingest: (event) => ingest({ store, router }, event) });
    api = await listen(createApiServer({ store, router, apiKeys: [API_KEY], health: async () => ({}), plugins: [routes] }));
  });
  afterAll(async () => {
    await api?.close();
    await service?.close();
    await db?.dispose();
  });

  it('stores a browser subscription for a customer and removes it by endpoint', async () => {
    const subscription = service.subscribe();
    const saved = await api.call('POST', '/v1/push-subscriptions', { body: { userId: 'ada', subscription: { ...subscription, id: undefined, expirationTime: null }, userAgent: 'Firefox/130' } });
    expect(saved).toMatchObject({ status: 201, body: { userId: 'ada', endpoint: subscription.endpoint } });
    expect(await db.store.listPushSubscriptions('ada')).toEqual([
      expect.objectContaining({ endpoint: subscription.endpoint, customerId: 'ada', p256dh: subscription.keys.p256dh, auth: subscription.keys.auth, userAgent: 'Firefox/130' }),
    ]);
    expect((await api.call('DELETE', '/v1/push-subscriptions', { body: { endpoint: subscription.endpoint } })).status).toBe(204);
    expect(await db.store.listPushSubscriptions('ada')).toEqual([]);
    expect(await api.call('DELETE', '/v1/push-subscriptions', { body: { endpoint: subscription.endpoint } })).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
  });

  it('refuses a subscription without an API key, and a malformed one with the path of every bad field', async () => {
    const { endpoint, keys } = service.subscribe();
    expect(await api.call('POST', '/v1/push-subscriptions', { key: null, body: { userId: 'ada', subscription: { endpoint, keys } } })).toMatchObject({ status: 401, body: { error: { code: 'unauthorized' } } });

    const bad = await api.call('POST', '/v1/push-subscriptions', {
      body: { userId: 'ada', subscription: { endpoint: 'http://push.example.com/x', keys: { p256dh: keys.p256dh.slice(0, 40), auth: 'not base64url!' } } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues.map((issue: { path: unknown[] }) => issue.path)).toEqual([
      ['subscription', 'endpoint'],
      ['subscription', 'keys', 'p256dh'],
      ['subscription', 'keys', 'auth'],
    ]);
    const offCurve = Buffer.alloc(65, 7);
    offCurve[0] = 4;
    const notAPoint = await api.call('POST', '/v1/push-subscriptions', { body: { userId: 'ada', subscription: { endpoint, keys: { ...keys, p256dh: offCurve.toString('base64url') } } } });
    expect(notAPoint).toMatchObject({ status: 400, body: { error: { issues: [{ path: ['subscription', 'keys', 'p256dh'], message: 'p256dh is not a point on the P-256 curve' }] } } });
  });

  it('refuses endpoints that are not public https push services, naming subscription.endpoint and why', async () => {
    const { keys } = service.subscribe();
    // The production default (no PUSH_ALLOWED_PRIVATE_TARGETS) on the same store.
    const strict = await listen(createApiServer({ store: db.store, router: { route: async () => ({ runs: [] }) }, apiKeys: [API_KEY], health: async () => ({}), plugins: [pushRoutes({ store: db.store, apiKeys: [API_KEY], vapidPublicKey: vapid.publicKey, publicUrl: 'http://127.0.0.1' })] }));
    try {
      const cases: Array<[Api, string, RegExp]> = [
        [strict, 'https://169.254.169.254/latest/meta-data/', /169\.254\.169\.254 is a cloud metadata address/u],
        [api, 'https://169.254.169.254/x', /cloud metadata address; Touchpoint never connects to one/u],
        [strict, 'https://[fd00:ec2::254]/x', /fd00:ec2::254 is a cloud metadata address/u],
        [strict, 'https://metadata.google.internal/computeMetadata/v1/', /metadata\.google\.internal is a cloud metadata service/u],
        [strict, 'https://10.0.0.8/push/abc', /10\.0\.0\.8 is a private address; .*PUSH_ALLOWED_PRIVATE_TARGETS=10\.0\.0\.8:443/u],
        [strict, 'https://192.168.1.20/push', /a private address/u],
        [strict, 'https://[fe80::1]/push', /a link-local address/u],
        [strict, 'https://[fd12:3456::9]/push', /a unique-local address/u],
        [strict, 'https://[::1]:8443/push', /::1 is a loopback address/u],
        [strict, 'https://localhost/push', /localhost is a loopback address/u],
        [strict, service.subscribe().endpoint, /127\.0\.0\.1 is a loopback address/u],
      ];
      for (const [on, endpoint, why] of cases) {
        const answer = await on.call('POST', '/v1/push-subscriptions', { body: { userId: 'ada', subscription: { endpoint, keys } } });
        expect({ endpoint, status: answer.status }).toEqual({ endpoint, status: 400 });
        expect(answer.body.error.message).toMatch(/^Invalid push subscription body: subscription\.endpoint is refused: /u);
        expect(answer.body.error.message).toMatch(why);
        expect(answer.body.error.issues).toEqual([expect.objectContaining({ path: ['subscription', 'endpoint'] })]);
      }
      expect(await db.store.listPushSubscriptions('ada')).toEqual([]);
    } finally {
      await strict.close();
    }
  });

  it('serves the VAPID public key, the service worker and the client script to any origin', async () => {
    expect(await api.call('GET', '/push/vapid-public-key', { key: null })).toMatchObject({ status: 200, body: { publicKey: vapid.publicKey } });
    for (const [path, marker] of [
      ['/push/sw.js', "addEventListener('notificationclick'"],
      ['/push/touchpoint-push.js', 'global.TouchpointPush'],
    ] as const) {
      const response = await fetch(`${api.url}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      expect(await response.text()).toContain(marker);
      const etag = response.headers.get('etag') ?? '';
      expect((await fetch(`${api.url}${path}`, { headers: { 'if-none-match': etag } })).status).toBe(304);
    }
    expect((await fetch(`${api.url}/push/sw.js`)).headers.get('service-worker-allowed')).toBe('/');
  });

  it('records a signed click as one push.clicked event however often it is reported, and refuses a tampered token', async () => {
    const token = signPushClick(SECRET, { messageKey: 'journey/promo/bob/r1/push-1/1', customerId: 'bob', journeyId: 'promo', stepId: 'push-1' });
    // As the service worker sends it: text/plain, a CORS "simple" request.
    const click = () => api.call('POST', '/push/clicks', { key: null, body: JSON.stringify({ token }), headers: { 'content-type': 'text/plain' } });
    const first = await click();
    expect(first).toMatchObject({ status: 202, body: { messageId: expect.stringMatching(/^push\.clicked:/) } });
    expect((await click()).body).toEqual(first.body);
    const event = await db.store.recordEvent({ messageId: first.body.messageId, type: 'track', customerId: 'x', event: 'x', properties: {}, traits: {}, timestamp: new Date().toISOString() });
    expect(event).toMatchObject({
      inserted: false,
      event: { customerId: 'bob', event: 'push.clicked', properties: { journey_id: 'promo', step_id: 'push-1', message_key: 'journey/promo/bob/r1/push-1/1' }, routing: { runs: [] } },
    });

    const [payload, signature] = token.split('.');
    const forged = Buffer.from(Buffer.from(payload ?? '', 'base64url').toString().replace('"bob"', '"eve"')).toString('base64url');
    const tampered = await api.call('POST', '/push/clicks', { key: null, body: { token: `${forged}.${signature}` } });
    expect(tampered).toMatchObject({ status: 400, body: { error: { code: 'invalid_token' } } });
    expect(await api.call('POST', '/push/clicks', { key: null, body: { token: signPushClick('another-secret', { messageKey: 'k', customerId: 'bob', journeyId: 'promo', stepId: 's' }) } })).toMatchObject({ status: 400 });
  });
});
