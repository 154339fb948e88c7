// The routing backlog: events the API logged while Temporal was unreachable, routed later in
// order per customer. Ingest never waits on a Temporal outage: once a route fails as
// unavailable (or while one customer's earlier events still wait), it logs the event, answers
// 202 `pending` and leaves it here. The drainer probes Temporal with backoff and, once it
// answers, routes each waiting customer's events in log order (received, event time,
// messageId) and marks them routed. Routing is idempotent (deterministic workflow ids, entries
// recorded with their trigger messageId), so an event routed twice starts and sends nothing twice.
import type { Store } from '../store/types';
import { isTemporalUnavailable } from '../temporal/unavailable';
import type { Router } from './router';

/** What the backlog reads and writes: the event log only. */
export type BacklogStore = Pick<Store, 'unroutedCustomers' | 'unroutedEvents' | 'markEventsRouted'>;

export interface RoutingBacklogDeps {
  store: BacklogStore;
  router: Router;
  /** Resolves when Temporal answers (a health check with a short deadline); rejects while it is down. */
  probe: () => Promise<unknown>;
  /** Where the drainer says what it does (outage seen, backlog drained, errors). @default a line on stdout */
  log?: (line: string) => void;
  /** First wait between tries while Temporal is down or an event fails; doubles up to `maxBackoffMs`. @default 500 */
  initialBackoffMs?: number;
  /** @default 15000 */
  maxBackoffMs?: number;
  /**
   * How often the log is scanned for unrouted events older than `strayAgeMs` (left by a crashed
   * request, another API process, or a restart mid-outage). @default 60000
   */
  scanEveryMs?: number;
  /** @default 60000 */
  strayAgeMs?: number;
  /** Customers drained side by side. @default 8 */
  customersAtOnce?: number;
}

export interface BacklogStatus {
  /** Whether the last Temporal call the backlog knows of failed as unreachable. */
  temporal: 'reachable' | 'unreachable';
  /** Customers with events waiting to be routed. */
  waiting: number;
}

export interface RoutingBacklog {
  /** May ingest route this customer's event now? No while Temporal is known unreachable or earlier events of the customer wait. */
  routesNow(customerId: string): boolean;
  /** Ingest left this customer's event unrouted: the drainer routes it (and the customer's later events) in order. */
  defer(customerId: string, cause?: unknown): void;
  status(): BacklogStatus;
  /** Take up what the log holds unrouted and start draining. */
  start(): Promise<void>;
  /** Stop draining; resolves when the drainer has stopped (events in flight finish). */
  stop(): Promise<void>;
  /** Resolves once nothing waits (for tests and shutdown). */
  idle(): Promise<void>;
}

/** Events of one customer read per query while draining. */
const PAGE = 100;

export function createRoutingBacklog(deps: RoutingBacklogDeps): RoutingBacklog {
  const log = deps.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const initialBackoff = deps.initialBackoffMs ?? 500;
  const maxBackoff = deps.maxBackoffMs ?? 15_000;
  const scanEvery = deps.scanEveryMs ?? 60_000;
  const strayAge = deps.strayAgeMs ?? 60_000;
  const atOnce = deps.customersAtOnce ?? 8;

  /** Waiting customers; `dirty`: ingest deferred an event since the drainer last read the customer's events. */
  const waiting = new Map<string, { dirty: boolean; retryAt: number; backoff: number }>();
  let unreachable = false;
  let outageSince: number | null = null;
  let stopped = true;
  let loop: Promise<void> | null = null;
  let wake: (() => void) | null = null;
  let idleWaiters: Array<() => void> = [];

  const nudge = () => {
    wake?.();
    wake = null;
  };
  const markUnreachable = (cause: unknown) => {
    if (!unreachable) {
      outageSince = Date.now();
      log(`touchpoint: Temporal is unreachable (${messageOf(cause)}); events are logged and answered 202 "pending", and routed in order once it is back.`);
    }
    unreachable = true;
  };
  const add = (customerId: string) => {
    const entry = waiting.get(customerId);
    if (entry) entry.dirty = true;
    else waiting.set(customerId, { dirty: true, retryAt: 0, backoff: initialBackoff });
  };

  /** Route one customer's waiting events in order; 'down' when Temporal failed as unreachable. */
  const drainCustomer = async (customerId: string): Promise<'drained' | 'down' | 'failed'> => {
    const entry = waiting.get(customerId);
    if (!entry) return 'drained';
    for (;;) {
      entry.dirty = false;
      const events = await deps.store.unroutedEvents(customerId, PAGE);
      if (events.length === 0) {
        // An event deferred after the read above is in the log already: read again.
        if (entry.dirty) continue;
        waiting.delete(customerId);
        return 'drained';
      }
      for (const event of events) {
        if (stopped) return 'failed';
        let routing;
        try {
          routing = await deps.router.route(event);
        } catch (error) {
          if (isTemporalUnavailable(error)) {
            markUnreachable(error);
            return 'down';
          }
          // Not an outage (a bug, the database): this customer waits and tries again later; others go on.
          log(`touchpoint: routing the logged event ${event.messageId} of customer ${customerId} failed (${messageOf(error)}); retrying in ${Math.round(entry.backoff / 1000)} s.`);
          entry.retryAt = Date.now() + entry.backoff;
          entry.backoff = Math.min(entry.backoff * 2, maxBackoff);
          return 'failed';
        }
        await deps.store.markEventsRouted([{ messageId: event.messageId, routing }]);
      }
      entry.backoff = initialBackoff;
    }
  };

  const scan = async (receivedBefore?: string) => {
    for (;;) {
      const customers = await deps.store.unroutedCustomers({ ...(receivedBefore ? { receivedBefore } : {}), limit: 1_000 });
      const fresh = customers.filter((c) => !waiting.has(c));
      for (const customerId of fresh) add(customerId);
      if (customers.length < 1_000 || fresh.length === 0) return;
    }
  };

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        wake = null;
        resolve();
      }, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const run = async () => {
    let backoff = initialBackoff;
    let lastScan = Date.now();
    while (!stopped) {
      try {
        if (Date.now() - lastScan >= scanEvery) {
          lastScan = Date.now();
          await scan(new Date(Date.now() - strayAge).toISOString());
        }
        if (waiting.size === 0) {
          for (const resolve of idleWaiters.splice(0)) resolve();
          await sleep(Math.max(0, scanEvery - (Date.now() - lastScan)));
          continue;
        }
        if (unreachable) {
          try {
            await deps.probe();
          } catch (error) {
            markUnreachable(error);
            await sleep(backoff);
            backoff = Math.min(backoff * 2, maxBackoff);
            continue;
          }
          unreachable = false;
          log(`touchpoint: Temporal is reachable again${outageSince ? ` after ${Math.round((Date.now() - outageSince) / 1000)} s` : ''}; routing the events of ${waiting.size} customer(s) logged meanwhile, in order.`);
          outageSince = null;
        }
        backoff = initialBackoff;
        const now = Date.now();
        const due = [...waiting.entries()].filter(([, entry]) => entry.retryAt <= now).map(([customerId]) => customerId);
        let down = false;
        for (let i = 0; i < due.length && !down && !stopped; i += atOnce) {
          const outcomes = await Promise.all(due.slice(i, i + atOnce).map(drainCustomer));
          down = outcomes.includes('down');
        }
        if (waiting.size === 0) log('touchpoint: the routing backlog is empty; every logged event is routed.');
        else if (!down) {
          // Only customers waiting for a retry (or newly deferred ones) are left.
          const next = Math.min(...[...waiting.values()].map((entry) => entry.retryAt));
          await sleep(Math.max(0, next - Date.now()));
        }
      } catch (error) {
        // The database failed under the drainer: try again later, nothing is lost (the log is the truth).
        log(`touchpoint: the routing backlog could not read or mark the event log (${messageOf(error)}); retrying in ${Math.round(backoff / 1000)} s.`);
        await sleep(backoff);
        backoff = Math.min(backoff * 2, maxBackoff);
      }
    }
  };

  return {
    routesNow: (customerId) => !unreachable && !waiting.has(customerId),
    defer(customerId, cause) {
      if (cause !== undefined && isTemporalUnavailable(cause)) markUnreachable(cause);
      add(customerId);
      nudge();
    },
    status: () => ({ temporal: unreachable ? 'unreachable' : 'reachable', waiting: waiting.size }),
    async start() {
      if (!stopped) return;
      // Everything unrouted at start-up: nothing is being routed yet by this process.
      await scan();
      if (waiting.size > 0) log(`touchpoint: ${waiting.size} customer(s) have logged events not routed yet; routing them in order.`);
      stopped = false;
      loop = run();
    },
    async stop() {
      stopped = true;
      nudge();
      await loop;
      loop = null;
    },
    idle: () => (waiting.size === 0 ? Promise.resolve() : new Promise<void>((resolve) => idleWaiters.push(resolve))),
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
