// Benchmark: SMS at a configured provider rate. The Twilio emulator sits behind a gate that
// answers 429 (Twilio error 20429) once a sender goes over the provider's rate (a bucket of one
// second's worth, refilled at the rate); the engine, configured with SMS_RATE_PER_SECOND, is
// offered more texts than the rate allows. Achieved rate must be the rate ±5 %, with no 429.
// Two paths: the sendMessage activity with the SMS deps built here (Temporal's retry of a
// RateLimited send imitated), and full journeys through the stack, where the runtime reads
// SMS_RATE_PER_SECOND itself.
import { createServer, request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { createActivities } from '../../activities';
import type { SmsDeps } from '../../activities/channels/sms';
import type { SendRequest } from '../../activities/contract';
import { loadJourneys } from '../../dsl/load';
import { createSmsDeps } from '../../runtime/twilio';
import { openStore } from '../../store';
import { startTwilioEmulator, type TwilioEmulator } from '../../tests/support/twilio-emulator';
import { benchJourney, REPO_ROOT, startBenchStack, type Metric, type Scenario, type ScenarioContext } from '../lib';

const RATE = 10;
const SENDER = '+15005550006';

interface RateGate {
  url: string;
  /** performance.now() of every request let through to Twilio, in order. */
  accepted: number[];
  /** Requests answered 429. */
  refused: number;
  close(): Promise<void>;
}

/**
 * An HTTP gate in front of the emulator: a token bucket of `rate` tokens refilled at `rate`/s,
 * so a sender keeping to the rate passes whatever its timing jitter, and one going faster is
 * refused within seconds, as Twilio refuses a sender over its account's limit.
 */
async function startRateGate(emulator: TwilioEmulator, rate: number): Promise<RateGate> {
  const target = new URL(emulator.url);
  const accepted: number[] = [];
  let refused = 0;
  let tokens = rate;
  let last = performance.now();
  const server = createServer((req, res) => {
    const now = performance.now();
    tokens = Math.min(rate, tokens + ((now - last) / 1000) * rate);
    last = now;
    if (req.method === 'POST' && tokens < 1) {
      refused++;
      req.resume();
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' });
      res.end(JSON.stringify({ code: 20429, message: 'Too Many Requests', more_info: 'https://www.twilio.com/docs/errors/20429', status: 429 }));
      return;
    }
    if (req.method === 'POST') {
      tokens -= 1;
      accepted.push(now);
    }
    const upstream = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  return {
    url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    accepted,
    get refused() {
      return refused;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface Achieved {
  /** Texts accepted in the measured window / its length. */
  rate: number;
  inWindow: number;
  refused: number;
  /** Offered texts (journeys started or sends called). */
  offered: number;
}

/** The first seconds after the first text are not measured: the first sends of a process are slower (connections, JIT). */
const WARM_UP_S = 3;

/** Texts the gate let through during `seconds`, from WARM_UP_S after the first one. */
function achieved(gate: RateGate, from: number, seconds: number, refusedBefore: number, offered: number): Achieved {
  const since = gate.accepted.slice(from);
  const start = (since[0] ?? 0) + WARM_UP_S * 1000;
  const inWindow = since.filter((t) => t >= start && t < start + seconds * 1000).length;
  return { rate: inWindow / seconds, inWindow, refused: gate.refused - refusedBefore, offered };
}

/** Show the gate's count while a phase runs. */
async function watch(ctx: ScenarioContext, label: string, seconds: number, gate: RateGate, from: number, running: () => boolean): Promise<void> {
  ctx.progress.start(label, seconds, 's');
  const t0 = performance.now();
  while (running() && performance.now() - t0 < seconds * 1000 + 60_000) {
    await sleep(250);
    const elapsed = (performance.now() - t0) / 1000;
    ctx.progress.update(elapsed, `${gate.accepted.length - from} texts, ${((gate.accepted.length - from) / Math.max(elapsed, 0.001)).toFixed(1)}/s, ${gate.refused} × 429`);
  }
  ctx.progress.done();
}

/**
 * sendMessage with SMS deps at SMS_RATE_PER_SECOND = RATE, offered `concurrency` texts at a time
 * (more than the rate) for `seconds`; a RateLimited send is tried again a second later, as
 * Temporal's first retry would.
 */
async function activityPath(ctx: ScenarioContext, emulator: TwilioEmulator, gate: RateGate, seconds: number): Promise<Achieved> {
  const store = await openStore({ dataDir: '.', inMemory: true });
  try {
    const loaded = await loadJourneys({ paths: [join(REPO_ROOT, 'journeys')], templatesDir: join(REPO_ROOT, 'templates') });
    for (const template of loaded.templates) await store.saveTemplateVersion(template);
    const hash = loaded.journeys.find((s) => s.journey.id === 'post-purchase')?.templates['order-thanks'];
    if (!hash) throw new Error('sms-rate bench: journeys/post-purchase.yaml with the order-thanks template (it has an sms.text part) is needed');
    const base = createSmsDeps({
      TWILIO_ACCOUNT_SID: emulator.accountSid,
      TWILIO_AUTH_TOKEN: emulator.authToken,
      TWILIO_FROM: SENDER,
      TWILIO_MESSAGING_SERVICE_SID: undefined,
      TWILIO_API_URL: gate.url,
      TWILIO_STATUS_CALLBACK: false,
      PUBLIC_URL: undefined,
      HOST: '127.0.0.1',
      PORT: 3000,
    });
    if (!base) throw new Error('sms-rate bench: createSmsDeps returned null for a complete Twilio configuration');
    const sms: SmsDeps = { ...base, ratePerSecond: RATE };
    const activities = createActivities({ store, email: null, sms, defaultTimezone: 'UTC' });
    const at = new Date().toISOString();
    const request = (i: number): SendRequest => ({
      messageKey: `journey/bench-sms/a${i}/run/text/1`,
      workflowId: `journey/bench-sms/a${i}`,
      runId: `run-a${i}`,
      journeyId: 'bench-sms',
      journeyVersion: 'v1',
      stepId: 'text',
      customerId: `a${i}`,
      channel: 'sms',
      template: 'order-thanks',
      templateVersion: hash,
      trigger: { id: `evt-a${i}`, name: 'order.completed', properties: { order_id: `A-${i}`, total: 42.5, currency: 'EUR' }, timestamp: at },
    });
    const from = gate.accepted.length;
    const refusedBefore = gate.refused;
    const concurrency = RATE * 3;
    const deadline = performance.now() + (seconds + WARM_UP_S + 1) * 1000;
    let next = 0;
    const failures: string[] = [];
    const caller = async () => {
      while (performance.now() < deadline) {
        const i = next++;
        await store.upsertContact({ customerId: `a${i}`, traits: { phone: `+1415${String(i).padStart(7, '0')}`, first_name: 'Ada' }, at });
        for (;;) {
          try {
            const outcome = await activities.sendMessage(request(i));
            if (outcome.reason !== 'sent' && failures.length < 3) failures.push(`${outcome.reason}: ${outcome.detail}`);
            break;
          } catch (error) {
            if (error instanceof Error && 'type' in error && error.type === 'RateLimited') await sleep(1000);
            else throw error;
          }
        }
      }
    };
    let running = true;
    const load = Promise.all(Array.from({ length: concurrency }, caller)).finally(() => {
      running = false;
    });
    await watch(ctx, `sendMessage at SMS_RATE_PER_SECOND=${RATE}`, seconds + WARM_UP_S + 1, gate, from, () => running);
    await load;
    if (failures.length) throw new Error(`sms-rate bench: sends did not end as sent: ${failures.join(' | ')}`);
    return achieved(gate, from, seconds, refusedBefore, next);
  } finally {
    await store.close();
  }
}

/** Journeys with one SMS step, started through /v1/batch at 1.5× the rate for `seconds`. */
async function journeyPath(ctx: ScenarioContext, emulator: TwilioEmulator, gate: RateGate, seconds: number): Promise<Achieved & { database: string }> {
  const stack = await startBenchStack({
    journeys: benchJourney({ id: 'bench-sms', trigger: 'order.completed', steps: [{ id: 'text', send: { channel: 'sms', template: 'order-thanks' } }] }),
    env: { TWILIO_ACCOUNT_SID: emulator.accountSid, TWILIO_AUTH_TOKEN: emulator.authToken, TWILIO_FROM: SENDER, TWILIO_API_URL: gate.url, SMS_RATE_PER_SECOND: String(RATE) },
  });
  try {
    const from = gate.accepted.length;
    const refusedBefore = gate.refused;
    const perSecond = Math.round(RATE * 1.5);
    let offered = 0;
    let running = true;
    const load = (async () => {
      const t0 = performance.now();
      for (let s = 0; s < seconds + WARM_UP_S; s++) {
        const at = new Date().toISOString();
        const batch = Array.from({ length: perSecond }, (_, k) => {
          const i = offered + k;
          return {
            type: 'track',
            userId: `j${i}`,
            event: 'order.completed',
            messageId: `sms-rate-${i}`,
            timestamp: at,
            properties: { order_id: `J-${i}`, total: 42.5, currency: 'EUR' },
            traits: { phone: `+1415${String(i).padStart(7, '0')}`, first_name: 'Ada' },
          };
        });
        const answer = await stack.api.post('/v1/batch', { batch });
        if (answer.status !== 200) throw new Error(`sms-rate bench: /v1/batch answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`);
        offered += perSecond;
        const wait = t0 + (s + 1) * 1000 - performance.now();
        if (wait > 0) await sleep(wait);
      }
    })().finally(() => {
      running = false;
    });
    await watch(ctx, `journeys at SMS_RATE_PER_SECOND=${RATE}, ${perSecond} started/s`, seconds + WARM_UP_S, gate, from, () => running);
    await load;
    // The window starts at the first text; wait until it has closed.
    const first = gate.accepted[from];
    if (first !== undefined) await sleep(Math.max(0, first + (WARM_UP_S + seconds) * 1000 - performance.now()));
    return { ...achieved(gate, from, seconds, refusedBefore, offered), database: stack.database };
  } finally {
    await stack.dispose();
  }
}

export const scenario: Scenario = {
  name: 'sms-rate',
  title: `SMS at SMS_RATE_PER_SECOND=${RATE} against a Twilio emulator that answers 429 above ${RATE}/s`,
  async run(ctx) {
    const seconds = ctx.pick(60, 15);
    const emulator = await startTwilioEmulator();
    const gate = await startRateGate(emulator, RATE);
    try {
      const activity = await activityPath(ctx, emulator, gate, seconds);
      const journeys = await journeyPath(ctx, emulator, gate, seconds);
      const within = [{ on: 'engine' as const, op: '>=' as const, value: RATE * 0.95 }, { on: 'engine' as const, op: '<=' as const, value: RATE * 1.05 }];
      const metrics: Metric[] = [
        { name: 'SMS/s, sendMessage path', unit: '/s', engine: activity.rate, baseline: RATE, targets: within },
        { name: '429 answers, sendMessage path', unit: '', engine: activity.refused, baseline: 0, targets: [{ on: 'engine', op: '<=', value: 0 }] },
        { name: 'SMS/s, journeys via /v1/batch', unit: '/s', engine: journeys.rate, baseline: RATE, targets: within },
        { name: '429 answers, journeys', unit: '', engine: journeys.refused, baseline: 0, targets: [{ on: 'engine', op: '<=', value: 0 }] },
      ];
      const notes = [
        `Gate: a bucket of ${RATE} tokens refilled at ${RATE}/s in front of tests/support/twilio-emulator.ts (real twilio library, Basic auth, form fields). Window: ${seconds} s, from ${WARM_UP_S} s after the first text.`,
        `sendMessage path: ${activity.inWindow} texts in the window, ${activity.offered} offered by ${RATE * 3} callers (a RateLimited send retried after 1 s, like Temporal's first retry).`,
        `Journeys: ${journeys.inWindow} texts in the window, ${journeys.offered} journeys started at ${Math.round(RATE * 1.5)}/s through /v1/batch; the rest wait in their activities (up to 10 s) or retry.`,
        'The limit is per worker process (a token bucket in the SMS channel): with N workers, set SMS_RATE_PER_SECOND to the provider rate / N.',
      ];
      return { metrics, notes, database: journeys.database, details: { rate: RATE, seconds, activity, journeys, emulatorMessages: emulator.messages.length, emulatorRequests: emulator.requests } };
    } finally {
      await gate.close();
      await emulator.stop();
    }
  },
};
