// Failed API keys and inspector sign-ins, counted per client address (rate-limiter-flexible, in
// memory): after too many, that address gets 429 with Retry-After for a while, whatever key it
// sends. A success never resets the count: a browser key is public, and calls made with it must
// not buy more guesses at the others.
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { HttpError } from './http-error';

export interface FailureLimit {
  /** Failures an address may make within `windowSeconds`. @default 10 */
  failures: number;
  /** @default 600 (10 minutes) */
  windowSeconds: number;
  /** How long an address that went over is refused. @default 900 (15 minutes) */
  blockSeconds: number;
}

export const DEFAULT_FAILURE_LIMIT: FailureLimit = { failures: 10, windowSeconds: 600, blockSeconds: 900 };

export interface AuthFailures {
  /** Seconds `address` must still wait, or null when it may try. */
  blockedFor(address: string): Promise<number | null>;
  /** Count a failure; the seconds to wait when this one went over the limit, else null. */
  fail(address: string): Promise<number | null>;
}

export function createAuthFailures(limit: FailureLimit = DEFAULT_FAILURE_LIMIT): AuthFailures {
  const limiter = new RateLimiterMemory({ points: limit.failures, duration: limit.windowSeconds, blockDuration: limit.blockSeconds });
  const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));
  return {
    async blockedFor(address) {
      const state = await limiter.get(address);
      return state && state.consumedPoints > limit.failures ? seconds(state.msBeforeNext) : null;
    },
    async fail(address) {
      try {
        await limiter.consume(address);
        return null;
      } catch (error) {
        if (error instanceof RateLimiterRes) return seconds(error.msBeforeNext);
        throw error;
      }
    },
  };
}

const shared = new WeakMap<object, AuthFailures>();

/**
 * One count per configured key list: every route and the inspector that check the same keys (one
 * running Touchpoint passes them all the same list) share it, so guesses spread over routes add up.
 */
export function authFailuresFor(keys: object): AuthFailures {
  let failures = shared.get(keys);
  if (!failures) shared.set(keys, (failures = createAuthFailures()));
  return failures;
}

/** The 429 an address over the limit gets, in the API's error shape. */
export function tooManyFailures(retryAfterSeconds: number): HttpError {
  return new HttpError(
    429,
    'too_many_failures',
    `Too many requests with a wrong API key from this address; try again in ${retryAfterSeconds} s. Check the key your client sends (TOUCHPOINT_API_KEYS on the server).`,
    undefined,
    { 'retry-after': String(retryAfterSeconds) },
  );
}
