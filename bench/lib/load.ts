// Load drivers: `sustain` keeps N callers busy for a fixed time (closed loop, throughput);
// `timed` runs calls one after another and keeps each latency. Both drive the progress bar.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Progress } from './progress';

export interface SustainOptions {
  label: string;
  seconds: number;
  /** Callers running at once. */
  concurrency: number;
  progress: Progress;
  /** One call; `i` counts calls from 0. Resolves to the units it completed (default 1). Throwing counts an error. */
  call(i: number): Promise<number | void>;
  /** Unit for the rate shown in the bar. @default 'calls' */
  unit?: string;
}

export interface SustainResult {
  /** Units completed (sum of what `call` resolved to). */
  units: number;
  calls: number;
  errors: number;
  /** The first few error messages, for the notes. */
  firstErrors: string[];
  /** Measured wall time in seconds, from the first call to the last completion. */
  seconds: number;
  /** units / seconds. */
  rate: number;
}

/** Keep `concurrency` callers busy for `seconds`; calls started before the deadline are awaited. */
export async function sustain(options: SustainOptions): Promise<SustainResult> {
  const { progress } = options;
  const unit = options.unit ?? 'calls';
  let units = 0;
  let calls = 0;
  let errors = 0;
  const firstErrors: string[] = [];
  const started = performance.now();
  const deadline = started + options.seconds * 1000;
  progress.start(options.label, options.seconds, 's');
  const ticker = setInterval(() => {
    const elapsed = (performance.now() - started) / 1000;
    progress.update(elapsed, `${Math.round(units / Math.max(elapsed, 0.001))} ${unit}/s${errors ? `, ${errors} errors` : ''}`);
  }, 250);
  const caller = async () => {
    while (performance.now() < deadline) {
      const i = calls++;
      try {
        const done = await options.call(i);
        units += typeof done === 'number' ? done : 1;
      } catch (error) {
        errors++;
        if (firstErrors.length < 5) firstErrors.push(error instanceof Error ? error.message : String(error));
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: options.concurrency }, caller));
  } finally {
    clearInterval(ticker);
  }
  const seconds = (performance.now() - started) / 1000;
  const rate = units / seconds;
  progress.done(`${Math.round(rate)} ${unit}/s${errors ? `, ${errors} errors` : ''}`);
  return { units, calls, errors, firstErrors, seconds, rate };
}

/** Run `count` calls one at a time (with `pauseMs` between) and return each call's latency in ms. */
export async function timed(options: { label: string; count: number; progress: Progress; pauseMs?: number; call(i: number): Promise<number | void> }): Promise<number[]> {
  const samples: number[] = [];
  options.progress.start(options.label, options.count, 'samples');
  for (let i = 0; i < options.count; i++) {
    const t0 = performance.now();
    const measured = await options.call(i);
    samples.push(typeof measured === 'number' ? measured : performance.now() - t0);
    options.progress.tick(1);
    if (options.pauseMs) await sleep(options.pauseMs);
  }
  options.progress.done();
  return samples;
}

/** Poll `check` every `everyMs` until it is true; throws `message()` after `timeoutMs`. */
export async function until(check: () => Promise<boolean> | boolean, timeoutMs: number, message: () => string, everyMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(message());
    await sleep(everyMs);
  }
}
