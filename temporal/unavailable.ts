// Telling "Temporal cannot be reached right now" apart from every other Temporal error, and
// bounding client calls so an outage costs a caller seconds, not the SDK's ~19 s of retries.
import { isGrpcServiceError } from '@temporalio/client';

/** gRPC codes that mean the server was not reached or did not answer in time: retry later, the request was fine. */
const UNREACHABLE = new Set<number>([/* CANCELLED */ 1, /* DEADLINE_EXCEEDED */ 4, /* UNAVAILABLE */ 14]);

/**
 * True when `error` (or one of its causes) says the Temporal server was unreachable or did not
 * answer within the call's deadline, as opposed to refusing the request (not found, already
 * started, invalid argument).
 */
export function isTemporalUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    if (e instanceof TemporalDeadlineError || e.name === 'TemporalDeadlineError') return true;
    if (isGrpcServiceError(e) && UNREACHABLE.has(e.code)) return true;
    // Connection.connect before the server answered once.
    if (/Failed to connect before the deadline|ECONNREFUSED|No connection established/i.test(e.message)) return true;
  }
  return false;
}

/** A Temporal Client or Connection: what can bound the calls made through it. */
export interface TemporalCaller {
  withDeadline<R>(deadline: number | Date, fn: () => Promise<R>): Promise<R>;
  withAbortSignal<R>(signal: AbortSignal, fn: () => Promise<R>): Promise<R>;
}

/** A bounded Temporal call that did not finish in time (the server is down or overloaded). */
export class TemporalDeadlineError extends Error {
  override readonly name = 'TemporalDeadlineError';
  constructor(readonly ms: number) {
    super(`Temporal did not answer within ${ms} ms`);
  }
}

/**
 * `fn`'s Temporal calls (all of them, through AsyncLocalStorage) bounded to `ms` from now: past
 * it this rejects with a TemporalDeadlineError, where the SDK alone would retry for ~19 s while
 * the server is down. The gRPC deadline and abort signal end the calls themselves soon after
 * (the SDK's retry backoff does not see them until its next attempt, hence the timer too).
 */
export async function withTemporalDeadline<T>(client: TemporalCaller, ms: number, fn: () => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new TemporalDeadlineError(ms));
    }, ms);
  });
  const work = client.withAbortSignal(controller.signal, () => client.withDeadline(Date.now() + ms, fn));
  // Once the timer has answered, the calls' own failure (or late success) has no one waiting for it.
  work.catch(() => undefined);
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}
