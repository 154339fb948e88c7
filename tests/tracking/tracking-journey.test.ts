// Email engagement tracking end to end: a real journey run on the time-skipping server sends
// tracked email over real SMTP; the open pixel and the click redirect, fetched over real HTTP,
// become events through the real event path and wake the run's `wait_for: email.clicked`.
import { createHash } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import Fastify, { type FastifyInstance } from 'fastify';
import nodemailer from 'nodemailer';
import { createActivities } from '../../activities';
import { ingest } from '../../api/ingest';
import type { EventResult } from '../../api/schemas';
import { trackingRoutes } from '../../api/routes/tracking';
import { buildSnapshot } from '../../dsl/snapshot';
import { JourneySchema } from '../../dsl/schema';
import { createRouter } from '../../routing';
import type { LoggedEventInput } from '../../store/types';
import { signClickToken } from '../../tracking/tokens';
import { runStateQuery } from '../../workflows/definitions';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';
import { createTestStore, type TestStore } from '../support/db';
import { startTimeSkipping } from '../workflows/support/time-skipping';

const SOURCE = [
  '{{!-- email.subject --}}',
  'Your picks, {{traits.first_name}}',
  '{{!-- email.html --}}',
  '<html><body><p><a href="https://shop.example/picks?for={{customer.id}}">See your picks</a> · <a href="mailto:help@shop.example">Help</a></p></body></html>',
  '{{!-- email.text --}}',
  'See your picks: https://shop.example/picks',
].join('\n');
const HASH = createHash('sha256').update(SOURCE).digest('hex').slice(0, 16);
const journey = buildSnapshot(
  JourneySchema.parse({
    id: 'picks',
    name: 'Picks with click tracking',
    trigger: { event: 'signed.up' },
    steps: [
      { id: 'picks-mail', send: { channel: 'email', template: 'picks' } },
      { id: 'await-click', wait_for: { event: 'email.clicked', timeout: '3d', on_timeout: [{ id: 'no-click', exit: { reason: 'never clicked' } }] } },
    ],
  }),
  { picks: HASH },
  'tests/tracking/tracking-journey.test.ts',
);
const SECRET = 'tracking-test-secret-0123456789';

describe('email open and click tracking', () => {
  let db: TestStore;
  let mail: SmtpSink;
  let env: TestWorkflowEnvironment;
  let http: FastifyInstance;
  let publicUrl: string;
  let worker: Worker;
  let running: Promise<void>;
  let router: ReturnType<typeof createRouter>;
  const ingested: Array<{ event: LoggedEventInput; result: EventResult }> = [];

  beforeAll(async () => {
    try {
      Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } } });
    } catch {
      // Installed by an earlier test file in this jest worker.
    }
    [db, mail, env] = await Promise.all([createTestStore('pglite'), startSmtpSink(), startTimeSkipping()]);
    const store = db.store;
    await store.saveTemplateVersion({ name: 'picks', hash: HASH, source: SOURCE });
    const taskQueue = `tracking-${process.pid}`;
    router = createRouter({ client: env.client, store, journeys: [journey], taskQueue });
    const record = async (event: LoggedEventInput) => {
      const result = await ingest({ store, router }, event);
      ingested.push({ event, result });
      return result;
    };
    http = Fastify({ logger: false });
    await http.register(trackingRoutes({ store, secret: SECRET, ingest: record }));
    publicUrl = (await http.listen({ port: 0, host: '127.0.0.1' })).replace('localhost', '127.0.0.1');
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: mail.port, secure: false, ignoreTLS: true });
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: new DefaultLogger('ERROR') }),
      activities: createActivities({ store, email: { transport, from: 'Shop <hello@shop.example>' }, links: { publicUrl, secret: SECRET }, defaultTimezone: 'UTC' }),
    });
    running = worker.run();
  });
  afterAll(async () => {
    if (worker?.getState() === 'RUNNING') worker.shutdown();
    await running;
    await http?.close();
    await env?.teardown();
    await mail?.close();
    await db?.dispose();
  });

  const get = (url: string, headers: Record<string, string> = {}) => fetch(url, { redirect: 'manual', headers });

  it('records opens (flagging privacy proxies), redirects clicks to the original URL, and wakes the waiting run', async () => {
    await db.store.upsertContact({ customerId: 'ada', traits: { email: 'ada@shop.example', first_name: 'Ada' }, at: new Date().toISOString() });
    const started = await ingest({ store: db.store, router }, {
      messageId: 'signup-ada', type: 'track', customerId: 'ada', event: 'signed.up', properties: {}, traits: {}, timestamp: new Date().toISOString(),
    });
    const handle = env.client.workflow.getHandle(started.runs[0]?.workflowId ?? '');

    const [sent] = await mail.waitFor(1);
    const html = typeof sent?.html === 'string' ? sent.html : '';
    expect(html).toContain('href="mailto:help@shop.example"');
    expect(html).not.toContain('https://shop.example/picks');
    const pixel = /<img src="([^"]+\/t\/o\/[^"]+\.gif)" width="1" height="1" alt="">/.exec(html)?.[1] ?? '';
    const click = /href="([^"]+\/t\/c\/[^"]+)"/.exec(html)?.[1] ?? '';
    expect(pixel.startsWith(`${publicUrl}/t/o/`)).toBe(true);

    // Apple Mail Privacy Protection fetches the pixel with a bare user agent: flagged. A repeat in the hour is one event.
    for (let i = 0; i < 2; i++) {
      const opened = await get(pixel, { 'user-agent': 'Mozilla/5.0' });
      expect(opened.status).toBe(200);
      expect(opened.headers.get('content-type')).toBe('image/gif');
      expect(opened.headers.get('cache-control')).toContain('no-store');
    }
    const opens = ingested.filter(({ event }) => event.event === 'email.opened');
    expect(opens.map(({ result }) => result.duplicate)).toEqual([false, true]);
    expect(opens[0]?.event).toMatchObject({ customerId: 'ada', properties: { journey_id: 'picks', step_id: 'picks-mail', privacy_proxy: true } });

    const clicked = await get(click, { 'user-agent': 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15' });
    expect(clicked.status).toBe(302);
    expect(clicked.headers.get('location')).toBe('https://shop.example/picks?for=ada');

    await handle.result();
    const state = await handle.query(runStateQuery);
    expect(state.sends).toEqual([expect.objectContaining({ stepId: 'picks-mail', channel: 'email', reason: 'sent' })]);
    expect(state.stepsDone.find((s) => s.stepId === 'await-click')?.outcome).toMatch(/^received email\.clicked/);
    const clicks = ingested.filter(({ event }) => event.event === 'email.clicked');
    expect(clicks[0]?.event).toMatchObject({ customerId: 'ada', properties: { url: 'https://shop.example/picks?for=ada', link_index: 0, journey_id: 'picks' } });

    // The stored content is what was sent, with the original URLs the click tokens point into.
    const messageKey = String(clicks[0]?.event.properties.message_key);
    const row = await db.store.getMessage(messageKey);
    expect(row?.content).toMatchObject({ html, links: ['https://shop.example/picks?for=ada'] });

    // A link whose token was changed is refused, never redirected.
    const count = ingested.length;
    const tampered = `${click.slice(0, -1)}${click.endsWith('A') ? 'B' : 'A'}`;
    const refused = await get(tampered);
    expect(refused.status).toBe(400);
    expect(refused.headers.get('location')).toBeNull();
    expect(await refused.text()).toContain('This link is not valid');
    // A correctly signed token for a URL index the message never had is refused as well.
    const outside = signClickToken(SECRET, { k: messageKey, c: 'ada', j: 'picks', s: 'picks-mail', i: 1 });
    const beyond = await get(`${publicUrl}/t/c/${outside}`);
    expect(beyond.status).toBe(400);
    expect(beyond.headers.get('location')).toBeNull();
    // ... and so is one naming another customer than the message's.
    const stranger = signClickToken(SECRET, { k: messageKey, c: 'eve', j: 'picks', s: 'picks-mail', i: 0 });
    expect((await get(`${publicUrl}/t/c/${stranger}`)).status).toBe(400);
    expect((await get(`${pixel.slice(0, -5)}x.gif`)).status).toBe(400);
    expect(ingested).toHaveLength(count);
  });
});
