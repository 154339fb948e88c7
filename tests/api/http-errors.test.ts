// The API's edges over real HTTP: every error is `{ error: { code, message } }` with the right
// status, bad input is never a 500, and /openapi.json documents every route.
import { Client, Connection } from '@temporalio/client';
import { createApiServer } from '../../api';
import { createRouter } from '../../routing';
import { createTestStore, type TestStore } from '../support/db';
import { freePort } from '../support/ports';
import { sendStep, snapshotOf } from '../routing/fixtures';
import { API_KEY, listen, type Api } from './http';

describe('the API edges', () => {
  let db: TestStore;
  let connection: Connection;
  let api: Api;

  beforeAll(async () => {
    db = await createTestStore('pglite');
    // Nothing listens here: Temporal is "down", which /healthz must report. No test reaches the router.
    connection = Connection.lazy({ address: `127.0.0.1:${await freePort()}` });
    const client = new Client({ connection });
    const journeys = [snapshotOf({ id: 'onboarding', name: 'Onboarding', trigger: { event: 'user.signed_up' }, steps: [sendStep()] })];
    const router = createRouter({ client, store: db.store, journeys, taskQueue: 'edges' });
    const health = async () => ({
      temporal: await connection
        .withDeadline(Date.now() + 2_000, () => connection.healthService.check({}))
        .then(() => 'ok', (error: Error) => `down: ${error.message}`),
      database: await db.store.ping().then(() => 'ok'),
    });
    api = await listen(createApiServer({ store: db.store, router, apiKeys: [API_KEY], health, bodyLimitBytes: 2_048 }));
  });
  afterAll(async () => {
    await api?.close();
    await connection?.close();
    await db?.dispose();
  });

  const track = { userId: 'u1', event: 'user.signed_up', messageId: 'm1' };

  it.each([
    ['no Authorization header', null, 'No API key.'],
    ['an unknown key', 'not-a-valid-key', 'This API key is not valid.'],
    ['a key of another length', `${API_KEY}x`, 'This API key is not valid.'],
  ])('refuses a request with %s with 401 saying how to get a key', async (_what, key, start) => {
    const response = await api.call('POST', '/v1/track', { body: track, key });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(response.body).toEqual({ error: { code: 'unauthorized', message: expect.stringContaining(start) } });
    expect(response.body.error.message).toContain('TOUCHPOINT_API_KEYS');
  });

  it('refuses an Authorization header whose Basic user name is not a key', async () => {
    const response = await api.call('POST', '/v1/track', { body: track, key: null, headers: { authorization: `Basic ${API_KEY}` } });
    expect(response).toMatchObject({ status: 401, body: { error: { code: 'unauthorized', message: expect.stringContaining('Bearer <key>') } } });
  });

  it('answers an unknown route with 404 naming the method and path and pointing to /openapi.json', async () => {
    const response = await api.call('GET', '/v1/tracks?x=1', { key: null });
    expect(response).toEqual({
      status: 404,
      headers: expect.anything(),
      body: { error: { code: 'not_found', message: 'There is no route GET /v1/tracks. GET /openapi.json lists every route.' } },
    });
  });

  it('answers a body over the limit with 413', async () => {
    const response = await api.call('POST', '/v1/track', { body: { ...track, properties: { blob: 'x'.repeat(4_000) } } });
    expect(response).toMatchObject({ status: 413, body: { error: { code: 'payload_too_large', message: expect.stringContaining('2048 bytes') } } });
  });

  it('answers a body that is not JSON with 415', async () => {
    const response = await api.call('POST', '/v1/track', { body: 'userId=u1', headers: { 'content-type': 'text/plain' } });
    expect(response).toMatchObject({ status: 415, body: { error: { code: 'unsupported_media_type', message: expect.stringContaining('application/json') } } });
  });

  it('parses text/plain holding a JSON object as JSON (analytics.js), with the same checks', async () => {
    const plain = { 'content-type': 'text/plain' };
    const broken = await api.call('POST', '/v1/track', { body: '{"userId": "u1",', headers: plain });
    expect(broken).toMatchObject({ status: 400, body: { error: { code: 'invalid_json' } } });
    const poisoned = await api.call('POST', '/v1/t', { body: '{"__proto__": {"x": 1}}', headers: plain });
    expect(poisoned).toMatchObject({ status: 400, body: { error: { code: 'invalid_json' } } });
    const invalid = await api.call('POST', '/v1/t', { body: JSON.stringify({ userId: 'u1', event: 'user.signed_up' }), headers: plain });
    expect(invalid).toMatchObject({ status: 400, body: { error: { code: 'invalid_request', message: expect.stringContaining('messageId') } } });
  });

  it('answers malformed JSON with 400 invalid_json', async () => {
    const response = await api.call('POST', '/v1/track', { body: '{"userId": "u1",' });
    expect(response).toMatchObject({ status: 400, body: { error: { code: 'invalid_json', message: expect.stringContaining('not valid JSON') } } });
  });

  it('explains why messageId is required', async () => {
    const response = await api.call('POST', '/v1/identify', { body: { userId: 'u1', traits: {} } });
    expect(response.status).toBe(400);
    expect(response.body.error.issues).toEqual([
      { path: ['messageId'], code: 'invalid_type', message: expect.stringContaining('retries are de-duplicated by it') },
    ]);
  });

  it.each([
    ['an empty body', undefined],
    ['an array', '[]'],
    ['null', 'null'],
    ['a string', '"track"'],
    ['a number as messageId', { ...track, messageId: 5 }],
    ['an event name with a trailing space', { ...track, event: 'Order Completed ' }],
    ['a timestamp without a zone', { ...track, timestamp: '2025-01-01 10:00' }],
    ['properties that are a list', { ...track, properties: [1, 2] }],
    ['a __proto__ key', '{"userId":"u1","event":"a","messageId":"m","__proto__":{"x":1}}'],
    ['an empty batch', { batch: [] }],
    ['a batch that is not a list', { batch: { 0: track } }],
  ])('answers %s with a 400 error body, never a 500', async (_what, body) => {
    const path = typeof body === 'object' && body !== null && 'batch' in body ? '/v1/batch' : '/v1/track';
    const response = await api.call('POST', path, { body, headers: { 'content-type': 'application/json' } });
    expect(response.status).toBe(400);
    expect(response.body.error).toEqual(expect.objectContaining({ code: expect.stringMatching(/^invalid_(json|request)$/), message: expect.any(String) }));
  });

  it('reports 503 naming what is down on /healthz', async () => {
    const response = await api.call('GET', '/healthz', { key: null });
    expect(response.status).toBe(503);
    expect(response.body).toMatchObject({ status: 'unavailable', database: 'ok', temporal: expect.stringMatching(/^down: /) });
    expect(response.body.message).toMatch(/^temporal is down: /);
  });

  it('serves an OpenAPI 3.1 document listing every route, publicly', async () => {
    const { status, body } = await api.call('GET', '/openapi.json', { key: null });
    expect(status).toBe(200);
    expect(body.openapi).toBe('3.1.0');
    expect(Object.keys(body.paths).sort()).toEqual([
      '/healthz', '/openapi.json', '/v1/alias', '/v1/audit', '/v1/batch', '/v1/customers/{id}/consent', '/v1/customers/{id}/exit-all', '/v1/customers/{query}',
      '/v1/group', '/v1/identify', '/v1/page', '/v1/projects/{writeKey}/settings', '/v1/push-subscriptions', '/v1/reports/journeys/{journeyId}', '/v1/runs', '/v1/runs/{workflowId}',
      '/v1/runs/{workflowId}/exit', '/v1/screen', '/v1/track',
    ]);
    expect(body.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(body.components.securitySchemes.writeKey).toMatchObject({ type: 'http', scheme: 'basic' });
    expect(body.paths['/healthz'].get.security).toEqual([]);
    const track = body.paths['/v1/track'].post;
    expect(track.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/TrackRequest' });
    expect(Object.keys(track.responses).sort()).toEqual(['200', '202', '400', '401', '403', '413', '415', '429', '503']);
    expect(body.components.schemas.TrackRequest.required).toEqual(expect.arrayContaining(['event', 'messageId']));
    expect(body.components.schemas.Error.properties.error.required).toEqual(['code', 'message']);
    expect(body.components.schemas.BatchRequest.properties.batch.maxItems).toBe(500);
    // Every $ref resolves inside the document.
    const refs = JSON.stringify(body).match(/"\$ref":"[^"]+"/g) ?? [];
    for (const ref of refs) expect(body.components.schemas).toHaveProperty(ref.slice(29, -1));
  });
});
