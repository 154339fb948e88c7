// Touchpoint's TypeScript entry points run as child processes (compiled on load by
// child/register-ts.js), so a fault test can SIGKILL them and see what survives.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../../..');
const REGISTER_TS = join(__dirname, '../child/register-ts.js');

export interface RunningChild {
  child: ChildProcess;
  pid: number;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** True until it exits. */
  alive(): boolean;
  /** Send `signal` and resolve once it exited (at once if it already had); SIGKILL after `graceMs`. */
  kill(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

export interface ChildOptions {
  /** Entry point, relative to the repository root, e.g. `tests/faults/child/worker.ts`. */
  entry: string;
  args?: string[];
  env: NodeJS.ProcessEnv;
  /** Resolve once the output contains this. */
  readyWhen: string;
  /** @default 60_000 */
  readyTimeoutMs?: number;
}

/** Start the child; rejects with its output when it exits or stays silent before `readyWhen`. */
export function startChild(options: ChildOptions): Promise<RunningChild> {
  const child = spawn(process.execPath, ['-r', REGISTER_TS, join(ROOT, options.entry), ...(options.args ?? [])], {
    cwd: ROOT,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const running: RunningChild = {
    child,
    pid: child.pid ?? -1,
    output: () => output,
    alive: () => child.exitCode === null && child.signalCode === null,
    async kill(signal = 'SIGKILL', graceMs = 20_000) {
      if (running.alive()) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
  const timeoutMs = options.readyTimeoutMs ?? 60_000;
  return new Promise((resolveReady, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${options.entry} was not ready within ${timeoutMs / 1000} s:\n${output}`));
    }, timeoutMs);
    const read = (data: Buffer) => {
      output += data.toString();
      if (output.includes(options.readyWhen)) {
        clearTimeout(timer);
        resolveReady(running);
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${options.entry} exited (${signal ?? `code ${code}`}) before it was ready:\n${output}`));
    });
  });
}

/** The pid written in a pid file, or null when there is none. */
export function readPidFile(file: string): number | null {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}
