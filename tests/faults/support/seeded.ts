// Reproducible randomness for fault schedules: the seed is printed with the test's counts, and
// FAULTS_SEED=<seed> runs the same schedule again.
import { randomInt } from 'node:crypto';

export interface Seeded {
  seed: number;
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max]. */
  between(min: number, max: number): number;
}

/** mulberry32 over FAULTS_SEED, or a fresh seed. */
export function seeded(): Seeded {
  const fromEnv = Number(process.env.FAULTS_SEED);
  const seed = Number.isSafeInteger(fromEnv) && fromEnv > 0 ? fromEnv : randomInt(1, 2 ** 31);
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { seed, next, between: (min, max) => min + Math.floor(next() * (max - min + 1)) };
}
