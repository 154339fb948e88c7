// The real stack a fault test breaks: a Temporal dev server (optionally file-backed, so it can be
// stopped and started again), a fresh PostgreSQL database, the worker in a child process wired
// like `touchpoint start`, the HTTP API with the real router in this process, and the real SMTP
// server, Twilio emulator and push service every message is counted at.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import webpush from 'web-push';
import { createApiServer } from '../../../api';
import { pushRoutes } from '../../../api/routes/push';
import { createRouter } from '../../../routing';
import { createRoutingBacklog, type RoutingBacklog } from '../../../routing/backlog';
import { withTemporalDeadline } from '../../../temporal/unavailable';
import { startDevServer, type DevServer } from '../../../runtime/dev-server';
import { openStore } from '../../../store';
import type { Store } from '../../../store/types';
import { temporalCliPath } from '../../../temporal/binaries';
import { listen, type Api } from '../../api/http';
import { createTestDatabase, type TestDatabase } from '../../support/db';
import { freePort } from '../../support/ports';
import { startPushService, type PushService } from '../../support/push-service';
import { startSmtpSink, type SmtpSink } from '../../support/smtp-sink';
import { startTwilioEmulator, type TwilioEmulator } from '../../support/twilio-emulator';
import { startChild, type RunningChild } from './child-process';
import { startSmtpTap, type SmtpTap } from './smtp-tap';
import { faultJourney } from './fault-journey';
import { balance, type Enrolled, type Ledger } from './ledger';
import { enrol, orderSystem, type Post } from './order-system';
import { holdPostgresExclusively, sharePostgres, type Release } from './postgres-lock';
import { waitForRuns } from './run-counts';
import { parseAllowedTargets } from '../../../net/targets';

/** The local push service listens on loopback: allowed explicitly, as PUSH_ALLOWED_PRIVATE_TARGETS=127.0.0.1 would. */
const LOCAL_PUSH = parseAllowedTargets('127.0.0.1', 'PUSH_ALLOWED_PRIVATE_TARGETS');

export const API_KEY = 'faults-api-key-0123456789abcdef';
const SENDER = '+15005550006';

export interface FaultStackOptions {
  /** Names the journey, task queue and customers. */
  name: string;
  /** The journey's sleep after its first email. @default '2s' */
  pause?: string;
  /** Keep Temporal's state in a file, so `restartTemporal` resumes every run. @default false (in memory) */
  durableTemporal?: boolean;
  /** Start the SMTP server with the stack. @default true; false keeps its port free until `startMail()` */
  mailUp?: boolean;
  /** `exclusive` for the test that restarts the PostgreSQL server. @default 'shared' */
  postgres?: 'shared' | 'exclusive';
  /** Relay the worker's SMTP through a tap that notes which messages' bodies reached the server (see smtp-tap.ts). @default false */
  tapMail?: boolean;
  /**
   * Give the API the routing backlog, as `touchpoint start` does: events Temporal cannot take are
   * answered 202 and routed once it is back. @default false (the bare router: a 503 to retry)
   */
  backlog?: boolean;
}

export interface FaultStack {
  store: Store;
  /** The test database (a fresh one on the server at TEST_DATABASE_URL's address). */
  databaseUrl: string;
  client: Client;
  api: Api;
  twilio: TwilioEmulator;
  push: PushService;
  /** The SMTP server (throws while it is down). */
  mail(): SmtpSink;
  startMail(): Promise<SmtpSink>;
  /** Stop the dev server (SIGTERM), keep it down `downMs`, start it again on the same port and file. */
  restartTemporal(downMs: number): Promise<void>;
  /** Stop the dev server (SIGTERM); `startTemporal` brings it back on the same port (and file, if durable). */
  stopTemporal(): Promise<void>;
  startTemporal(): Promise<void>;
  /** The API's routing backlog (with `backlog: true`). */
  backlog: RoutingBacklog | null;
  /** Lines the backlog logged. */
  backlogLog: string[];
  startWorker(): Promise<void>;
  /** SIGKILL the worker process (no clean shutdown). */
  killWorker(): Promise<void>;
  /** Identify `count` new customers (email, phone, a push subscription) and start a run for each, through the API. */
  enrol(count: number): Promise<Enrolled[]>;
  /** POST JSON to the API until it answers 2xx (a 5xx or a refused connection is retried, as an order system would). */
  post: Post;
  /** 5xx answers the API gave (and logged) so far. */
  serverErrors: string[];
  /** Resolve with the number of completed runs once `expected` runs completed and none runs; throws after `timeoutMs`. */
  waitForRuns(expected: number, timeoutMs: number): Promise<number>;
  balance(customers: readonly Enrolled[]): Promise<Ledger>;
  /** Stop everything; safe after a failure half-way. */
  stop(): Promise<void>;
}

let bundle: Promise<string> | undefined;

/** The workflow bundle's code, built once per jest worker; each stack hands it to its workers as a file. */
function bundleCode(): Promise<string> {
  bundle ??= bundleWorkflowCode({ workflowsPath: require.resolve('../../../workflows'), logger: new DefaultLogger('ERROR') }).then(({ code }) => code);
  return bundle;
}

export async function startFaultStack(options: FaultStackOptions): Promise<FaultStack> {
  const stops: Array<() => Promise<unknown> | unknown> = [];
  const stop = async () => {
    for (const part of stops.splice(0).reverse()) await Promise.resolve().then(part).catch(() => undefined);
  };
  try {
    const release: Release = options.postgres === 'exclusive' ? await holdPostgresExclusively() : await sharePostgres();
    stops.push(release);
    const dataDir = mkdtempSync(join(tmpdir(), `touchpoint-faults-${options.name}-`));
    stops.push(() => rmSync(dataDir, { recursive: true, force: true }));

    const database: TestDatabase = await createTestDatabase();
    stops.push(() => database.dispose());
    const store = await openStore({ databaseUrl: database.databaseUrl, dataDir });
    stops.push(() => store.close());
    const journey = await faultJourney(store, `faults-${options.name}`, options.pause ?? '2s');

    const cliPath = temporalCliPath(process.env.TEMPORAL_CLI_PATH);
    const temporalDir = options.durableTemporal ? join(dataDir, 'temporal') : undefined;
    let server: DevServer = await startDevServer({ cliPath, uiPort: false, ...(temporalDir ? { dataDir: temporalDir } : {}) });
    stops.push(() => server.stop());
    const port = Number(server.address.split(':')[1]);
    const connection = await Connection.connect({ address: server.address });
    stops.push(() => connection.close());
    const client = new Client({ connection });

    const mailPort = await freePort();
    let mail: SmtpSink | null = options.mailUp === false ? null : await startSmtpSink({ port: mailPort });
    stops.push(() => mail?.close());
    const tap: SmtpTap | null = options.tapMail ? await startSmtpTap(mailPort) : null;
    stops.push(() => tap?.close());
    const twilio = await startTwilioEmulator();
    stops.push(() => twilio.stop());
    const push = await startPushService();
    stops.push(() => push.close());

    const taskQueue = `faults-${options.name}-${process.pid}`;
    const vapid = webpush.generateVAPIDKeys();
    const secret = randomBytes(32).toString('hex');
    const router = createRouter({ client, store, journeys: [journey], taskQueue });
    const serverErrors: string[] = [];
    const temporalHealth = () => withTemporalDeadline(connection, 2_000, () => connection.healthService.check({}));
    const backlogLog: string[] = [];
    const backlog = options.backlog ? createRoutingBacklog({ store, router, probe: temporalHealth, log: (line) => backlogLog.push(line), maxBackoffMs: 2_000 }) : null;
    if (backlog) {
      await backlog.start();
      stops.push(() => backlog.stop());
    }
    const app = createApiServer({
      store,
      router,
      ...(backlog ? { backlog } : {}),
      apiKeys: [API_KEY],
      log: (line) => serverErrors.push(line),
      health: async () => ({
        temporal: await temporalHealth().then(() => 'ok', (error: Error) => `down: ${error.message}`),
        database: await store.ping().then(() => 'ok', (error: Error) => `down: ${error.message}`),
      }),
      plugins: [pushRoutes({ store, apiKeys: [API_KEY], vapidPublicKey: vapid.publicKey, publicUrl: 'http://127.0.0.1', allowedTargets: LOCAL_PUSH, secret })],
    });
    const api = await listen(app);
    stops.push(() => api.close());

    const bundleFile = join(dataDir, 'workflows.js');
    writeFileSync(bundleFile, await bundleCode());
    const workerEnv: NodeJS.ProcessEnv = {
      ...process.env,
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      DATABASE_URL: database.databaseUrl,
      SMTP_URL: `smtp://127.0.0.1:${tap?.port ?? mailPort}`,
      TWILIO_ACCOUNT_SID: twilio.accountSid,
      TWILIO_AUTH_TOKEN: twilio.authToken,
      TWILIO_FROM: SENDER,
      TWILIO_API_URL: twilio.url,
      VAPID_PUBLIC_KEY: vapid.publicKey,
      VAPID_PRIVATE_KEY: vapid.privateKey,
      VAPID_SUBJECT: 'mailto:faults@touchpoint.test',
      PUSH_ALLOWED_PRIVATE_TARGETS: '127.0.0.1',
      TOUCHPOINT_SECRET: secret,
      PUBLIC_URL: api.url,
      TOUCHPOINT_DATA_DIR: dataDir,
      QUIET_HOURS: '',
      FREQUENCY_CAPS: '',
      WORKFLOW_BUNDLE: bundleFile,
    };
    let worker: RunningChild | null = null;
    const killed = new Set<RunningChild>();
    stops.push(() => worker?.kill('SIGKILL'));

    const post = orderSystem(api.url, API_KEY);

    let enrolled = 0;
    const stack: FaultStack = {
      store,
      databaseUrl: database.databaseUrl,
      client,
      api,
      twilio,
      push,
      serverErrors,
      post,
      mail() {
        if (!mail) throw new Error('the SMTP server is down');
        return mail;
      },
      async startMail() {
        mail ??= await startSmtpSink({ port: mailPort });
        return mail;
      },
      async restartTemporal(downMs) {
        await stack.stopTemporal();
        await sleep(downMs);
        await stack.startTemporal();
      },
      async stopTemporal() {
        await server.stop();
      },
      async startTemporal() {
        // A restart reopens the file-backed state with the other fault test of the pair loading the
        // machine: it has been seen to take over 30 s to answer in CI, so it gets longer than a first start.
        server = await startDevServer({ cliPath, uiPort: false, port, startTimeoutMs: 120_000, ...(temporalDir ? { dataDir: temporalDir } : {}) });
      },
      backlog,
      backlogLog,
      async startWorker() {
        if (worker?.alive()) throw new Error('the worker is already running');
        worker = await startChild({ entry: 'tests/faults/child/worker.ts', env: workerEnv, readyWhen: 'worker ready' });
      },
      async killWorker() {
        if (worker) killed.add(worker);
        await worker?.kill('SIGKILL');
      },
      async enrol(count) {
        const customers = await enrol(post, push, options.name, enrolled + 1, count);
        enrolled += count;
        return customers;
      },
      waitForRuns: (expected, timeoutMs) =>
        waitForRuns(client, {
          expected,
          timeoutMs,
          // A worker that died of the fault itself (not killed by the test) is a finding, not a wait.
          giveUp: () => (worker && !worker.alive() && !killed.has(worker) ? 'the worker process exited by itself' : null),
          diagnostics: () => `The worker's last output:\n${worker?.output().split('\n').slice(-20).join('\n') ?? '(no worker started)'}\nAPI 5xx: ${serverErrors.slice(-3).join('\n')}`,
        }),
      balance: (customers) => balance(store, customers, { mail: stack.mail(), twilio, push, ...(tap ? { bodiesStarted: tap.bodiesStarted } : {}) }),
      stop,
    };
    return stack;
  } catch (error) {
    await stop();
    throw error;
  }
}
