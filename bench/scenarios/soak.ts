// Benchmark (not CI): a soak. 10,000 customers sign up over ten minutes and go through the
// onboarding journey (its days played as seconds), with a steady stream of other events: goal
// conversions, account deletions, retried signups and page views nobody listens to. The engine
// runs in a child process whose RSS is read every 10 s; every email reaches an SMTP server in
// this process, which counts them per Message-ID against the engine's message log (zero lost,
// zero twice, nothing unlogged) and per customer against what their events allow. Started as a
// child with --soak-engine, this file is that engine.
import { fork, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { SMTPServer } from 'smtp-server';
import { parse, stringify } from 'yaml';
import { stableMessageId } from '../../activities/channels/email';
import { createApiClient, REPO_ROOT, startBenchStack, summarize, type Metric, type Scenario, type ScenarioContext } from '../lib';

const SAMPLE_EVERY_MS = 10_000;

/** A message the engine logged as sent, and the runs still going when the soak ended. */
interface Ledger {
  sent: { messageKey: string; address: string }[];
  running: number;
  /** Messages left undecided or in doubt (status other than done, or reason unknown:provider_outcome). */
  unsettled: number;
}

type FromEngine =
  | { type: 'ready'; apiUrl: string; apiKey: string; database: string }
  | { type: 'memory'; rss: number; heapUsed: number }
  | { type: 'running'; count: number }
  | ({ type: 'ledger' } & Ledger);
type ToEngine = { type: 'memory' } | { type: 'running' } | { type: 'ledger' } | { type: 'stop' };

// ---------------------------------------------------------------------------------------------
// The child: the embedded engine (API, worker, store; its dev server is a process of its own).

async function engineMain(options: { journeyYaml: string; smtpUrl: string }): Promise<void> {
  const send = (message: FromEngine) => process.send?.(message);
  const stack = await startBenchStack({ journeys: { 'onboarding.yaml': options.journeyYaml }, env: { SMTP_URL: options.smtpUrl }, noSmtpSink: true });
  process.on('message', (message: ToEngine) => {
    if (message.type === 'memory') {
      const usage = process.memoryUsage();
      send({ type: 'memory', rss: usage.rss, heapUsed: usage.heapUsed });
    } else if (message.type === 'running') {
      void stack.client.workflow.count('ExecutionStatus = "Running"').then(({ count }) => send({ type: 'running', count }));
    } else if (message.type === 'ledger') {
      void ledger(stack).then((found) => send({ type: 'ledger', ...found }));
    } else void stack.dispose().then(() => process.exit(0));
  });
  send({ type: 'ready', apiUrl: stack.apiUrl, apiKey: stack.apiKey, database: stack.database });
}

/** What the engine says it did: running runs (Temporal), then its message log (stops the engine on PGlite). */
async function ledger(stack: Awaited<ReturnType<typeof startBenchStack>>): Promise<Ledger> {
  const { count } = await stack.client.workflow.count('ExecutionStatus = "Running"');
  return stack.withDatabase(async (db) => {
    const rows = await db.query<{ message_key: string; address: string | null; status: string; reason: string | null }>(
      `select message_key, address, status, reason from messages where channel = 'email'`,
    );
    return {
      running: count,
      sent: rows.filter((r) => r.reason === 'sent').map((r) => ({ messageKey: r.message_key, address: r.address ?? '' })),
      unsettled: rows.filter((r) => r.status !== 'done' || r.reason === 'unknown:provider_outcome').length,
    };
  });
}

if (require.main === module && process.argv[2] === '--soak-engine') {
  engineMain(JSON.parse(process.argv[3] ?? '{}') as { journeyYaml: string; smtpUrl: string }).catch((error: unknown) => {
    process.stderr.write(`soak engine: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}

// ---------------------------------------------------------------------------------------------
// The parent.

interface Engine {
  child: ChildProcess;
  apiUrl: string;
  apiKey: string;
  database: string;
  memory(): Promise<{ rss: number; heapUsed: number }>;
  /** Journey runs not finished yet (Temporal visibility). */
  running(): Promise<number>;
  /** The engine's own account; the engine (PGlite) may be stopped afterwards. */
  ledger(): Promise<Ledger>;
  stop(): Promise<void>;
}

async function startEngine(journeyYaml: string, smtpUrl: string): Promise<Engine> {
  const child = fork(__filename, ['--soak-engine', JSON.stringify({ journeyYaml, smtpUrl })], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const next = <T extends FromEngine['type']>(type: T) =>
    new Promise<Extract<FromEngine, { type: T }>>((resolve, reject) => {
      const onMessage = (message: FromEngine) => {
        if (message.type !== type) return;
        child.off('message', onMessage);
        resolve(message as Extract<FromEngine, { type: T }>);
      };
      child.on('message', onMessage);
      void exited.then((code) => reject(new Error(`soak bench: the engine exited (code ${code}) before answering "${type}"`)));
    });
  const ready = await next('ready');
  return {
    child,
    ...ready,
    async memory() {
      const answer = next('memory');
      child.send({ type: 'memory' } satisfies ToEngine);
      return answer;
    },
    async running() {
      const answer = next('running');
      child.send({ type: 'running' } satisfies ToEngine);
      return (await answer).count;
    },
    async ledger() {
      const answer = next('ledger');
      child.send({ type: 'ledger' } satisfies ToEngine);
      return answer;
    },
    async stop() {
      if (child.exitCode !== null) return;
      child.send({ type: 'stop' } satisfies ToEngine);
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** An SMTP server that reads only the headers: recipient (envelope) and Message-ID of every email. */
async function startCountingSink(): Promise<{ url: string; byRecipient: Map<string, number>; byMessageId: Map<string, number>; total: () => number; close(): Promise<void> }> {
  const byRecipient = new Map<string, number>();
  const byMessageId = new Map<string, number>();
  let total = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      let head = '';
      stream.on('data', (chunk: Buffer) => {
        if (head.length < 16_384 && !head.includes('\r\n\r\n')) head += chunk.toString('utf8');
      });
      stream.on('end', () => {
        total++;
        const messageId = /^message-id:\s*(\S+)/im.exec(head.split('\r\n\r\n')[0] ?? '')?.[1] ?? `(none ${total})`;
        byMessageId.set(messageId, (byMessageId.get(messageId) ?? 0) + 1);
        for (const rcpt of session.envelope.rcptTo) byRecipient.set(rcpt.address, (byRecipient.get(rcpt.address) ?? 0) + 1);
        callback();
      });
    },
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.server.address();
  return {
    url: `smtp://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    byRecipient,
    byMessageId,
    total: () => total,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** journeys/onboarding.yaml with each wait of N days shortened to N × `daySeconds` seconds. */
async function scaledOnboarding(daySeconds: number): Promise<string> {
  const doc: unknown = parse(await readFile(join(REPO_ROOT, 'journeys', 'onboarding.yaml'), 'utf8'));
  const shorten = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(shorten);
    if (typeof node !== 'object' || node === null) return node;
    return Object.fromEntries(
      Object.entries(node).map(([key, value]) => {
        const days = key === 'wait' && typeof value === 'string' ? /^(\d+)d$/.exec(value)?.[1] : undefined;
        return [key, days ? `${Number(days) * daySeconds}s` : shorten(value)];
      }),
    );
  };
  return stringify(shorten(doc));
}

/** What one customer does, and so which onboarding emails they must get. */
interface Customer {
  id: string;
  email: string;
  /** Seconds from the start of the load. */
  signupAt: number;
  fate: 'converts' | 'deleted' | 'stays';
  pro: boolean;
  retriesSignup: boolean;
}

const expectedEmails = (c: Customer) => (c.fate === 'converts' ? 1 : c.fate === 'deleted' ? 2 : 3);

interface Timed {
  at: number;
  item: Record<string, unknown>;
}

/** Every event of the soak, in time order: signups spread evenly, the rest placed in each customer's waits. */
function timeline(customers: Customer[], daySeconds: number): Timed[] {
  const events: Timed[] = [];
  for (const c of customers) {
    const signup = { type: 'track', userId: c.id, event: 'user.signed_up', messageId: `signup-${c.id}`, properties: { source: 'soak' }, traits: { email: c.email, first_name: 'Ada', plan: c.pro ? 'pro' : 'free' } };
    events.push({ at: c.signupAt, item: signup });
    // A retry of the same call (same messageId) from the order system: it must change nothing.
    if (c.retriesSignup) events.push({ at: c.signupAt + 0.2 * daySeconds, item: signup });
    // The goal half-way through the first wait; a deletion half-way through the second.
    if (c.fate === 'converts') events.push({ at: c.signupAt + 0.5 * daySeconds, item: { type: 'track', userId: c.id, event: 'order.completed', messageId: `order-${c.id}`, properties: { total: 30 } } });
    if (c.fate === 'deleted') events.push({ at: c.signupAt + 2 * daySeconds, item: { type: 'track', userId: c.id, event: 'user.deleted', messageId: `deleted-${c.id}`, properties: {} } });
    events.push({ at: c.signupAt + 0.7 * daySeconds, item: { type: 'track', userId: c.id, event: 'page.viewed', messageId: `view-${c.id}`, properties: { path: '/garden' } } });
  }
  return events.sort((a, b) => a.at - b.at);
}

export const scenario: Scenario = {
  name: 'soak',
  title: 'soak: customers through onboarding (days as seconds) with a steady event stream; engine RSS every 10 s, lost and duplicate emails',
  async run(ctx: ScenarioContext) {
    const count = ctx.pick(10_000, 500);
    const loadSeconds = ctx.pick(600, 60);
    const daySeconds = ctx.pick(40, 10);
    // Signups stop early enough that every run can finish (3 days of waits) inside the soak.
    const signupSeconds = loadSeconds - 3 * daySeconds - 10;
    const sink = await startCountingSink();
    const engine = await startEngine(await scaledOnboarding(daySeconds), sink.url);
    try {
      const api = createApiClient(engine.apiUrl, engine.apiKey);
      const customers: Customer[] = Array.from({ length: count }, (_, i) => ({
        id: `soak-${i}`,
        email: `soak-${i}@bench.example`,
        signupAt: (i / count) * signupSeconds,
        fate: i % 20 < 2 ? 'converts' : i % 20 === 2 ? 'deleted' : 'stays',
        pro: i % 10 < 3,
        retriesSignup: i % 20 === 5,
      }));
      const events = timeline(customers, daySeconds);
      const expected = customers.reduce((sum, c) => sum + expectedEmails(c), 0);

      const samples: { t: number; rssMB: number; heapMB: number }[] = [];
      const t0 = performance.now();
      const elapsed = () => (performance.now() - t0) / 1000;
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          const m = await engine.memory();
          samples.push({ t: Math.round(elapsed()), rssMB: Math.round(m.rss / 2 ** 20), heapMB: Math.round(m.heapUsed / 2 ** 20) });
          await sleep(SAMPLE_EVERY_MS);
        }
      })();

      ctx.progress.start(`${count.toLocaleString('en-US')} customers, ${events.length.toLocaleString('en-US')} events`, loadSeconds, 's');
      let sent = 0;
      const lags: number[] = [];
      const duplicates = { reported: 0 };
      while (sent < events.length) {
        const due = events.slice(sent, sent + 500).filter((e) => e.at <= elapsed());
        if (due.length === 0) {
          await sleep(50);
          continue;
        }
        lags.push((elapsed() - due[0]!.at) * 1000);
        const answer = await api.post<{ results?: { duplicate?: boolean }[] }>('/v1/batch', { batch: due.map((e) => e.item) });
        if (answer.status !== 200) throw new Error(`soak bench: /v1/batch answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`);
        duplicates.reported += (answer.body.results ?? []).filter((r) => r.duplicate).length;
        sent += due.length;
        ctx.progress.update(elapsed(), `${sent} events, ${sink.total()}/${expected} emails, RSS ${samples.at(-1)?.rssMB ?? '?'} MB`);
      }
      // Drain: every run ends within its three days of waits after its signup, plus however far the engine is behind.
      const drainUntil = performance.now() + (3 * daySeconds + 600) * 1000;
      for (let running = await engine.running(); running > 0 && performance.now() < drainUntil; running = await engine.running()) {
        ctx.progress.update(elapsed(), `${sink.total()}/${expected} emails, ${running} runs going, RSS ${samples.at(-1)?.rssMB ?? '?'} MB`);
        await sleep(2000);
      }
      await sleep(5000); // anything late or doubled arrives now
      sampling = false;
      await sampler;
      ctx.progress.done(`${sink.total()}/${expected} emails`);
      api.close();

      // Against the engine's own log: every email it logged as sent arrived once, and nothing else did.
      const book = await engine.ledger();
      const logged = new Set(book.sent.map((m) => stableMessageId(m.messageKey)));
      const lost = [...logged].filter((id) => !sink.byMessageId.has(id)).length;
      const twice = [...sink.byMessageId.values()].filter((n) => n > 1).length;
      const unlogged = [...sink.byMessageId.keys()].filter((id) => !logged.has(id)).length;
      // Against each customer's story (holds while events reach the runs well inside a journey day).
      let short = 0;
      let beyond = 0;
      for (const c of customers) {
        const got = sink.byRecipient.get(c.email) ?? 0;
        short += Math.max(0, expectedEmails(c) - got);
        beyond += Math.max(0, got - expectedEmails(c));
      }
      // Flat = the last third of the samples after warm-up sits no higher than the middle third.
      const warm = samples.filter((s) => s.t >= Math.min(120, loadSeconds / 3));
      const third = Math.max(1, Math.floor(warm.length / 3));
      const average = (xs: { rssMB: number }[]) => (xs.length ? xs.reduce((sum, x) => sum + x.rssMB, 0) / xs.length : 0);
      const middle = average(warm.slice(third, 2 * third));
      const last = average(warm.slice(-third));
      const zero = [{ on: 'engine' as const, op: '<=' as const, value: 0 }];
      const metrics: Metric[] = [
        { name: 'emails received vs logged as sent', unit: '', engine: sink.total(), baseline: book.sent.length },
        { name: 'lost: logged as sent, never received', unit: '', engine: lost, baseline: null, targets: zero },
        { name: 'received twice (same Message-ID)', unit: '', engine: twice, baseline: null, targets: zero },
        { name: 'received, not in the message log', unit: '', engine: unlogged, baseline: null, targets: zero },
        { name: 'runs still running, messages unsettled', unit: '', engine: book.running + book.unsettled, baseline: null, targets: zero },
        { name: 'emails received vs the customers’ stories', unit: '', engine: sink.total(), baseline: expected },
        { name: 'engine RSS growth, last third vs middle third', unit: 'MB', engine: Math.round(last - middle), baseline: null, targets: [{ on: 'engine', op: '<=', value: 50 }] },
        { name: 'engine RSS, last third vs middle third', unit: 'MB', engine: Math.round(last), baseline: Math.round(middle) },
        { name: 'engine RSS max', unit: 'MB', engine: Math.max(...samples.map((s) => s.rssMB)), baseline: null },
        { name: 'event stream lag p99', unit: 'ms', engine: summarize(lags).p99, baseline: null },
      ];
      const notes = [
        `${count.toLocaleString('en-US')} customers over ${signupSeconds} s (a day of the journey = ${daySeconds} s): 10 % convert during the first wait (1 email), 5 % delete their account in the second (2), the rest get 3; 5 % of signups are sent twice with the same messageId (${duplicates.reported} answered duplicate); a page.viewed event per customer that no journey listens to.`,
        `Engine: startTouchpoint in a child process (API, worker, store ${engine.database}; its dev server is another process), RSS read every ${SAMPLE_EVERY_MS / 1000} s: ${samples.map((s) => s.rssMB).join(' ')} MB.`,
        'The SMTP server counts emails by envelope recipient and Message-ID (the engine derives it from the message key, so a resend would repeat it); the message log is read from the engine\'s store at the end.',
        `Customers' stories: ${short} emails short and ${beyond} beyond what their events allow (a goal or deletion that reaches the run after the next email was due moves the count; p99 event lag ${Math.round(summarize(lags).p99)} ms vs a day of ${daySeconds} s).`,
      ];
      return {
        metrics,
        notes,
        database: engine.database,
        details: { count, loadSeconds, daySeconds, expected, received: sink.total(), logged: book.sent.length, lost, twice, unlogged, running: book.running, unsettled: book.unsettled, short, beyond, samples, duplicatesReported: duplicates.reported },
      };
    } finally {
      await engine.stop();
      await sink.close();
    }
  },
};
