// A send-rate limit for one provider in one worker process: a token bucket (kept as the next
// free slot, GCRA style) that hands out evenly spaced send slots, so a provider's
// messages-per-second limit is never exceeded and its 429s never happen.

/** The clock and the sleep the bucket uses (tests drive a manual clock). */
export interface RateLimitClock {
  /** Milliseconds on a monotonic clock. @default performance.now() */
  now(): number;
  /** Resolve after `ms`. @default setTimeout */
  sleep(ms: number): Promise<void>;
}

export interface RateLimitOptions {
  /** Sends allowed per second, on average (may be fractional: 0.5 = one every 2 s). */
  ratePerSecond: number;
  /**
   * Sends allowed back to back after an idle spell. 1 spaces every send evenly, which a provider
   * that counts per second can never see as a burst. @default 1
   */
  burst?: number;
  clock?: RateLimitClock;
}

export type SlotGrant =
  /** The slot came; `waitedMs` is how long this caller waited for it. */
  | { granted: true; waitedMs: number }
  /** The next free slot is further away than the caller would wait: nothing was reserved. */
  | { granted: false; retryAfterMs: number };

export interface RateLimiter {
  readonly ratePerSecond: number;
  /**
   * Reserve the next free send slot and wait for it, when it is at most `maxWaitMs` away;
   * otherwise reserve nothing and say when to come back. Concurrent callers get distinct
   * slots in call order.
   */
  acquire(maxWaitMs: number): Promise<SlotGrant>;
}

const systemClock: RateLimitClock = {
  now: () => performance.now(),
  async sleep(ms) {
    // setTimeout counts from the event loop's cached time, which lags the real clock by whatever
    // the current turn has spent: it can fire that much early. Sleep again until the slot is here.
    const until = performance.now() + ms;
    for (let left = ms; left > 0; left = until - performance.now()) {
      await new Promise((resolve) => setTimeout(resolve, Math.ceil(left)));
    }
  },
};

/** A token bucket of `burst` tokens refilled at `ratePerSecond`; throws on a rate or burst that is not positive. */
export function createRateLimiter(options: RateLimitOptions): RateLimiter {
  const { ratePerSecond, burst = 1, clock = systemClock } = options;
  if (!(Number.isFinite(ratePerSecond) && ratePerSecond > 0)) throw new Error(`A send rate must be a positive number of messages per second (got ${ratePerSecond}).`);
  if (!(Number.isInteger(burst) && burst >= 1)) throw new Error(`A send burst must be a whole number of messages, at least 1 (got ${burst}).`);
  const intervalMs = 1000 / ratePerSecond;
  const toleranceMs = (burst - 1) * intervalMs;
  // The theoretical arrival time of the next send if every slot were used back to back: a slot
  // is free from `nextAt - toleranceMs` on. Idle time never banks more than `burst` sends.
  let nextAt = -Infinity;

  return {
    ratePerSecond,
    async acquire(maxWaitMs) {
      const now = clock.now();
      const base = Math.max(nextAt, now);
      const slotAt = Math.max(now, base - toleranceMs);
      const waitMs = slotAt - now;
      if (waitMs > maxWaitMs) return { granted: false, retryAfterMs: Math.ceil(waitMs) };
      nextAt = base + intervalMs;
      if (waitMs > 0) await clock.sleep(waitMs);
      return { granted: true, waitedMs: waitMs };
    },
  };
}
