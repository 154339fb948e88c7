// callWebhook against a real local HTTP receiver and a real store: the signed JSON request it
// sends, and how attempts (Temporal's, driven here by MockActivityEnvironment) end: retried on
// 5xx, 429, timeouts and refused connections, final on 2xx, another 4xx or the last attempt.
import { createHmac, randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../../activities';
import type { JourneyActivities, WebhookRequest } from '../../activities/contract';
import type { WebhookStep } from '../../dsl/schema';
import { verifyWebhook } from '../../webhooks/signature';
import { freePort } from '../support/ports';
import { startWebhookReceiver, type WebhookReceiver } from '../webhooks/receiver';
import { analyticsRows, openAnalyticsDb, type AnalyticsDb } from '../store/analytics-db';
import { parseAllowedTargets } from '../../net/targets';

/** The receivers listen on loopback: allowed explicitly, as WEBHOOK_ALLOWED_INTERNAL_TARGETS=127.0.0.0/8 would. */
const LOCAL_RECEIVERS = parseAllowedTargets('127.0.0.0/8', 'WEBHOOK_ALLOWED_INTERNAL_TARGETS');

const SECRET = 'crm-webhook-secret-0123456789abcdef';

describe('callWebhook', () => {
  let analytics: AnalyticsDb;
  let receiver: WebhookReceiver;
  let activities: JourneyActivities;
  beforeAll(async () => {
    [analytics, receiver] = await Promise.all([openAnalyticsDb('pglite'), startWebhookReceiver()]);
    activities = createActivities({ store: analytics.store, email: null, defaultTimezone: 'UTC', webhookSecrets: { CRM_SECRET: SECRET, WEBHOOK_SECRET: SECRET }, webhookTargets: LOCAL_RECEIVERS });
  });
  afterAll(async () => {
    await receiver?.close();
    await analytics?.dispose();
  });
  beforeEach(() => receiver.received.splice(0));

  const request = (webhook: Partial<WebhookStep> = {}, over: Partial<WebhookRequest> = {}): WebhookRequest => {
    const runId = `run-${randomUUID().slice(0, 8)}`;
    return {
      workflowId: 'journey/post-purchase/ada/A-1042',
      runId,
      journeyId: 'post-purchase',
      journeyVersion: 'v9',
      customerId: 'ada',
      callKey: `journey/post-purchase/ada/A-1042/${runId}/notify-crm/1`,
      stepId: 'notify-crm',
      webhook: { url: `${receiver.url}/hooks`, secret_env: 'CRM_SECRET', ...webhook },
      trigger: { id: 'evt-1', name: 'order.completed', properties: { order_id: 'A-1042', total: 59.9 }, timestamp: '2030-01-01T10:00:00.000Z' },
      survey: { step: 'nps', kind: 'nps', answered: true, score: 3, category: 'detractor', comment: 'Pessimo servizio', sentiment: 'negative', sentiment_score: -0.6 },
      ...over,
    };
  };
  const attempt = (n: number, req: WebhookRequest) => new MockActivityEnvironment({ attempt: n }).run(activities.callWebhook, req);

  test('sends one signed JSON request rendered from the run, and a call key already done is answered from the log', async () => {
    await analytics.store.upsertContact({ customerId: 'ada', traits: { email: 'ada@example.com', first_name: 'Ada' }, at: '2030-01-01T09:00:00.000Z' });
    const req = request(
      {
        url: `${receiver.url}/customers/{{customer.id}}/notes?order={{trigger.properties.order_id}}&who={{traits.email}}`,
        method: 'PUT',
        headers: { 'X-Journey': '{{journey.id}}@{{journey.version}}', 'Content-Type': 'text/plain' },
        body: {
          customer: '{{customer.id}}',
          score: '{{survey.score}}',
          note: '{{traits.first_name}} gave {{survey.score}}/10: {{survey.comment}}',
          answered: '{{ survey.answered }}',
          missing: '{{traits.nothing}}',
          tags: ['nps', '{{survey.category}}'],
          run: { id: '{{run.workflowId}}', step: '{{step.id}}' },
          fixed: 42,
        },
      },
      { customerId: 'ada/1' },
    );
    await analytics.store.upsertContact({ customerId: 'ada/1', traits: { email: 'ada+1@example.com', first_name: 'Ada <3' }, at: '2030-01-01T09:00:00.000Z' });
    const outcome = await attempt(1, req);
    expect(outcome).toEqual({ ok: true, status: 200, attempts: 1, detail: expect.stringMatching(/^HTTP 200 from 127\.0\.0\.1:\d+ in \d+ ms$/) });

    const [sent, ...more] = receiver.received;
    expect(more).toEqual([]);
    expect(sent?.method).toBe('PUT');
    // Values in the URL are percent-encoded, dots too: the customer id stays one path segment.
    expect(sent?.url).toBe('/customers/ada%2F1/notes?order=A-1042&who=ada%2B1%40example%2Ecom');
    expect(sent?.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': 'Touchpoint-Webhook/1',
      'idempotency-key': req.callKey,
      'x-journey': 'post-purchase@v9',
    });
    expect(JSON.parse(sent?.body ?? '')).toEqual({
      customer: 'ada/1',
      score: 3,
      note: 'Ada <3 gave 3/10: Pessimo servizio',
      answered: true,
      missing: null,
      tags: ['nps', 'detractor'],
      run: { id: 'journey/post-purchase/ada/A-1042', step: 'notify-crm' },
      fixed: 42,
    });

    const header = String(sent?.headers['touchpoint-signature']);
    expect(verifyWebhook(SECRET, header, sent?.body ?? '')).toMatchObject({ ok: true });
    const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header) ?? [];
    expect(Math.abs(Number(t) - Date.now() / 1000)).toBeLessThan(60);
    expect(createHmac('sha256', SECRET).update(`${t}.${sent?.body}`).digest('hex')).toBe(v1);

    expect(await analytics.store.getWebhookCall(req.callKey)).toMatchObject({ done: true, ok: true, status: 200, attempts: 1, method: 'PUT', responseExcerpt: '{"received":true}' });
    expect(await attempt(2, req)).toEqual(outcome);
    expect(receiver.received).toHaveLength(1);
  });

  test('a customer id of ".", ".." or with "/" arrives at the receiver as one path segment holding that id', async () => {
    const ids = ['.', '..', '../admin', 'a/../b', '...', './x', 'o\'brien\\x', 'zoë'];
    for (const customerId of ids) {
      receiver.received.splice(0);
      const req = request({ url: `${receiver.url}/customers/{{customer.id}}/notes?who={{customer.id}}`, secret_env: undefined }, { customerId });
      expect(await attempt(1, req)).toMatchObject({ ok: true, status: 200 });
      const sent = receiver.received[0]?.url ?? '';
      const [path = '', query = ''] = sent.split('?');
      const segments = path.split('/').map(decodeURIComponent);
      expect({ customerId, segments }).toEqual({ customerId, segments: ['', 'customers', customerId, 'notes'] });
      expect(new URLSearchParams(query).get('who')).toBe(customerId);
      // The log names the URL as it was requested, dots still encoded.
      expect((await analytics.store.getWebhookCall(req.callKey))?.url).toBe(`${receiver.url}${sent}`);
    }
  });

  test('without a body it sends the run, the trigger and the last survey answer (no traits)', async () => {
    await attempt(1, request({ secret_env: undefined }));
    expect(JSON.parse(receiver.received[0]?.body ?? '')).toEqual({
      customer: { id: 'ada' },
      journey: { id: 'post-purchase', version: 'v9' },
      step: { id: 'notify-crm' },
      run: { workflowId: 'journey/post-purchase/ada/A-1042', runId: expect.stringMatching(/^run-/) },
      trigger: { id: 'evt-1', name: 'order.completed', properties: { order_id: 'A-1042', total: 59.9 }, timestamp: '2030-01-01T10:00:00.000Z' },
      survey: expect.objectContaining({ score: 3, category: 'detractor' }),
    });
  });

  test('a 500 is retried (a retryable failure recorded as attempt 1), then a 200 ends it ok after 2 attempts with the same Idempotency-Key', async () => {
    receiver.script({ status: 500, body: 'database down' });
    const req = request();
    const failure = await attempt(1, req).then(
      () => null,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: 'WebhookUnavailable', nonRetryable: false, message: expect.stringContaining('HTTP 500 from 127.0.0.1') });
    expect(await analytics.store.getWebhookCall(req.callKey)).toMatchObject({
      done: false, ok: false, status: 500, attempts: 1, responseExcerpt: 'database down', detail: expect.stringContaining('attempt 1 of 5, will retry'),
    });

    const outcome = await attempt(2, req);
    expect(outcome).toMatchObject({ ok: true, status: 200, attempts: 2, detail: expect.stringContaining('(attempt 2)') });
    expect(receiver.received.map((r) => r.headers['idempotency-key'])).toEqual([req.callKey, req.callKey]);
  });

  test('a 400 is a final failure at once: no retry, the answer quoted for support staff', async () => {
    receiver.script({ status: 400, body: '{"error":"unknown field score"}' });
    const req = request();
    const outcome = await attempt(1, req);
    expect(outcome).toEqual({
      ok: false,
      status: 400,
      attempts: 1,
      detail: expect.stringMatching(/^HTTP 400 from 127\.0\.0\.1:\d+ in \d+ ms: \{"error":"unknown field score"\}\. Not retried: a 400 means the request itself must change/),
    });
    expect(receiver.received).toHaveLength(1);
    expect(await attempt(2, req)).toEqual(outcome);
    expect(receiver.received).toHaveLength(1);
  });

  test('a 503 on the last attempt is a final failure, not another retry', async () => {
    receiver.script({ status: 503 });
    const outcome = await attempt(3, request({ attempts: 3 }));
    expect(outcome).toMatchObject({ ok: false, status: 503, attempts: 3, detail: expect.stringContaining('gave up after 3 attempts (attempts: 3)') });
  });

  test('a 429 with Retry-After asks Temporal to wait that long before the next attempt', async () => {
    receiver.script({ status: 429, headers: { 'retry-after': '7' } });
    await expect(attempt(1, request())).rejects.toMatchObject({ type: 'WebhookUnavailable', nextRetryDelay: '7s' });
  });

  test('no answer within the timeout is retried, and ends as a failure with no status on the last attempt', async () => {
    const req = request({ timeout: '300ms', attempts: 2 });
    receiver.script({ status: 200, delayMs: 3000 }, { status: 200, delayMs: 3000 });
    await expect(attempt(1, req)).rejects.toMatchObject({ type: 'WebhookUnavailable', message: expect.stringContaining('no answer from 127.0.0.1') });
    const outcome = await attempt(2, req);
    expect(outcome).toEqual({ ok: false, status: null, attempts: 2, detail: expect.stringMatching(/^no answer from 127\.0\.0\.1:\d+ within 300ms; gave up after 2 attempts/) });
  });

  test('a refused connection is retried', async () => {
    const port = await freePort();
    await expect(attempt(1, request({ url: `http://127.0.0.1:${port}/hooks` }))).rejects.toMatchObject({
      type: 'WebhookUnavailable',
      message: expect.stringContaining(`could not reach 127.0.0.1:${port}: connect ECONNREFUSED`),
    });
  });

  test('a missing secret ends the step at once naming the variable and how to set it; nothing is called', async () => {
    const req = request({ secret_env: 'HELPDESK_SECRET' });
    const outcome = await attempt(1, req);
    expect(outcome).toEqual({
      ok: false,
      status: null,
      attempts: 0,
      detail:
        'Webhook step "notify-crm" of journey "post-purchase" was not called: HELPDESK_SECRET is not set, and every call is signed with it. ' +
        "Set HELPDESK_SECRET in the worker's environment (e.g. HELPDESK_SECRET=$(openssl rand -hex 32)), give the receiver the same value, and restart the worker.",
    });
    expect(receiver.received).toHaveLength(0);
  });

  test('a template that cannot render ends the step naming the part to fix', async () => {
    const outcome = await attempt(1, request({ body: { note: '{{#if survey.comment}}unclosed' } }));
    expect(outcome).toMatchObject({ ok: false, status: null, attempts: 0, detail: expect.stringContaining('webhook step "notify-crm" of journey "post-purchase": body.note: ') });
    expect(receiver.received).toHaveLength(0);
  });

  test('an internal receiver is called only when WEBHOOK_ALLOWED_INTERNAL_TARGETS names it; cloud metadata never', async () => {
    const withTargets = (targets?: string) =>
      createActivities({ store: analytics.store, email: null, defaultTimezone: 'UTC', webhookSecrets: { CRM_SECRET: SECRET }, ...(targets === undefined ? {} : { webhookTargets: parseAllowedTargets(targets, 'WEBHOOK_ALLOWED_INTERNAL_TARGETS') }) });
    const call = (targets: string | undefined, url: string) => new MockActivityEnvironment({ attempt: 1 }).run(withTargets(targets).callWebhook, request({ url }));
    const port = new URL(receiver.url).port;

    // The default: public receivers only. Refused before anything is sent, a final failure.
    const refused = await call(undefined, `${receiver.url}/hooks`);
    expect(refused).toEqual({
      ok: false,
      status: null,
      attempts: 0,
      detail: `Webhook step "notify-crm" of journey "post-purchase" was not called: 127.0.0.1 is a loopback address; only public addresses are reached unless WEBHOOK_ALLOWED_INTERNAL_TARGETS names the target (e.g. WEBHOOK_ALLOWED_INTERNAL_TARGETS=127.0.0.1:${port}).`,
    });
    // A loopback name is refused too (a name resolving to one is refused after DNS: tests/net).
    expect(await call(`localhost:${Number(port) + 1}`, `http://localhost:${port}/hooks`)).toMatchObject({ ok: false, attempts: 0, detail: expect.stringMatching(/was not called: localhost is a loopback address/u) });
    expect(receiver.received).toHaveLength(0);

    // Named by address and port, or by host name and port: called.
    expect(await call(`127.0.0.1:${port}`, `${receiver.url}/hooks`)).toMatchObject({ ok: true, status: 200 });
    expect(await call(`localhost:${port}`, `http://localhost:${port}/hooks`)).toMatchObject({ ok: true, status: 200 });
    expect(receiver.received).toHaveLength(2);

    // Metadata services are refused even when an allowed network covers them.
    for (const url of ['http://169.254.169.254/latest/meta-data/iam/', 'http://metadata.google.internal/computeMetadata/v1/', 'http://[fd00:ec2::254]/']) {
      expect(await call('169.254.0.0/16, fd00::/8, metadata.google.internal', url)).toMatchObject({ ok: false, attempts: 0, detail: expect.stringMatching(/cloud metadata (address|service); Touchpoint never connects to one/u) });
    }
    expect(receiver.received).toHaveLength(2);
  });

  test('progress given with the call is recorded before the call', async () => {
    const req = request({}, {
      progress: [{ stepId: 'is-detractor', kind: 'branch', visit: 1, enteredAt: '2030-01-09T10:00:00.000Z', finishedAt: '2030-01-09T10:00:00.000Z', outcome: 'case 1', result: 'case-1' }],
    });
    await attempt(1, req);
    expect((await analyticsRows(analytics.db, req.runId)).steps).toEqual([
      { step_id: 'is-detractor', visit: 1, kind: 'branch', result: 'case-1', outcome: 'case 1', journey_version: 'v9', customer_id: 'ada' },
    ]);
  });
});
