// The embedded Touchpoint stack for a benchmark, in this process: startTouchpoint with a temp
// data dir, its own ports, a dev server, PGlite (or a fresh database on BENCH_DATABASE_URL), a
// timestamping SMTP sink, bench journeys written to the data dir, and a Temporal client.
import { randomBytes } from 'node:crypto';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '../../config/env';
import { startTouchpoint } from '../../runtime/start';
import { freePort } from '../../runtime/ports';
import type { Db } from '../../store/db';
import { startSmtpSink, type SmtpSink } from '../../tests/support/smtp-sink';
import { createBenchDatabase } from './database';
import { createApiClient, type ApiClient } from './http';
import { benchTemporalCli, REPO_ROOT } from './paths';

export interface BenchStackOptions {
  /** Journey files to load: file name → YAML text (e.g. `{ 'bench-send.yaml': '…' }`). @default the repository's journeys/ */
  journeys?: Record<string, string>;
  /** @default the repository's templates/ */
  templatesDir?: string;
  /** More environment for the config (FREQUENCY_CAPS, TWILIO_*, …); ports, keys, dirs and SMTP are set here. */
  env?: Record<string, string>;
  /** Run the engine without an SMTP sink (SMTP_URL from `env`, or the local catch-all). @default false */
  noSmtpSink?: boolean;
}

/** When each email reached the sink (performance.now()), by recipient, in arrival order. */
export type Arrivals = Map<string, number[]>;

export interface BenchStack {
  apiUrl: string;
  /** An admin key (TOUCHPOINT_API_KEYS) good for every route. */
  apiKey: string;
  /** A keep-alive JSON client on apiUrl with that key. */
  api: ApiClient;
  temporalAddress: string;
  /** A client of its own on the same Temporal server (histories, counts, describe). */
  client: Client;
  /** "PGlite" or "PostgreSQL". */
  database: string;
  dataDir: string;
  /** The SMTP server the engine sends to (null with noSmtpSink). */
  smtp: SmtpSink | null;
  /** Arrival time of every email at the sink, by recipient address. */
  arrivals: Arrivals;
  /** performance.now() when the `nth` (1-based) email to `address` arrived; waits for it, rejects after `timeoutMs`. */
  emailArrival(address: string, nth?: number, timeoutMs?: number): Promise<number>;
  /** Stop the engine (API, worker, dev server, store); data stays for `query`. Safe twice. */
  stop(): Promise<void>;
  /** Run queries on the stack's database; stops the engine first when it is PGlite. */
  withDatabase<T>(fn: (db: Db) => Promise<T>): Promise<T>;
  /** Stop everything and delete the data dir and the PostgreSQL database. */
  dispose(): Promise<void>;
}

/** Start the engine; dispose() it in a finally. The engine's banner is not printed (BENCH_VERBOSE=1 shows it on stderr). */
export async function startBenchStack(options: BenchStackOptions = {}): Promise<BenchStack> {
  const dataDir = await mkdtemp(join(tmpdir(), 'touchpoint-bench-'));
  const cleanups: Array<() => Promise<void>> = [() => rm(dataDir, { recursive: true, force: true })];
  const cleanup = async () => {
    for (const step of cleanups.splice(0).reverse()) await step().catch(() => undefined);
  };
  try {
    const journeysDir = options.journeys ? join(dataDir, 'journeys') : join(REPO_ROOT, 'journeys');
    if (options.journeys) {
      await mkdir(journeysDir, { recursive: true });
      for (const [file, text] of Object.entries(options.journeys)) await writeFile(join(journeysDir, file), text);
    }
    const database = await createBenchDatabase(dataDir);
    cleanups.push(() => database.drop());
    const arrivals: Arrivals = new Map();
    const waiters = new Map<string, Array<() => void>>();
    const smtp = options.noSmtpSink
      ? null
      : await startSmtpSink({
          beforeReply: async (mail) => {
            const at = performance.now();
            const to = mail.to && !Array.isArray(mail.to) ? mail.to.value[0]?.address ?? '' : '';
            const list = arrivals.get(to) ?? [];
            list.push(at);
            arrivals.set(to, list);
            for (const wake of waiters.get(to)?.splice(0) ?? []) wake();
          },
        });
    if (smtp) cleanups.push(() => smtp.close());

    const apiKey = `bench-${randomBytes(16).toString('hex')}`;
    const env: Record<string, string> = {
      TEMPORAL_CLI_PATH: benchTemporalCli(),
      TEMPORAL_DEV_PORT: String(await freePort()),
      TEMPORAL_UI_PORT: String(await freePort()),
      TOUCHPOINT_DATA_DIR: dataDir,
      TOUCHPOINT_API_KEYS: `bench:admin:${apiKey}`,
      TOUCHPOINT_SECRET: randomBytes(24).toString('hex'),
      PORT: '0',
      LOCAL_SMTP_PORT: String(await freePort()),
      JOURNEYS_DIR: journeysDir,
      TEMPLATES_DIR: options.templatesDir ?? join(REPO_ROOT, 'templates'),
      LOG_LEVEL: 'warn',
      ...(database.url ? { DATABASE_URL: database.url } : {}),
      ...(smtp ? { SMTP_URL: smtp.url } : {}),
      ...options.env,
    };
    const running = await toStderr(() => startTouchpoint(loadConfig(env, REPO_ROOT)));
    let stopped: Promise<void> | undefined;
    const connection = await Connection.connect({ address: running.temporalAddress });
    const client = new Client({ connection, namespace: 'default' });
    const api = createApiClient(running.apiUrl, apiKey);
    const stop = () => {
      stopped ??= (async () => {
        api.close();
        await connection.close().catch(() => undefined);
        await toStderr(() => running.stop());
      })();
      return stopped;
    };
    cleanups.push(stop);
    return {
      apiUrl: running.apiUrl,
      apiKey,
      api,
      temporalAddress: running.temporalAddress,
      client,
      database: database.kind,
      dataDir,
      smtp,
      arrivals,
      emailArrival: (address, nth = 1, timeoutMs = 30_000) => arrivalOf(arrivals, waiters, address, nth, timeoutMs),
      stop,
      async withDatabase(fn) {
        if (database.kind === 'PGlite') await stop();
        const db = await database.open();
        try {
          return await fn(db);
        } finally {
          await db.close();
        }
      },
      dispose: cleanup,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

function arrivalOf(arrivals: Arrivals, waiters: Map<string, Array<() => void>>, address: string, nth: number, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bench: email #${nth} to ${address} did not arrive within ${timeoutMs} ms`)), timeoutMs);
    const check = () => {
      const at = arrivals.get(address)?.[nth - 1];
      if (at !== undefined) {
        clearTimeout(timer);
        resolve(at);
      } else waiters.set(address, [...(waiters.get(address) ?? []), check]);
    };
    check();
  });
}

/** startTouchpoint prints its banner on stdout, where the tables go: keep it off stdout meanwhile. */
async function toStderr<T>(fn: () => Promise<T>): Promise<T> {
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const callback = rest.find((x): x is () => void => typeof x === 'function');
    // The banner only with BENCH_VERBOSE; problems while stopping always.
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    if (process.env.BENCH_VERBOSE || text.startsWith('touchpoint:')) process.stderr.write(text);
    callback?.();
    return true;
  }) as typeof process.stdout.write;
  try {
    return await fn();
  } finally {
    process.stdout.write = write;
  }
}
