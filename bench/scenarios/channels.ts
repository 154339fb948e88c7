// Benchmark: sends per second through the engine's send activity (sendMessage: claim, consent,
// render, provider call, message log, on a real store) against the provider library alone to
// the same local server: email vs pooled nodemailer, web push vs web-push signing a VAPID JWT per
// message. Servers are bench-grade (count, and for push verify + decrypt a sample) so the
// receiving side costs little of the two shared cores.
import { createECDH, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent as HttpAgent, createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import webpush from 'web-push';
import { createActivities } from '../../activities';
import { createSmtpTransport } from '../../runtime/smtp-transport';
import type { JourneyActivities, SendRequest } from '../../activities/contract';
import { pushTargets, pushToSubscription } from '../../activities/channels/push-send';
import { parseAllowedTargets } from '../../net/targets';
import { createVapidCache } from '../../activities/channels/vapid-cache';
import { loadJourneys } from '../../dsl/load';
import { createRenderer } from '../../render/renderer';
import { openStore, type PushSubscriptionRecord, type Store } from '../../store';
import { checkVapid, decrypt, type SubscriberKeys } from '../../tests/support/push-protocol-checks';
import { createBenchDatabase } from '../lib/database';
import { REPO_ROOT, sustain, type Metric, type Scenario, type ScenarioContext, type SustainResult } from '../lib';

const CUSTOMERS = 1000;
const CONCURRENCY = 16;
/** The push service checks the VAPID JWT and decrypts every SAMPLE_EVERY-th message. */
const SAMPLE_EVERY = 25;
const FROM = 'Ferncroft <hello@ferncroft.example>';
/** A notification like the engine's (title, body, url, tag), for the paths that skip rendering. */
const PUSH_PAYLOAD = JSON.stringify({ title: 'Still thinking about it, Ada?', body: 'Your basket is waiting, with 10% off today.', icon: null, url: 'https://shop.example/cart', tag: 'bench', click: null });
const PUSH_TEMPLATE = ['{{!-- push.title --}}', 'Still thinking about it, {{traits.first_name}}?', '{{!-- push.body --}}', 'Your basket is waiting, with 10% off today.', '{{!-- push.url --}}', 'https://shop.example/cart?c={{customer.id}}'].join('\n');

/** An SMTP server that accepts and counts (no parsing): what the engine and nodemailer send to. */
async function startCountingSmtp(): Promise<{ url: string; received: () => number; close(): Promise<void> }> {
  let received = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        received++;
        callback();
      });
    },
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `smtp://127.0.0.1:${port}`, received: () => received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

interface BenchPushService {
  origin: string;
  subscribe(): { endpoint: string; keys: { p256dh: string; auth: string } };
  accepted: () => number;
  /** Sampled messages that verified and decrypted to a JSON notification. */
  verified: () => number;
  problems: string[];
  close(): Promise<void>;
}

/** RFC 8030 endpoint per subscription; every SAMPLE_EVERY-th request is checked in full (tests/support/push-protocol-checks). */
async function startBenchPushService(): Promise<BenchPushService> {
  const subscribers = new Map<string, SubscriberKeys>();
  let accepted = 0;
  let verified = 0;
  let seen = 0;
  const problems: string[] = [];
  let origin = '';
  const body = (request: IncomingMessage) =>
    new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      request.on('data', (c: Buffer) => chunks.push(c));
      request.on('end', () => resolve(Buffer.concat(chunks)));
      request.on('error', reject);
    });
  const server = createServer((request, response) => {
    body(request)
      .then((payload) => {
        const subscriber = subscribers.get(/^\/push\/([\w-]+)$/.exec(request.url ?? '')?.[1] ?? '');
        if (!subscriber) return response.writeHead(404).end('no such subscription');
        if (++seen % SAMPLE_EVERY === 0) {
          checkVapid(request.headers.authorization, origin, null);
          const notification: unknown = JSON.parse(decrypt(payload, subscriber).toString('utf8'));
          if (typeof notification !== 'object' || notification === null || !('title' in notification)) throw new Error(`decrypted payload is not a notification: ${JSON.stringify(notification)}`);
          verified++;
        }
        accepted++;
        response.writeHead(201, { location: `${origin}/message/${seen}` }).end();
      })
      .catch((error: unknown) => {
        if (problems.length < 5) problems.push(error instanceof Error ? error.message : String(error));
        response.writeHead(400).end(String(error));
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    origin,
    subscribe() {
      const ecdh = createECDH('prime256v1');
      ecdh.generateKeys();
      const id = randomBytes(12).toString('hex');
      const keys: SubscriberKeys = { ecdh, publicKey: ecdh.getPublicKey(), auth: randomBytes(16) };
      subscribers.set(id, keys);
      return { endpoint: `${origin}/push/${id}`, keys: { p256dh: keys.publicKey.toString('base64url'), auth: keys.auth.toString('base64url') } };
    },
    accepted: () => accepted,
    verified: () => verified,
    problems,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Sends per second and per CPU-second of this process (load, engine and servers share it). */
interface Throughput {
  rate: number;
  perCpuSecond: number;
  sends: number;
  errors: number;
  firstErrors: string[];
}

async function measured(run: () => Promise<SustainResult>): Promise<Throughput> {
  const cpu = process.cpuUsage();
  const result = await run();
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  return { rate: result.rate, perCpuSecond: result.units / cpuSeconds, sends: result.units, errors: result.errors, firstErrors: result.firstErrors };
}

/** Keep CONCURRENCY sends in flight for `seconds`; a send whose outcome is not `sent` counts as an error. */
function load(ctx: ScenarioContext, label: string, seconds: number, send: (i: number) => Promise<void>): Promise<Throughput> {
  return measured(() => sustain({ label, seconds, concurrency: CONCURRENCY, progress: ctx.progress, unit: 'sends', call: send }));
}

function sendVia(activities: JourneyActivities, request: (i: number) => SendRequest): (i: number) => Promise<void> {
  return async (i) => {
    const outcome = await activities.sendMessage(request(i));
    if (outcome.reason !== 'sent') throw new Error(`send ${i}: ${outcome.reason}: ${outcome.detail}`);
  };
}

export const scenario: Scenario = {
  name: 'channels',
  title: 'email and web push sends/s through the send activity vs nodemailer (pooled) and web-push (VAPID per message) alone',
  async run(ctx) {
    const seconds = ctx.pick(20, 5);
    const dataDir = await mkdtemp(join(tmpdir(), 'touchpoint-bench-channels-'));
    const database = await createBenchDatabase(dataDir);
    const cleanups: Array<() => Promise<unknown>> = [() => rm(dataDir, { recursive: true, force: true }), () => database.drop()];
    try {
      const smtp = await startCountingSmtp();
      cleanups.push(() => smtp.close());
      const push = await startBenchPushService();
      cleanups.push(() => push.close());
      const store: Store = await openStore({ databaseUrl: database.url, dataDir });
      cleanups.push(() => store.close());

      // The real welcome email (layout, CSS inlined, unsubscribe link) from the sample journeys.
      const loaded = await loadJourneys({ paths: [join(REPO_ROOT, 'journeys')], templatesDir: join(REPO_ROOT, 'templates') });
      for (const template of loaded.templates) await store.saveTemplateVersion(template);
      const onboarding = loaded.journeys.find((s) => s.journey.id === 'onboarding');
      const welcomeHash = onboarding?.templates.welcome;
      if (!onboarding || !welcomeHash) throw new Error('channels bench: journeys/onboarding.yaml with its welcome template is needed');
      const pushHash = `bench-push-${randomBytes(4).toString('hex')}`;
      await store.saveTemplateVersion({ name: 'bench-push', hash: pushHash, source: PUSH_TEMPLATE });

      ctx.progress.start('customers (email + a push subscription each)', CUSTOMERS, 'customers');
      const at = new Date().toISOString();
      const subscriptions: Array<{ endpoint: string; keys: { p256dh: string; auth: string } }> = [];
      for (let c = 0; c < CUSTOMERS; c++) {
        await store.upsertContact({ customerId: `c${c}`, traits: { email: `c${c}@bench.example`, first_name: `Ada${c}` }, at });
        const subscription = push.subscribe();
        subscriptions.push(subscription);
        await store.savePushSubscription({ customerId: `c${c}`, endpoint: subscription.endpoint, ...subscription.keys, at });
        if (c % 50 === 0) ctx.progress.update(c);
      }
      ctx.progress.done();

      const vapid = { ...webpush.generateVAPIDKeys(), subject: 'mailto:ops@ferncroft.example' };
      const links = { publicUrl: 'http://127.0.0.1:3000', secret: randomBytes(24).toString('hex') };
      const request = (channel: 'email' | 'push', template: string, hash: string, tag: string) => (i: number): SendRequest => {
        const customerId = `c${i % CUSTOMERS}`;
        return {
          messageKey: `journey/bench-channels/${customerId}/${tag}-${i}/${channel}/1`,
          workflowId: `journey/bench-channels/${customerId}`,
          runId: `${tag}-${i}`,
          journeyId: 'bench-channels',
          journeyVersion: onboarding.version,
          stepId: channel,
          customerId,
          channel,
          template,
          templateVersion: hash,
          trigger: { id: `evt-${tag}-${i}`, name: 'user.signed_up', properties: { source: 'bench' }, timestamp: at },
        };
      };
      const activitiesWith = (transport: Transporter) =>
        createActivities({ store, email: { transport, from: FROM }, push: { vapid, allowedTargets: parseAllowedTargets('127.0.0.1', 'PUSH_ALLOWED_PRIVATE_TARGETS') }, links, defaultTimezone: 'UTC' });

      // Email. runtime/start.ts builds the transport with createSmtpTransport(SMTP_URL): pooled
      // unless the URL says ?pool=false. Both are measured; the baseline is pooled, as asked.
      const plainTransport = nodemailer.createTransport(`${smtp.url}?pool=false`);
      const pooledTransport = createSmtpTransport(smtp.url);
      const bareTransport = nodemailer.createTransport({ url: smtp.url, pool: true });
      cleanups.push(async () => [plainTransport, pooledTransport, bareTransport].forEach((t) => t.close()));
      const renderer = createRenderer(store);
      const welcome = (await renderer.load({ name: 'welcome', hash: welcomeHash })).email({ customer: { id: 'c1' }, traits: { first_name: 'Ada1' }, event: { name: 'user.signed_up', properties: {}, timestamp: at }, journey: { id: 'onboarding' } });
      const smtpBefore = smtp.received();
      const emailBare = await load(ctx, 'email: nodemailer alone (pooled)', seconds, async (i) => {
        await bareTransport.sendMail({ from: FROM, to: `c${i % CUSTOMERS}@bench.example`, subject: welcome.subject, html: welcome.html ?? undefined, text: welcome.text });
      });
      const emailPooled = await load(ctx, 'email: sendMessage, SMTP_URL as npm start builds it (pooled)', seconds, sendVia(activitiesWith(pooledTransport), request('email', 'welcome', welcomeHash, 'pooled')));
      const emailPlain = await load(ctx, 'email: sendMessage, SMTP_URL?pool=false', seconds, sendVia(activitiesWith(plainTransport), request('email', 'welcome', welcomeHash, 'plain')));
      const smtpReceived = smtp.received() - smtpBefore;
      const emailSent = emailBare.sends + emailPooled.sends + emailPlain.sends;

      // Web push: encryption by web-push in both. The baseline is web-push's own send: the request
      // details it builds, signing a fresh VAPID JWT for every message, sent the way its
      // sendNotification sends them (Node's https.request; http here, the local service being
      // plain HTTP) with a keep-alive agent, as its `agent` option allows. The engine reuses one
      // VAPID header per push-service origin (push-send.ts, push-http.ts).
      const bareAgent = new HttpAgent({ keepAlive: true, maxSockets: 64 });
      cleanups.push(async () => bareAgent.destroy());
      const pushBare = await load(ctx, 'push: web-push alone (VAPID per message)', seconds, async (i) => {
        const subscription = subscriptions[i % CUSTOMERS]!;
        const details = webpush.generateRequestDetails(subscription, PUSH_PAYLOAD, {
          vapidDetails: vapid,
          contentEncoding: 'aes128gcm',
          TTL: 86_400,
        });
        const status = await new Promise<number>((resolve, reject) => {
          const url = new URL(details.endpoint);
          const request = httpRequest(
            { hostname: url.hostname, port: url.port, path: url.pathname, method: details.method, headers: details.headers, agent: bareAgent },
            (response) => {
              response.resume();
              response.on('end', () => resolve(response.statusCode ?? 0));
            },
          );
          request.on('error', reject);
          request.end(details.body);
        });
        if (status !== 201) throw new Error(`push service answered ${status}`);
      });
      // The engine's delivery code alone (encryption, reused VAPID header, the same fetch): what the header cache buys.
      const vapidCache = createVapidCache(vapid);
      const benchTargets = pushTargets(parseAllowedTargets('127.0.0.1', 'PUSH_ALLOWED_PRIVATE_TARGETS'));
      const pushDelivery = await load(ctx, 'push: engine delivery (pushToSubscription)', seconds, async (i) => {
        const subscription = subscriptions[i % CUSTOMERS]!;
        const record: PushSubscriptionRecord = { endpoint: subscription.endpoint, customerId: `c${i % CUSTOMERS}`, ...subscription.keys, userAgent: null, createdAt: at, lastSuccessAt: null };
        const result = await pushToSubscription(record, PUSH_PAYLOAD, { vapid: vapidCache, ttl: 86_400, urgency: 'normal', topic: `bench${i}`, timeoutMs: 10_000, targets: benchTargets });
        if (result.kind !== 'sent') throw new Error(`push ${i}: ${result.kind}: ${result.detail}`);
      });
      const pushEngine = await load(ctx, 'push: sendMessage', seconds, sendVia(activitiesWith(pooledTransport), request('push', 'bench-push', pushHash, 'push')));

      const errors = [emailBare, emailPooled, emailPlain, pushBare, pushDelivery, pushEngine].flatMap((t) => t.firstErrors).slice(0, 3);
      const metrics: Metric[] = [
        { name: 'email sends/s (SMTP_URL pooled, as npm start builds it)', unit: '/s', engine: emailPooled.rate, baseline: emailBare.rate, targets: [{ on: 'ratio', op: '>=', value: 0.7 }] },
        { name: 'email sends/s, SMTP_URL?pool=false (a connection per message)', unit: '/s', engine: emailPlain.rate, baseline: emailBare.rate, note: 'one SMTP connection per message' },
        { name: 'web push sends per CPU-second, delivery (encryption + VAPID + HTTP)', unit: '/cpu-s', engine: pushDelivery.perCpuSecond, baseline: pushBare.perCpuSecond, targets: [{ on: 'ratio', op: '>=', value: 2 }] },
        { name: 'web push sends/s, delivery', unit: '/s', engine: pushDelivery.rate, baseline: pushBare.rate },
        { name: 'web push sends/s, sendMessage', unit: '/s', engine: pushEngine.rate, baseline: pushBare.rate },
        { name: 'web push sends per CPU-second, sendMessage', unit: '/cpu-s', engine: pushEngine.perCpuSecond, baseline: pushBare.perCpuSecond },
        { name: 'email sends per CPU-second (pooled)', unit: '/cpu-s', engine: emailPooled.perCpuSecond, baseline: emailBare.perCpuSecond },
      ];
      const notes = [
        `sendMessage = the send activity called directly (claim, twin check, contact, consent, render with layout + inlined CSS + tracked links, provider call, message log) on ${database.kind}; no Temporal in the loop. ${CONCURRENCY} sends in flight, ${seconds} s each.`,
        'Push delivery = activities/channels/push-send.ts pushToSubscription with the VAPID header cache (encrypt, sign once per push-service origin, POST over a keep-alive node:http agent): the part of a push send that the per-message VAPID baseline also does. Baseline: webpush.generateRequestDetails (VAPID JWT signed per message) sent as its sendNotification sends it (node https.request; http here) with a keep-alive agent.',
        `SMTP: ${smtpReceived} messages counted by the server for ${emailSent} sends accepted${smtpReceived === emailSent ? '' : ' (MISMATCH)'}. Push: ${push.accepted()} accepted; ${push.verified()} sampled messages verified (VAPID JWT + aes128gcm decrypted to JSON)${push.problems.length ? `; problems: ${push.problems.join(' | ')}` : ''}.`,
        'Per CPU-second = sends / CPU time of this process (load generator, engine, store when PGlite, and both servers share it).',
        ...(errors.length ? [`Errors: ${errors.join(' | ')}`] : []),
      ];
      return {
        metrics,
        notes,
        database: database.kind,
        details: { seconds, concurrency: CONCURRENCY, emailBare, emailPooled, emailPlain, pushBare, pushDelivery, pushEngine, smtpReceived, emailSent, pushAccepted: push.accepted(), pushVerified: push.verified() },
      };
    } finally {
      for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    }
  },
};
