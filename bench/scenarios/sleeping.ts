// Benchmark: 10,000 and 100,000 journeys asleep in a wait. A worker of its own (a child
// process: the real journey workflow and activities, nothing else in it) is measured idle, then
// with the runs asleep: RSS growth, and how fast a slept run wakes (signal or timer → its next
// step's activity starts), and where a wake-up's time goes (server events). Run with the SDK's
// default sticky cache (to 3,000 runs) and with npm start's (TEMPORAL_MAX_CACHED_WORKFLOWS): a
// sleeping run need not stay cached, and the cache is what a worker's memory grows with.
// Started as a child with --sleeping-worker, this file is that worker. BENCH_SLEEP_SIZES=1000,5000
// and BENCH_SLEEP_CACHE=100 change the checkpoints and the small cache, BENCH_SLEEP_SDK_DEFAULT=0
// skips the SDK-default phase, BENCH_SLEEP_WORKER_OPTIONS='{"maxConcurrentWorkflowTaskPolls":20}'
// adds Worker options (for investigations).
import { fork, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import type { SendRequest } from '../../activities/contract';
import type { JourneyEvent } from '../../core/events';
import { journeyWorkflowId } from '../../core/ids';
import { loadJourneys } from '../../dsl/load';
import type { JourneySnapshot } from '../../dsl/schema';
import { createRunOps } from '../../routing/runs';
import { startDevServer } from '../../runtime/dev-server';
import { startSmtpSink } from '../../tests/support/smtp-sink';
import { createBenchDatabase } from '../lib/database';
import { DEFAULT_MAX_CACHED_WORKFLOWS } from '../../worker';
import { benchJourney, benchTemporalCli, REPO_ROOT, summarize, type Metric, type Scenario, type ScenarioContext } from '../lib';

const TASK_QUEUE = 'bench-sleeping';
/** The sticky cache measured against the SDK's default: npm start's (BENCH_SLEEP_CACHE overrides). */
const SMALL_CACHE = Number(process.env.BENCH_SLEEP_CACHE ?? DEFAULT_MAX_CACHED_WORKFLOWS);
/**
 * The SDK-default phase stops here: its cache (2,310 runs on a 4 GB heap) is full by then, and
 * beyond the cache it grows as the small one does, so more runs would only cost minutes.
 */
const SDK_DEFAULT_MAX_RUNS = 3_000;
const START_CONCURRENCY = 32;
const MB = 2 ** 20;

/** Wall-clock milliseconds with sub-millisecond precision, comparable across processes. */
const epochMs = () => performance.timeOrigin + performance.now();

interface WorkerConfig {
  address: string;
  dataDir: string;
  databaseUrl: string | undefined;
  journeysDir: string;
  smtpUrl: string;
  maxCachedWorkflows: number | undefined;
}

type FromWorker =
  | { type: 'ready'; maxCachedWorkflows: number }
  | { type: 'send'; workflowId: string; at: number }
  | { type: 'memory'; before: NodeJS.MemoryUsage; after: NodeJS.MemoryUsage; cached: number }
  | { type: 'contact-saved'; customerId: string };

type ToWorker = { type: 'memory' } | { type: 'contact'; customerId: string; email: string } | { type: 'stop' };

// ---------------------------------------------------------------------------------------------
// The child: one Temporal worker with the production activities, reporting each send it starts.

async function workerMain(config: WorkerConfig): Promise<void> {
  const send = (message: FromWorker) => process.send?.(message);
  const [{ NativeConnection, Worker, Runtime, DefaultLogger }, { createActivities }, { openStore }, { createSmtpTransport }] = await Promise.all([
    import('@temporalio/worker'),
    import('../../activities'),
    import('../../store'),
    import('../../runtime/smtp-transport'),
  ]);
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const loaded = await loadJourneys({ paths: [config.journeysDir], templatesDir: join(REPO_ROOT, 'templates') });
  for (const template of loaded.templates) await store.saveTemplateVersion(template);
  const transport = createSmtpTransport(config.smtpUrl);
  const activities = createActivities({ store, email: { transport, from: 'Ferncroft <hello@ferncroft.example>' }, defaultTimezone: 'UTC' });
  const connection = await NativeConnection.connect({ address: config.address });
  const worker = await Worker.create({
    connection,
    namespace: 'default',
    taskQueue: TASK_QUEUE,
    activities: {
      ...activities,
      async sendMessage(request: SendRequest) {
        send({ type: 'send', workflowId: request.workflowId, at: epochMs() });
        return activities.sendMessage(request);
      },
    },
    // As worker.ts: dist/bench/workflows/index.js once compiled.
    workflowsPath: require.resolve('../../workflows'),
    ...(config.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: config.maxCachedWorkflows } : {}),
    ...(JSON.parse(process.env.BENCH_SLEEP_WORKER_OPTIONS ?? '{}') as Record<string, number>),
  });
  process.on('message', (message: ToWorker) => {
    if (message.type === 'stop') worker.shutdown();
    else if (message.type === 'contact') {
      void store.upsertContact({ customerId: message.customerId, traits: { email: message.email, first_name: 'Ada' }, at: new Date().toISOString() }).then(() => send({ type: 'contact-saved', customerId: message.customerId }));
    } else if (message.type === 'memory') {
      const before = process.memoryUsage();
      const gc = (globalThis as { gc?: () => void }).gc;
      gc?.();
      gc?.();
      setTimeout(() => send({ type: 'memory', before, after: process.memoryUsage(), cached: worker.getStatus().numCachedWorkflows }), 200);
    }
  });
  send({ type: 'ready', maxCachedWorkflows: worker.options.maxCachedWorkflows });
  await worker.run();
  transport.close();
  await store.close();
  await connection.close();
}

if (require.main === module && process.argv[2] === '--sleeping-worker') {
  workerMain(JSON.parse(process.argv[3] ?? '{}') as WorkerConfig).then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`sleeping worker: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}

// ---------------------------------------------------------------------------------------------
// The parent: dev server, starts and wake-ups, memory readings.

type Reading = Omit<Extract<FromWorker, { type: 'memory' }>, 'type'>;

interface WorkerHandle {
  child: ChildProcess;
  maxCachedWorkflows: number;
  /** Epoch ms of each sendMessage start, by workflow id. */
  sends: Map<string, number>;
  memory(): Promise<Reading>;
  contact(customerId: string, email: string): Promise<void>;
  stop(): Promise<void>;
}

async function startWorker(config: WorkerConfig): Promise<WorkerHandle> {
  // BENCH_SLEEP_NODE_ARGS adds node flags to the worker (e.g. --cpu-prof --cpu-prof-dir=/tmp/prof).
  const extraArgs = process.env.BENCH_SLEEP_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = fork(__filename, ['--sleeping-worker', JSON.stringify(config)], { execArgv: ['--expose-gc', ...extraArgs], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const sends = new Map<string, number>();
  const waiting = new Map<string, Array<(message: FromWorker) => void>>();
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.on('message', (message: FromWorker) => {
    if (message.type === 'send') sends.set(message.workflowId, message.at);
    const key = message.type === 'contact-saved' ? `contact:${message.customerId}` : message.type;
    waiting.get(key)?.shift()?.(message);
  });
  const next = <T extends FromWorker>(key: string, timeoutMs = 120_000) =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`sleeping bench: the worker did not answer "${key}" within ${timeoutMs} ms`)), timeoutMs);
      const list = waiting.get(key) ?? [];
      list.push((message) => {
        clearTimeout(timer);
        resolve(message as T);
      });
      waiting.set(key, list);
      void exited.then((code) => reject(new Error(`sleeping bench: the worker exited (code ${code}) while waiting for "${key}"`)));
    });
  const ready = await next<Extract<FromWorker, { type: 'ready' }>>('ready');
  return {
    child,
    maxCachedWorkflows: ready.maxCachedWorkflows,
    sends,
    async memory() {
      const answer = next<Extract<FromWorker, { type: 'memory' }>>('memory');
      child.send({ type: 'memory' } satisfies ToWorker);
      return answer;
    },
    async contact(customerId, email) {
      const answer = next(`contact:${customerId}`);
      child.send({ type: 'contact', customerId, email } satisfies ToWorker);
      await answer;
    },
    async stop() {
      if (child.exitCode !== null) return;
      child.send({ type: 'stop' } satisfies ToWorker);
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

interface World {
  client: Client;
  runs: ReturnType<typeof createRunOps>;
  sleep: JourneySnapshot;
  timer: JourneySnapshot;
  /** Recipient → performance.now() of the email's arrival at the SMTP sink. */
  mail: Map<string, number>;
}

const event = (name: string, id: string): JourneyEvent => ({ id, name, properties: {}, timestamp: new Date().toISOString() });

/** Start runs `from`..`to`-1 of `snapshot` with START_CONCURRENCY calls in flight; starts per second. */
async function startRuns(ctx: ScenarioContext, world: World, snapshot: JourneySnapshot, prefix: string, from: number, to: number): Promise<number> {
  const t0 = performance.now();
  let next = from;
  let done = 0;
  ctx.progress.start(`start ${snapshot.journey.id} runs ${from.toLocaleString('en-US')}–${(to - 1).toLocaleString('en-US')}`, to - from, 'runs');
  const caller = async () => {
    while (next < to) {
      const i = next++;
      const customerId = `${prefix}${i}`;
      const trigger = event('event' in snapshot.journey.trigger ? snapshot.journey.trigger.event : 'bench.start', `start-${customerId}`);
      const started = await world.runs.start({ workflowId: journeyWorkflowId(snapshot.journey.id, customerId), input: { snapshot, customerId, trigger } });
      if (!started) throw new Error(`sleeping bench: run for ${customerId} was already running`);
      done++;
      if (done % 200 === 0) ctx.progress.update(done, `${Math.round(done / ((performance.now() - t0) / 1000))} starts/s`);
    }
  };
  await Promise.all(Array.from({ length: START_CONCURRENCY }, caller));
  const rate = (to - from) / ((performance.now() - t0) / 1000);
  ctx.progress.done(`${Math.round(rate)} starts/s`);
  return rate;
}

/** True once the run's first workflow task ran: its history has the wait's timer. */
async function asleep(world: World, workflowId: string): Promise<boolean> {
  const history = await world.client.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? []).some((e) => e.timerStartedEventAttributes != null);
}

/** Wait until the last runs started (and a random sample) are asleep; seconds from `since`. */
async function untilAsleep(ctx: ScenarioContext, world: World, ids: string[], since: number): Promise<number> {
  const probe = [...ids.slice(-10), ...Array.from({ length: 10 }, () => ids[Math.floor(Math.random() * ids.length)]!)];
  ctx.progress.start(`worker takes ${ids.length.toLocaleString('en-US')} runs to their wait`, probe.length, 'probes');
  const pending = new Set(probe);
  const deadline = performance.now() + 30 * 60_000;
  while (pending.size > 0) {
    if (performance.now() > deadline) throw new Error(`sleeping bench: ${pending.size} probed runs still not asleep after 30 minutes (e.g. ${[...pending][0]})`);
    for (const id of [...pending]) if (await asleep(world, id)) pending.delete(id);
    ctx.progress.update(probe.length - pending.size);
    if (pending.size > 0) await sleep(1000);
  }
  const seconds = (performance.now() - since) / 1000;
  ctx.progress.done(`${seconds.toFixed(0)} s from the first start`);
  return seconds;
}

/** Signal `count` random sleepers one at a time: ms from the signal call to the next step's activity start, and to the email. */
async function signalWakes(ctx: ScenarioContext, world: World, worker: WorkerHandle, prefix: string, population: number, count: number, woken = new Set<number>()): Promise<Wakes> {
  const step: number[] = [];
  const email: number[] = [];
  const phases: WakePhases = { signalCall: [], toWorker: [], inWorker: [], toActivity: [] };
  const chosen = new Set<number>();
  while (chosen.size < Math.min(count, population - woken.size)) {
    const i = Math.floor(Math.random() * population);
    if (!woken.has(i)) chosen.add(i);
  }
  ctx.progress.start(`wake ${chosen.size} sleeping runs by signal`, chosen.size, 'runs');
  for (const i of chosen) {
    const customerId = `${prefix}${i}`;
    const address = `${customerId}@bench.example`;
    await worker.contact(customerId, address);
    const workflowId = journeyWorkflowId(world.sleep.journey.id, customerId);
    const sentAt = epochMs();
    const sentPerf = performance.now();
    if (!(await world.runs.signal(workflowId, event('bench.wake', `wake-${customerId}`)))) throw new Error(`sleeping bench: ${workflowId} is not running`);
    const deadline = performance.now() + 30_000;
    while (!worker.sends.has(workflowId) || !world.mail.has(address)) {
      if (performance.now() > deadline) throw new Error(`sleeping bench: ${workflowId} did not reach its send within 30 s of the signal`);
      await sleep(1);
    }
    step.push(worker.sends.get(workflowId)! - sentAt);
    email.push(world.mail.get(address)! - sentPerf);
    woken.add(i);
    ctx.progress.tick(1, `last ${step[step.length - 1]!.toFixed(1)} ms`);
    await addPhases(phases, world, workflowId, sentAt, worker.sends.get(workflowId)!);
    await sleep(20);
  }
  ctx.progress.done();
  return { step, email, phases };
}

/** Where a wake-up's time went, in ms, from the server's event times and the worker's send time. */
interface WakePhases {
  /** Signal call → the server's WorkflowExecutionSignaled event. */
  signalCall: number[];
  /** Signaled → the worker's WorkflowTaskStarted (task queue + poll). */
  toWorker: number[];
  /** WorkflowTaskStarted → WorkflowTaskCompleted: the worker's turn (history fetch and replay on a cache miss). */
  inWorker: number[];
  /** WorkflowTaskCompleted → sendMessage starts in the worker (activity dispatch). */
  toActivity: number[];
}

interface Wakes {
  step: number[];
  email: number[];
  phases: WakePhases;
}

const eventMs = (e: { eventTime?: { seconds?: unknown; nanos?: number | null } | null }) => Number(e.eventTime?.seconds ?? 0) * 1000 + (e.eventTime?.nanos ?? 0) / 1e6;

async function addPhases(phases: WakePhases, world: World, workflowId: string, signalAt: number, sendAt: number): Promise<void> {
  const events = (await world.client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  const signaled = events.findIndex((e) => e.workflowExecutionSignaledEventAttributes != null);
  const started = events.findIndex((e, i) => i > signaled && e.workflowTaskStartedEventAttributes != null);
  const completed = events.findIndex((e, i) => i > started && e.workflowTaskCompletedEventAttributes != null);
  if (signaled < 0 || started < 0 || completed < 0) return;
  phases.signalCall.push(eventMs(events[signaled]!) - signalAt);
  phases.toWorker.push(eventMs(events[started]!) - eventMs(events[signaled]!));
  phases.inWorker.push(eventMs(events[completed]!) - eventMs(events[started]!));
  phases.toActivity.push(sendAt - eventMs(events[completed]!));
}

/** Start `count` runs sleeping `seconds` on a timer: ms from each timer's due time to its next step's activity start. */
async function timerWakes(ctx: ScenarioContext, world: World, worker: WorkerHandle, prefix: string, count: number, seconds: number): Promise<number[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const customerId = `${prefix}${i}`;
    ids.push(journeyWorkflowId(world.timer.journey.id, customerId));
    await world.runs.start({ workflowId: ids[i]!, input: { snapshot: world.timer, customerId, trigger: event('bench.nap', `nap-${customerId}`) } });
    await sleep(50);
  }
  ctx.progress.start(`${count} runs wake from a ${seconds} s timer`, count, 'runs');
  const deadline = performance.now() + (seconds + 60) * 1000;
  while (ids.some((id) => !worker.sends.has(id))) {
    if (performance.now() > deadline) throw new Error('sleeping bench: timer runs did not reach their send within a minute of their timers');
    ctx.progress.update(ids.filter((id) => worker.sends.has(id)).length);
    await sleep(500);
  }
  ctx.progress.done();
  const latencies: number[] = [];
  for (const id of ids) {
    const history = await world.client.workflow.getHandle(id).fetchHistory();
    const timer = (history.events ?? []).find((e) => e.timerStartedEventAttributes != null);
    const startedMs = Number(timer?.eventTime?.seconds ?? 0) * 1000 + (timer?.eventTime?.nanos ?? 0) / 1e6;
    const fire = timer?.timerStartedEventAttributes?.startToFireTimeout;
    const dueMs = startedMs + Number(fire?.seconds ?? 0) * 1000 + (fire?.nanos ?? 0) / 1e6;
    latencies.push(worker.sends.get(id)! - dueMs);
  }
  return latencies;
}

const mb = (bytes: number) => Math.round((bytes / MB) * 10) / 10;

/**
 * The worker's memory once it has been idle a while: the lowest of three readings 10 s apart.
 * A forced GC reaches only the main thread; the workflows' own V8 isolate (a worker thread)
 * collects its garbage when V8 sees it idle, which these pauses give it time to do.
 */
async function settledMemory(worker: WorkerHandle): Promise<Reading> {
  let lowest: Reading | undefined;
  for (let i = 0; i < 3; i++) {
    await sleep(10_000);
    const reading = await worker.memory();
    if (!lowest || reading.after.rss < lowest.after.rss) lowest = reading;
  }
  return lowest!;
}

interface Checkpoint {
  asleep: number;
  startRate: number;
  /** Runs taken to their wait per second (start of the load → last probed run asleep). */
  asleepRate: number;
  rssMB: number;
  rssBeforeGcMB: number;
  heapUsedMB: number;
  /** Node's off-heap allocations (Buffers, the core bridge's payloads). */
  externalMB: number;
  /** Runs in the sticky cache at the reading. */
  cached: number;
  wakeStep: ReturnType<typeof summarize>;
  /** The wake-up split at the server's events (p50/p99 of each part). */
  wakePhases: Record<keyof WakePhases, ReturnType<typeof summarize>>;
  wakeEmail: ReturnType<typeof summarize>;
}

const phaseSummary = (p: WakePhases) => ({ signalCall: summarize(p.signalCall), toWorker: summarize(p.toWorker), inWorker: summarize(p.inWorker), toActivity: summarize(p.toActivity) });
const phaseText = (p: ReturnType<typeof phaseSummary>) =>
  `signal call ${p.signalCall.p50}/${p.signalCall.p99}, to worker ${p.toWorker.p50}/${p.toWorker.p99}, in worker ${p.inWorker.p50}/${p.inWorker.p99}, to activity ${p.toActivity.p50}/${p.toActivity.p99} ms (p50/p99)`;

interface ConfigResult {
  label: string;
  maxCachedWorkflows: number;
  idle: { rssMB: number; rssBeforeGcMB: number; heapUsedMB: number; externalMB: number; cached: number };
  checkpoints: Checkpoint[];
  timer: ReturnType<typeof summarize>;
}

async function runConfig(ctx: ScenarioContext, world: World, base: Omit<WorkerConfig, 'maxCachedWorkflows'>, label: string, cache: number | undefined, sizes: number[], tag: string): Promise<ConfigResult> {
  const worker = await startWorker({ ...base, maxCachedWorkflows: cache });
  try {
    // Warm up: load the workflow code and every activity once, so "idle" is a worker that has worked.
    const warm = `${tag}-warm-`;
    await startRuns(ctx, world, world.sleep, warm, 0, 20);
    await untilAsleep(ctx, world, Array.from({ length: 20 }, (_, i) => journeyWorkflowId(world.sleep.journey.id, `${warm}${i}`)), performance.now());
    await signalWakes(ctx, world, worker, warm, 20, 20);
    const idle = await settledMemory(worker);
    const checkpoints: Checkpoint[] = [];
    const prefix = `${tag}-`;
    let asleepCount = 0;
    const ids: string[] = [];
    const woken = new Set<number>();
    for (const size of sizes) {
      const t0 = performance.now();
      const startRate = await startRuns(ctx, world, world.sleep, prefix, asleepCount, size);
      for (let i = asleepCount; i < size; i++) ids.push(journeyWorkflowId(world.sleep.journey.id, `${prefix}${i}`));
      const seconds = await untilAsleep(ctx, world, ids.slice(asleepCount), t0);
      asleepCount = size;
      const loaded = await settledMemory(worker);
      const wakes = await signalWakes(ctx, world, worker, prefix, size, ctx.pick(200, 50), woken);
      checkpoints.push({
        asleep: size,
        startRate,
        asleepRate: (size - (checkpoints.at(-1)?.asleep ?? 0)) / seconds,
        rssMB: mb(loaded.after.rss),
        rssBeforeGcMB: mb(loaded.before.rss),
        heapUsedMB: mb(loaded.after.heapUsed),
        externalMB: mb(loaded.after.external),
        cached: loaded.cached,
        wakeStep: summarize(wakes.step),
        wakePhases: phaseSummary(wakes.phases),
        wakeEmail: summarize(wakes.email),
      });
      ctx.log(
        `${label}: ${size.toLocaleString('en-US')} asleep (${loaded.cached} cached), RSS ${mb(idle.after.rss)} → ${mb(loaded.after.rss)} MB (before GC ${mb(loaded.before.rss)} MB), ` +
          `heap ${mb(idle.after.heapUsed)} → ${mb(loaded.after.heapUsed)} MB, external ${mb(idle.after.external)} → ${mb(loaded.after.external)} MB, wake p50/p99 ${summarize(wakes.step).p50}/${summarize(wakes.step).p99} ms: ${phaseText(phaseSummary(wakes.phases))}`,
      );
    }
    const timer = summarize(await timerWakes(ctx, world, worker, `${tag}-nap-`, ctx.pick(100, 30), 15));
    return {
      label,
      maxCachedWorkflows: worker.maxCachedWorkflows,
      idle: { rssMB: mb(idle.after.rss), rssBeforeGcMB: mb(idle.before.rss), heapUsedMB: mb(idle.after.heapUsed), externalMB: mb(idle.after.external), cached: idle.cached },
      checkpoints,
      timer,
    };
  } finally {
    await worker.stop();
  }
}

export const scenario: Scenario = {
  name: 'sleeping',
  title: 'journeys asleep in a wait: worker RSS before and after, wake-up latency, start rate (default vs small sticky cache)',
  async run(ctx) {
    // Two checkpoints: growth that does not follow the number asleep is the cache, not the runs.
    // 100,000 is not in the default: the worker takes runs to their wait at ~20–30/s on a shared
    // 2-core machine, over an hour for 100,000 (the notes give the estimate from this run's rate);
    // BENCH_SLEEP_SIZES=10000,100000 runs it where that time is available.
    const sizes = process.env.BENCH_SLEEP_SIZES ? process.env.BENCH_SLEEP_SIZES.split(',').map(Number) : ctx.pick([2_000, 10_000], [1_000, 3_000]);
    const dataDir = await mkdtemp(join(tmpdir(), 'touchpoint-bench-sleeping-'));
    const cleanups: Array<() => Promise<unknown>> = [() => rm(dataDir, { recursive: true, force: true })];
    try {
      const journeysDir = join(dataDir, 'journeys');
      await mkdir(journeysDir);
      const files = {
        ...benchJourney({ id: 'bench-sleep', trigger: 'bench.sleep', steps: [{ id: 'sleep', wait_for: { event: 'bench.wake', timeout: '30d', on_event: [{ id: 'wake-mail', send: { channel: 'email', template: 'welcome' } }] } }] }),
        ...benchJourney({ id: 'bench-nap', trigger: 'bench.nap', steps: [{ id: 'nap', wait: '15s' }, { id: 'nap-mail', send: { channel: 'email', template: 'welcome' } }] }),
      };
      for (const [file, text] of Object.entries(files)) await writeFile(join(journeysDir, file), text);
      const loaded = await loadJourneys({ paths: [journeysDir], templatesDir: join(REPO_ROOT, 'templates') });
      const find = (id: string) => {
        const found = loaded.journeys.find((s) => s.journey.id === id);
        if (!found) throw new Error(`sleeping bench: journey ${id} did not load: ${loaded.problems.map((p) => p.message).join('; ')}`);
        return found;
      };

      const database = await createBenchDatabase(dataDir);
      cleanups.push(() => database.drop());
      // File-backed, as npm start runs it (SQLite in WAL mode). The in-memory dev server ended with
      // Go's exit code 2 at about 75,000 runs (its database near 4 GB of its memory), twice.
      const devServer = await startDevServer({ cliPath: benchTemporalCli(), uiPort: false, dataDir: join(dataDir, 'temporal') });
      cleanups.push(() => devServer.stop());
      void devServer.unexpectedExit.then((why) => ctx.log(why));
      const mail = new Map<string, number>();
      const smtp = await startSmtpSink({
        beforeReply: async (message) => {
          const to = message.to && !Array.isArray(message.to) ? message.to.value[0]?.address : undefined;
          if (to) mail.set(to, performance.now());
        },
      });
      cleanups.push(() => smtp.close());
      const connection = await Connection.connect({ address: devServer.address });
      cleanups.push(() => connection.close());
      const client = new Client({ connection, namespace: 'default' });
      const world: World = { client, runs: createRunOps(client, TASK_QUEUE), sleep: find('bench-sleep'), timer: find('bench-nap'), mail };
      const base = { address: devServer.address, dataDir, databaseUrl: database.url, journeysDir, smtpUrl: smtp.url };

      const results: ConfigResult[] = [];
      // BENCH_SLEEP_SDK_DEFAULT=0 skips the SDK-default phase (investigations of the small cache).
      if (process.env.BENCH_SLEEP_SDK_DEFAULT !== '0') results.push(await runConfig(ctx, world, base, 'SDK default cache', undefined, [Math.min(sizes[0]!, SDK_DEFAULT_MAX_RUNS)], 'default'));
      results.push(await runConfig(ctx, world, base, `maxCachedWorkflows ${SMALL_CACHE}`, SMALL_CACHE, sizes, 'small'));

      const metrics: Metric[] = [];
      for (const r of results) {
        const cache = `cache ${r.maxCachedWorkflows}`;
        for (const c of r.checkpoints) {
          const n = c.asleep.toLocaleString('en-US');
          metrics.push({ name: `worker RSS, ${n} asleep vs idle (${cache})`, unit: 'MB', engine: c.rssMB, baseline: r.idle.rssMB });
          metrics.push({ name: `RSS growth, ${n} asleep (${cache})`, unit: 'MB', engine: Math.round((c.rssMB - r.idle.rssMB) * 10) / 10, baseline: null, targets: [{ on: 'engine', op: '<=', value: 50 }] });
          metrics.push({ name: `wake-up p99, signal → next step, ${n} asleep (${cache})`, unit: 'ms', engine: c.wakeStep.p99, baseline: null, targets: [{ on: 'engine', op: '<=', value: 50 }] });
        }
        metrics.push({ name: `wake-up p99, timer due → next step (${cache})`, unit: 'ms', engine: r.timer.p99, baseline: null, targets: [{ on: 'engine', op: '<=', value: 50 }] });
      }
      const small = results.at(-1)!;
      const last = small.checkpoints.at(-1)!;
      metrics.push({ name: `runs started/s (${last.asleep.toLocaleString('en-US')}, ${START_CONCURRENCY} in flight)`, unit: '/s', engine: last.startRate, baseline: null });
      metrics.push({ name: 'runs taken to their wait/s', unit: '/s', engine: last.asleepRate, baseline: null });

      const def = results.length > 1 ? results[0]! : undefined;
      const defGrowth = def ? (def.checkpoints[0]?.rssMB ?? 0) - def.idle.rssMB : 0;
      const perCached = def ? defGrowth / Math.max(1, (def.checkpoints[0]?.cached ?? 1) - def.idle.cached) : 0;
      const notes = [
        `Worker: a child process with the journey workflow and the real activities (store ${database.kind}, SMTP sink); RSS after a forced GC of the main thread, the lowest of three readings 10–30 s after the last run went to sleep. Temporal: dev server with a SQLite file in WAL mode, as npm start runs it.`,
        (def
          ? `The sticky cache is what grows with the runs: with the SDK default (maxCachedWorkflows ${def.maxCachedWorkflows} on this machine's heap limit; run to ${def.checkpoints[0]?.asleep.toLocaleString('en-US')} only, where it is full) RSS grew ${defGrowth.toFixed(0)} MB for ${def.checkpoints[0]?.cached.toLocaleString('en-US')} cached runs (≈ ${(perCached * 1024).toFixed(0)} KB per cached run). `
          : '') +
          `With ${small.maxCachedWorkflows}${small.maxCachedWorkflows === DEFAULT_MAX_CACHED_WORKFLOWS ? " (npm start's default, TEMPORAL_MAX_CACHED_WORKFLOWS)" : ''}: ${small.checkpoints.map((c) => `+${(c.rssMB - small.idle.rssMB).toFixed(0)} MB at ${c.asleep.toLocaleString('en-US')} (heap +${(c.heapUsedMB - small.idle.heapUsedMB).toFixed(0)}, external +${(c.externalMB - small.idle.externalMB).toFixed(0)})`).join(', ')}; an evicted run costs nothing until it wakes (its short history is replayed then). ` +
          'Beyond the cache, growth does not follow the number asleep (compare the checkpoints): what a burst of starts leaves is allocator and workflow-isolate memory (a worker thread, which a forced GC of the main thread does not reach), and on PGlite WASM memory that never shrinks.',
        `Wake-up = signal call → the next step's sendMessage starting in the worker; email accepted by SMTP p50 ${last.wakeEmail.p50} ms / p99 ${last.wakeEmail.p99} ms after the signal. Timer: the timer's due time (history) → sendMessage start. ` +
          `At ${last.asleep.toLocaleString('en-US')} asleep the signal wake-up splits into ${phaseText(last.wakePhases)}.`,
        `Starting ${last.asleep.toLocaleString('en-US')} runs: ${last.startRate.toFixed(0)} starts/s (client.workflow.start, ${START_CONCURRENCY} in flight, the router's start call without its entry-log write), ${last.asleepRate.toFixed(0)} runs/s reached their wait` +
          (last.asleep < 100_000 ? `; 100,000 asleep would take ≈ ${Math.round(100_000 / last.asleepRate / 60)} min at that rate, not run.` : '.'),
      ];
      return { metrics, notes, database: database.kind, details: { sizes, smallCache: SMALL_CACHE, results } };
    } finally {
      for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    }
  },
};
