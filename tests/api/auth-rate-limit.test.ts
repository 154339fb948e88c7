// Wrong API keys and failed inspector sign-ins over real HTTP: after 10 failures from one address
// it gets 429 with Retry-After, whatever it sends (a right key included), on every route that
// checks the same keys; another address is not affected. The routes refuse before any data is
// read, so no store or Temporal is involved.
import { request } from 'node:http';
import { createApiServer } from '../../api';
import { DEFAULT_FAILURE_LIMIT } from '../../api/auth-failures';
import type { ApiKey } from '../../api/auth';
import { inspectorRoutes } from '../../inspector';
import type { Router } from '../../routing/router';
import type { Store } from '../../store/types';
import { listen, type Api } from './http';
import { createFakeService } from '../inspector/fake-support-service';

const SUPPORT_KEY = 'support-key-rate-0123456789';
const BROWSER_KEY = 'pk_browser_rate_0123456789';
const LIMIT = DEFAULT_FAILURE_LIMIT.failures;

/** The API and the inspector of one Touchpoint: both check the same key list, as runtime/start.ts passes it. */
async function touchpoint(): Promise<Api> {
  const keys: ApiKey[] = [{ key: SUPPORT_KEY, name: 'desk', role: 'support' }, { key: BROWSER_KEY, name: 'web', role: 'browser' }];
  const inspector = inspectorRoutes({ service: createFakeService(), keys, secret: 'rate-limit-secret', sessions: { end: async () => {}, isEnded: async () => false } });
  return listen(createApiServer({ store: {} as Store, router: {} as Router, apiKeys: keys, health: async () => ({}), plugins: [inspector] }));
}

const signIn = (api: Api, key: string) =>
  fetch(`${api.url}/inspector/login`, { method: 'POST', redirect: 'manual', body: new URLSearchParams({ key, next: '/inspector' }) });

/** A request from another local address (127.0.0.2), as another client would make it. */
function fromOtherAddress(url: string, key: string): Promise<number> {
  return new Promise((done, fail) => {
    const call = request(`${url}/v1/track`, { method: 'POST', localAddress: '127.0.0.2', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' } }, (response) => {
      response.resume();
      done(response.statusCode ?? 0);
    });
    call.on('error', fail);
    call.end('{}');
  });
}

describe('rate limits on API keys and inspector sign-in', () => {
  let api: Api;
  afterEach(() => api?.close());

  it('answers 429 with Retry-After after repeated wrong keys (Bearer, Basic, write keys), then even to a right key, and counts sign-ins with them', async () => {
    api = await touchpoint();
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT; i++) {
      // Wrong keys in every form a client may send one: Bearer, HTTP Basic (Segment), a write key in analytics.js's settings URL.
      const attempt = i % 3 === 0
        ? await api.call('POST', '/v1/track', { body: {}, key: `wrong-key-${i}-0123456789` })
        : i % 3 === 1
          ? await api.call('POST', '/v1/track', { body: {}, key: null, headers: { authorization: `Basic ${Buffer.from(`wrong-${i}:`).toString('base64')}` } })
          : await api.call('GET', `/v1/projects/wrong-write-key-${i}/settings`, { key: null });
      statuses.push(attempt.status);
    }
    expect(statuses).toEqual(Array.from({ length: LIMIT }, (_, i) => (i % 3 === 2 ? 404 : 401)));

    // A browser key's calls (public, anyone has it) get through without buying more guesses (400: the body is empty).
    expect((await api.call('GET', `/v1/projects/${BROWSER_KEY}/settings`, { key: null })).status).toBe(200);
    expect((await api.call('POST', '/v1/track', { body: {}, key: BROWSER_KEY })).status).toBe(400);

    const over = await api.call('POST', '/v1/track', { body: {}, key: 'one-more-wrong-key-0123' });
    expect(over).toMatchObject({ status: 429, body: { error: { code: 'too_many_failures', message: expect.stringContaining('wrong API key') } } });
    const retryAfter = Number(over.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(DEFAULT_FAILURE_LIMIT.blockSeconds - 10);
    expect(retryAfter).toBeLessThanOrEqual(DEFAULT_FAILURE_LIMIT.blockSeconds);

    // Blocked means blocked: the right key, the settings, and the inspector's sign-in (the same keys) all wait.
    const right = await api.call('POST', '/v1/track', { body: {}, key: BROWSER_KEY });
    expect(right.status).toBe(429);
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await api.call('GET', `/v1/projects/${BROWSER_KEY}/settings`, { key: null })).status).toBe(429);
    const inspector = await signIn(api, SUPPORT_KEY);
    expect(inspector.status).toBe(429);
    expect(Number(inspector.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(inspector.headers.get('set-cookie')).toBeNull();

    // Another client is not affected.
    expect(await fromOtherAddress(api.url, 'still-wrong-key-0123456')).toBe(401);
  });

  it('answers 429 with Retry-After after repeated wrong inspector sign-ins, with a page saying when to try again', async () => {
    api = await touchpoint();
    for (let i = 0; i < LIMIT; i++) expect((await signIn(api, `not-the-key-${i}`)).status).toBe(401);
    const over = await signIn(api, 'not-the-key-either');
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(DEFAULT_FAILURE_LIMIT.blockSeconds - 10);
    expect(await over.text()).toContain('Too many failed sign-ins from this address. Try again in 15 minute(s).');
    const right = await signIn(api, SUPPORT_KEY);
    expect(right.status).toBe(429);
    expect(right.headers.get('set-cookie')).toBeNull();
    // The API shares the count.
    expect((await api.call('POST', '/v1/track', { body: {}, key: BROWSER_KEY })).status).toBe(429);
  });

  it('does not count requests that send no key, or sign-ins with a valid key of another role', async () => {
    api = await touchpoint();
    for (let i = 0; i < LIMIT + 5; i++) {
      expect((await api.call('POST', '/v1/track', { body: {}, key: null })).status).toBe(401);
      expect((await signIn(api, BROWSER_KEY)).status).toBe(403);
    }
    expect((await api.call('POST', '/v1/track', { body: {}, key: 'a-wrong-key-0123456789' })).status).toBe(401);
  });
});
