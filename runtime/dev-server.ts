// Launches `temporal server start-dev` as a child process for `npm start` and tests: picks
// ports, registers Touchpoint's search attributes, waits until it answers, stops it cleanly.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTES } from '../workflows/search-attributes';
import { freePort, isPortFree } from './ports';
import { commandLine, isAlive, terminate } from './processes';

export interface DevServerOptions {
  /** Path of the `temporal` CLI (see temporal/binaries.ts `temporalCliPath()`). */
  cliPath: string;
  /** Keep state in `<dataDir>/temporal.db` (and the pid in `<dataDir>/temporal.pid`). @default in-memory: state is lost on stop */
  dataDir?: string;
  /** gRPC frontend port on 127.0.0.1. @default 0: a free port */
  port?: number;
  /** Web UI port, or `false` for no UI (`--headless`). @default 0: a free port */
  uiPort?: number | false;
  /** Namespace to create at launch (`default` always exists). @default 'default' */
  namespace?: string;
  /** Receives every line the server prints (it runs with `--log-level warn`). @default lines are dropped */
  log?: (line: string) => void;
  /** How long to wait for the server to answer before giving up. @default 30_000 */
  startTimeoutMs?: number;
}

export interface DevServer {
  /** `127.0.0.1:<port>`: pass to Connection.connect / NativeConnection.connect. */
  address: string;
  /** `http://127.0.0.1:<uiPort>`, or null when headless. */
  uiUrl: string | null;
  pid: number;
  /**
   * Resolves when the server process ends for a reason other than stop(): how it ended and what it
   * printed last, e.g. "The Temporal dev server at 127.0.0.1:7233 (pid 42) ended by itself (code 2);
   * it crashed with: panic: …; last output: …". Never resolves after stop().
   */
  unexpectedExit: Promise<string>;
  /** SIGTERM, wait for exit (SIGKILL after 10 s); safe to call twice. */
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';

/**
 * SQLite settings for a file-backed dev server. With its default rollback journal and
 * synchronous=FULL every commit waits for fsync, which capped bare workflow starts at ~20/s on a
 * 2-core machine; a write-ahead log with synchronous=NORMAL syncs only at checkpoints (~75/s there).
 * Durability: a crash or kill of the server process loses nothing that was committed (the WAL is
 * in the OS page cache and is replayed on the next open); a power loss or kernel crash can lose
 * the last commits. That fits `npm start`'s development server; production runs a real Temporal
 * cluster (TEMPORAL_ADDRESS). Not used in memory, where there is no file to sync.
 */
const FILE_PRAGMAS = ['journal_mode=wal', 'synchronous=normal'];
const TAIL_LINES = 30;
const FATAL_LINES = 8;

/** The CLI's spelling of each search attribute type (`--search-attribute Name=Keyword`). */
const CLI_TYPE = {
  TEXT: 'Text',
  KEYWORD: 'Keyword',
  INT: 'Int',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
} as const;

/** Start a dev server and resolve once it answers gRPC calls for `namespace`. */
export async function startDevServer(opts: DevServerOptions): Promise<DevServer> {
  const namespace = opts.namespace ?? 'default';
  const dbFile = opts.dataDir ? join(opts.dataDir, 'temporal.db') : undefined;
  const pidFile = opts.dataDir ? join(opts.dataDir, 'temporal.pid') : undefined;
  if (opts.dataDir && dbFile && pidFile) {
    mkdirSync(opts.dataDir, { recursive: true });
    await stopOrphan(pidFile, dbFile, opts.log);
  }

  const port = await choosePort(opts.port, 'TEMPORAL_DEV_PORT');
  const uiPort = opts.uiPort === false ? null : await choosePort(opts.uiPort, 'TEMPORAL_UI_PORT');
  const args = ['server', 'start-dev', '--ip', HOST, '--port', String(port), '--namespace', namespace, '--log-level', 'warn'];
  args.push(...(uiPort === null ? ['--headless'] : ['--ui-port', String(uiPort)]));
  if (dbFile) args.push('--db-filename', dbFile, ...FILE_PRAGMAS.flatMap((pragma) => ['--sqlite-pragma', pragma]));
  for (const key of SEARCH_ATTRIBUTES) args.push('--search-attribute', `${key.name}=${CLI_TYPE[key.type]}`);

  const child = spawn(opts.cliPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const tail: string[] = [];
  /** A Go panic or fatal error and the lines after it: the dump that follows pushes it out of the tail. */
  const fatal: string[] = [];
  const exited = new Promise<string>((resolve) => {
    // 'close' comes after the output streams end, so the tail is complete when we report it.
    child.once('close', (code, signal) => resolve(signal ? `signal ${signal}` : `code ${code}`));
    child.once('error', (error) => resolve(`spawn error: ${error.message}`));
  });
  collectLines(child, (line) => {
    tail.push(line);
    if (tail.length > TAIL_LINES) tail.shift();
    if (fatal.length === 0 ? /^(panic: |fatal error: )/.test(line) : fatal.length < FATAL_LINES) fatal.push(line);
    opts.log?.(line);
  });
  const pid = child.pid;
  if (pid === undefined) {
    const why = await exited;
    throw new Error(`Could not start the Temporal dev server (${opts.cliPath}): ${why}. Check TEMPORAL_CLI_PATH or run \`npm install\`.`);
  }
  if (pidFile) writeFileSync(pidFile, `${pid}\n`);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= stopChild(child, exited).finally(() => {
      if (pidFile && readPid(pidFile) === pid) rmSync(pidFile, { force: true });
    });
    return stopping;
  };

  const address = `${HOST}:${port}`;
  const notReady = await waitUntilReady(address, namespace, exited, opts.startTimeoutMs ?? 30_000);
  if (notReady) {
    await stop();
    const output = tail.length ? `\nLast output of the server:\n  ${tail.join('\n  ')}` : ' (it printed nothing)';
    throw new Error(`The Temporal dev server at ${address} ${notReady}.${output}`);
  }
  const unexpectedExit = new Promise<string>((resolve) => {
    void exited.then((why) => {
      if (stopping) return;
      const crash = fatal.length ? `; it crashed with:\n  ${fatal.join('\n  ')}` : '';
      const output = tail.length ? `; last output:\n  ${tail.join('\n  ')}` : '; it printed nothing';
      resolve(`The Temporal dev server at ${address} (pid ${pid}) ended by itself (${why})${crash}${output}`);
    });
  });
  return { address, uiUrl: uiPort === null ? null : `http://${HOST}:${uiPort}`, pid, unexpectedExit, stop };
}

async function choosePort(requested: number | undefined, variable: string): Promise<number> {
  if (!requested) return freePort(HOST);
  if (await isPortFree(requested, HOST)) return requested;
  throw new Error(
    `Port ${requested} on ${HOST} is already in use by another program, so the Temporal dev server cannot use it. ` +
      `Set ${variable} to a free port, or set TEMPORAL_ADDRESS to use a Temporal server that is already running.`,
  );
}

/** Poll until the frontend answers and the namespace exists; returns why not on failure, else null. */
async function waitUntilReady(address: string, namespace: string, exited: Promise<string>, timeoutMs: number): Promise<string | null> {
  const exit = exited.then((why) => `exited before it was ready (${why})`);
  const deadline = Date.now() + timeoutMs;
  let lastError = 'no answer yet';
  while (Date.now() < deadline) {
    const outcome = await Promise.race([probe(address, namespace), exit]);
    if (outcome === null || typeof outcome === 'string') return outcome;
    lastError = outcome.error;
    const early = await Promise.race([sleep(250).then(() => null), exit]);
    if (early) return early;
  }
  return `did not answer within ${Math.round(timeoutMs / 1000)} s (last error: ${lastError})`;
}

/** null when the server answers for `namespace`, else the error of this attempt. */
async function probe(address: string, namespace: string): Promise<null | { error: string }> {
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ address, connectTimeout: 1_000 });
    await connection.workflowService.getSystemInfo({});
    await connection.workflowService.describeNamespace({ namespace });
    return null;
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

async function stopChild(child: ChildProcess, exited: Promise<string>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/**
 * A previous `npm start` killed with SIGKILL leaves its dev server running, holding the port and
 * the SQLite file. Stop it, but only if the pid still names a dev server on this very db file.
 */
async function stopOrphan(pidFile: string, dbFile: string, log?: (line: string) => void): Promise<void> {
  const pid = readPid(pidFile);
  if (pid === null || pid === process.pid || !isAlive(pid)) return;
  const argv = commandLine(pid);
  if (!argv || !argv.includes('start-dev') || argv[argv.indexOf('--db-filename') + 1] !== dbFile) return;
  log?.(`stopping the Temporal dev server left running by an earlier start (pid ${pid})`);
  await terminate(pid);
  rmSync(pidFile, { force: true });
}

function readPid(pidFile: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(pidFile, 'utf8').trim(), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function collectLines(child: ChildProcess, onLine: (line: string) => void): void {
  for (const stream of [child.stdout, child.stderr]) {
    let partial = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) onLine(line);
    });
  }
}

export { registerSearchAttributes } from './register-search-attributes';
