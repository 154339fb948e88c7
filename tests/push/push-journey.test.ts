// A journey that sends a web push and waits for the click, end to end: real API (subscription,
// track, click report), real router and workflow on the time-skipping server, real activities
// with the web-push library, and the local push service decrypting what arrived.
import { createHash } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import webpush from 'web-push';
import { createActivities } from '../../activities';
import { PushPayloadSchema } from '../../activities/channels/push';
import { createApiServer } from '../../api';
import { ingest } from '../../api/ingest';
import { pushRoutes } from '../../api/routes/push';
import { buildSnapshot } from '../../dsl/snapshot';
import { JourneySchema } from '../../dsl/schema';
import { createRouter } from '../../routing';
import { runStateQuery } from '../../workflows/definitions';
import { API_KEY, listen, type Api } from '../api/http';
import { createTestStore, type TestStore } from '../support/db';
import { startPushService, type PushService } from '../support/push-service';
import { startTimeSkipping } from '../workflows/support/time-skipping';
import { parseAllowedTargets } from '../../net/targets';

/** The local push service listens on loopback: allowed explicitly, as PUSH_ALLOWED_PRIVATE_TARGETS=127.0.0.1 would. */
const LOCAL_PUSH = parseAllowedTargets('127.0.0.1', 'PUSH_ALLOWED_PRIVATE_TARGETS');

const SOURCE = ['{{!-- push.title --}}', 'Your cart misses you, {{traits.first_name}}', '{{!-- push.body --}}', '{{event.properties.item}} is almost gone.', '{{!-- push.url --}}', 'https://shop.example/cart'].join('\n');
const HASH = createHash('sha256').update(SOURCE).digest('hex').slice(0, 16);
const journey = buildSnapshot(
  JourneySchema.parse({
    id: 'cart-push',
    name: 'Cart reminder by push',
    trigger: { event: 'cart.abandoned' },
    steps: [
      { id: 'remind', send: { channel: 'push', template: 'cart-reminder' } },
      { id: 'await-click', wait_for: { event: 'push.clicked', timeout: '3d', on_timeout: [{ id: 'no-click', exit: { reason: 'never clicked' } }] } },
    ],
  }),
  { 'cart-reminder': HASH },
  'tests/push/push-journey.test.ts',
);

describe('a push journey', () => {
  let db: TestStore;
  let service: PushService;
  let env: TestWorkflowEnvironment;
  let api: Api;
  let worker: Worker;
  let running: Promise<void>;

  beforeAll(async () => {
    try {
      Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } } });
    } catch {
      // Installed by an earlier test file in this jest worker.
    }
    [db, service, env] = await Promise.all([createTestStore('pglite'), startPushService(), startTimeSkipping()]);
    const store = db.store;
    await store.saveTemplateVersion({ name: 'cart-reminder', hash: HASH, source: SOURCE });
    const vapid = { ...webpush.generateVAPIDKeys(), subject: 'mailto:ops@shop.example' };
    const secret = 'journey-test-secret';
    const taskQueue = `push-journey-${process.pid}`;
    const router = createRouter({ client: env.client, store, journeys: [journey], taskQueue });
    const routes = pushRoutes({ store, apiKeys: [API_KEY], vapidPublicKey: vapid.publicKey, publicUrl: 'http://127.0.0.1', allowedTargets: LOCAL_PUSH, secret, ingest: (event) => ingest({ store, router }, event) });
    api = await listen(createApiServer({ store, router, apiKeys: [API_KEY], health: async () => ({}), plugins: [routes] }));
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: new DefaultLogger('ERROR') }),
      activities: createActivities({ store, email: null, push: { vapid, allowedTargets: LOCAL_PUSH }, links: { publicUrl: api.url, secret }, defaultTimezone: 'UTC' }),
    });
    running = worker.run();
  });
  afterAll(async () => {
    if (worker?.getState() === 'RUNNING') worker.shutdown();
    await running;
    await api?.close();
    await env?.teardown();
    await service?.close();
    await db?.dispose();
  });

  it('sends the notification to the subscribed browser and moves on when the customer clicks it', async () => {
    const browser = service.subscribe();
    const { id: _id, ...subscription } = browser;
    expect((await api.call('POST', '/v1/push-subscriptions', { body: { userId: 'ada', subscription } })).status).toBe(201);
    await api.call('POST', '/v1/identify', { body: { userId: 'ada', traits: { first_name: 'Ada' }, messageId: 'id-ada' } });
    const tracked = await api.call('POST', '/v1/track', { body: { userId: 'ada', event: 'cart.abandoned', properties: { item: 'The blue teapot' }, messageId: 'cart-ada-1' } });
    expect(tracked.body.runs).toEqual([expect.objectContaining({ journeyId: 'cart-push', action: 'started' })]);

    const [arrived] = await service.waitFor(1);
    const payload = PushPayloadSchema.parse(arrived?.json);
    expect(payload).toMatchObject({ title: 'Your cart misses you, Ada', body: 'The blue teapot is almost gone.', url: 'https://shop.example/cart', icon: null });
    expect(arrived?.claims.aud).toBe(service.origin);

    // What public/sw.js does on notificationclick: post the token to the report URL, twice here.
    const click = payload.click;
    expect(click?.report).toBe(`${api.url}/push/clicks`);
    for (let i = 0; i < 2; i++) {
      const answer = await fetch(click?.report ?? '', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ token: click?.token }) });
      expect(answer.status).toBe(202);
    }

    const handle = env.client.workflow.getHandle(tracked.body.runs[0].workflowId);
    await handle.result();
    const state = await handle.query(runStateQuery);
    expect(state.sends).toEqual([expect.objectContaining({ stepId: 'remind', channel: 'push', reason: 'sent', providerId: arrived?.location })]);
    expect(state.stepsDone.find((s) => s.stepId === 'await-click')?.outcome).toMatch(/^received push\.clicked/);
    expect(state).toMatchObject({ status: 'completed' });
    expect(service.received).toHaveLength(1);
  });
});
