// The typed client against a local HTTP server: request shapes, response validation, one error type.
import { createTouchpointClient, TouchpointApiError } from '../../client';
import { freePort } from '../support/ports';
import { customer, detail, INGEST_KEY, startFakeSupportApi, SUPPORT_KEY, WORKFLOW_ID, type FakeApi } from './fake-support-api';

let api: FakeApi;
beforeAll(async () => {
  api = await startFakeSupportApi();
});
afterAll(() => api.close());
beforeEach(() => {
  api.requests.length = 0;
});

const client = (key = SUPPORT_KEY) => createTouchpointClient({ baseUrl: `${api.url}/`, apiKey: key });

async function failure(promise: Promise<unknown>): Promise<TouchpointApiError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  if (!(error instanceof TouchpointApiError)) throw new Error(`expected a TouchpointApiError, got ${String(error)}`);
  return error;
}

test('track, identify and batch post the Segment shapes with the bearer key and return the results', async () => {
  const c = client(INGEST_KEY);
  await expect(c.track({ userId: 'cus_1', event: 'order_completed', messageId: 'm1', properties: { order_id: '42' } })).resolves.toEqual({ messageId: 'm1', duplicate: false, runs: [] });
  await expect(c.identify({ userId: 'cus_1', messageId: 'm2', traits: { email: 'ada@example.com' } })).resolves.toMatchObject({ messageId: 'm2' });
  await expect(c.batch([{ type: 'track', userId: 'cus_1', event: 'x', messageId: 'm3' }])).resolves.toEqual({ results: [{ messageId: 'm3', duplicate: false, runs: [] }] });
  expect(api.requests.map((r) => [r.method, r.url, r.authorization])).toEqual([
    ['POST', '/v1/track', `Bearer ${INGEST_KEY}`],
    ['POST', '/v1/identify', `Bearer ${INGEST_KEY}`],
    ['POST', '/v1/batch', `Bearer ${INGEST_KEY}`],
  ]);
  expect(api.requests[0]?.body).toEqual({ userId: 'cus_1', event: 'order_completed', messageId: 'm1', properties: { order_id: '42' }, type: 'track' });
});

test('support reads encode ids and filters into the route contract and return typed views', async () => {
  const c = client();
  await expect(c.findCustomer('+393331234567')).resolves.toEqual(customer);
  await expect(c.getRun(WORKFLOW_ID)).resolves.toEqual(detail);
  const page = await c.listRuns({ customerId: 'cus_1', journeyId: 'post-purchase', status: 'running', pageSize: 1 });
  expect(page.nextPageToken).toBe('page two');
  await expect(c.audit({ target: WORKFLOW_ID, limit: 5 })).resolves.toHaveLength(1);
  expect(api.requests.map((r) => r.url)).toEqual([
    '/v1/customers/%2B393331234567',
    '/v1/runs/journey%2Fpost-purchase%2Fcus_1%2Forder-42',
    '/v1/runs?customer=cus_1&journey=post-purchase&status=running&pageSize=1',
    '/v1/audit?target=journey%2Fpost-purchase%2Fcus_1%2Forder-42&limit=5',
  ]);
});

test('support actions post the reason and unwrap the answers', async () => {
  const c = client();
  await expect(c.exitRun(WORKFLOW_ID, 'asked by phone')).resolves.toMatchObject({ status: 'exited' });
  await expect(c.exitAllRuns('cus_1', 'account closed')).resolves.toEqual([expect.objectContaining({ status: 'exited' })]);
  await expect(c.setConsent('cus_1', { channel: 'email', status: 'subscribed', reason: 'asked to resubscribe' })).resolves.toEqual(customer);
  expect(api.requests.map((r) => [r.url, r.body])).toEqual([
    ['/v1/runs/journey%2Fpost-purchase%2Fcus_1%2Forder-42/exit', { reason: 'asked by phone' }],
    ['/v1/customers/cus_1/exit-all', { reason: 'account closed' }],
    ['/v1/customers/cus_1/consent', { channel: 'email', status: 'subscribed', reason: 'asked to resubscribe' }],
  ]);
});

test('an error body becomes a TouchpointApiError with the status, code and message of the API', async () => {
  const missing = await failure(client().findCustomer('nobody@example.com'));
  expect([missing.status, missing.code, missing.message]).toEqual([404, 'not_found', 'No customer matches "nobody@example.com".']);
  const forbidden = await failure(client(INGEST_KEY).listRuns());
  expect([forbidden.status, forbidden.code]).toEqual([403, 'forbidden']);
  const unauthorized = await failure(client('wrong-key-0123456789').getRun(WORKFLOW_ID));
  expect([unauthorized.status, unauthorized.code]).toEqual([401, 'unauthorized']);
});

test('a body that does not match the contract is reported as invalid_response, naming the field', async () => {
  const broken = createTouchpointClient({ baseUrl: api.url, apiKey: SUPPORT_KEY, fetch: (_url, init) => fetch(`${api.url}/v1/broken`, init) });
  const error = await failure(broken.getRun(WORKFLOW_ID));
  expect(error.code).toBe('invalid_response');
  expect(error.message).toMatch(/workflowId/);
});

test('an address where nothing listens gives status 0 and says to check TOUCHPOINT_URL', async () => {
  const port = await freePort();
  const error = await failure(createTouchpointClient({ baseUrl: `http://127.0.0.1:${port}`, apiKey: SUPPORT_KEY }).findCustomer('cus_1'));
  expect([error.status, error.code]).toEqual([0, 'unreachable']);
  expect(error.message).toContain(`http://127.0.0.1:${port}`);
  expect(error.message).toContain('TOUCHPOINT_URL');
});
