// The event router: a logged event starts the journeys it triggers, restarts inactivity
// clocks, and reaches the running runs that listen to it. Idempotent, so a retried event
// (same messageId) never starts or signals twice what the first attempt did.
import type { Client } from '@temporalio/client';
import { describeDecidingLeaf, explainFalse } from '../dsl/conditions';
import type { JourneySnapshot } from '../dsl/schema';
import type { JourneyEvent } from '../core/events';
import { journeyWorkflowId } from '../core/ids';
import type { LoggedEvent, Store } from '../store/types';
import { decideEntry, decideEventAge, readEntryKey } from './entry';
import { indexJourneys, listenedEvents } from './journey-index';
import type { RoutedRun, RoutingResult, SkipCode } from './result';
import { createRunOps, type RunOps } from './runs';
import { withTemporalDeadline } from '../temporal/unavailable';

/** Most events a starting run gets from the log (its buffer keeps 500; the oldest come first). */
const BACKLOG_LIMIT = 100;

export interface RouterDeps {
  client: Client;
  store: Store;
  /** The validated journeys new runs start from (each run keeps the snapshot it started with). */
  journeys: JourneySnapshot[];
  taskQueue: string;
  /**
   * Longest the Temporal calls of one event may take together. Past it they fail as unavailable
   * (the caller queues the event, see backlog.ts) instead of the SDK retrying for ~19 s while
   * Temporal is down. @default ROUTE_DEADLINE_MS
   */
  deadlineMs?: number;
}

/** @default deadline of one event's Temporal calls: far above a healthy server's answer, far below a client's patience. */
export const ROUTE_DEADLINE_MS = 3_000;

/** What the caller knows better than the store, e.g. traits of its batch not written yet. */
export interface RouteContext {
  /** The customer's traits as `trigger.where` sees them. @default the stored contact's, else the event's own */
  contactTraits?: () => Promise<Record<string, unknown>>;
}

export interface Router {
  route(event: LoggedEvent, context?: RouteContext): Promise<RoutingResult>;
}

const ROUTED = new Set<LoggedEvent['type']>(['track', 'page', 'screen']);

export function createRouter(deps: RouterDeps): Router {
  const index = indexJourneys(deps.journeys);
  const runs = createRunOps(deps.client, deps.taskQueue);
  const deadlineMs = deps.deadlineMs ?? ROUTE_DEADLINE_MS;
  const routeEvent = async (logged: LoggedEvent & { event: string }, context: RouteContext | undefined): Promise<RoutingResult> => {
    const event: JourneyEvent = { id: logged.messageId, name: logged.event, properties: logged.properties, timestamp: logged.timestamp };
    const traits = context?.contactTraits ?? (() => deps.store.getContact(logged.customerId).then((contact) => contact?.traits ?? logged.traits));
    const routing = new EventRouting(deps.store, runs, logged.customerId, event, logged.receivedAt, traits);
    // Each journey has runs of its own (ids differ), so the journeys an event starts or restarts
    // are handled side by side; the listeners come after, so they skip a run this event started.
    const starting = [
      ...(index.triggers.get(event.name) ?? []).map((snapshot) => (r: EventRouting) => r.trigger(snapshot)),
      ...(index.inactivity.get(event.name) ?? []).map((snapshot) => (r: EventRouting) => r.inactivity(snapshot)),
    ];
    await routing.each(starting);
    await routing.each((index.listeners.get(event.name) ?? []).map((snapshot) => (r: EventRouting) => r.correlate(snapshot)));
    return { runs: routing.results };
  };
  return {
    async route(logged, context) {
      // Track, page and screen calls are events (page.viewed, screen.viewed); identify only updates
      // the contact, which the API has done already, and alias and group only link and record.
      const { event } = logged;
      if (!ROUTED.has(logged.type) || !event) return { runs: [] };
      return withTemporalDeadline(deps.client, deadlineMs, () => routeEvent({ ...logged, event }, context));
    },
  };
}

/** The routing of one event: collects results and remembers which runs already got it. */
class EventRouting {
  readonly results: RoutedRun[] = [];
  /** Shared with forks: the runs this event reached, and the contact traits once read (only when a `where` needs them). */
  private shared: { reached: Set<string>; traits?: Promise<Record<string, unknown>> } = { reached: new Set() };

  constructor(
    private readonly store: Store,
    private readonly runs: RunOps,
    private readonly customerId: string,
    private readonly event: JourneyEvent,
    /** When the API received the event (stored): its age is measured to it. */
    private readonly receivedAt: string,
    private readonly readTraits: () => Promise<Record<string, unknown>>,
  ) {}

  /**
   * Run each step at once, each on a fork with results of its own, then keep the results in step
   * order (the order one after another gives). Every step finishes before the first failure is thrown.
   */
  async each(steps: Array<(routing: EventRouting) => Promise<void>>): Promise<void> {
    if (steps.length === 1) return steps[0]!(this);
    const forks = steps.map(() => this.fork());
    const settled = await Promise.allSettled(steps.map((step, i) => step(forks[i]!)));
    for (const fork of forks) this.results.push(...fork.results);
    const failed = settled.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** Same event, traits and reached runs; results of its own. */
  private fork(): EventRouting {
    const fork = new EventRouting(this.store, this.runs, this.customerId, this.event, this.receivedAt, this.readTraits);
    fork.shared = this.shared;
    return fork;
  }

  async trigger(snapshot: JourneySnapshot): Promise<void> {
    const { journey } = snapshot;
    const key = readEntryKey(journey, this.event);
    const workflowId = journeyWorkflowId(journey.id, this.customerId, key.ok ? key.key : undefined);
    const age = decideEventAge(journey, this.event, this.receivedAt);
    if (!age.enter) return this.skip(journey.id, workflowId, age.reason, 'entry.max_event_age');
    if ('event' in journey.trigger && journey.trigger.where) {
      const ctx = { traits: await this.contactTraits(), customerId: this.customerId, trigger: this.event, event: this.event, received: [this.event] };
      const failed = explainFalse(journey.trigger.where, ctx);
      if (failed.length > 0) {
        const why = failed.map(describeDecidingLeaf).join('; ');
        this.skip(journey.id, workflowId, `journey ${journey.id}: trigger.where does not hold for this event: ${why}`, 'trigger.where');
        this.results[this.results.length - 1]!.condition = failed;
        return;
      }
    }
    if (!key.ok) return this.skip(journey.id, workflowId, key.reason, 'entry.key');
    const entered = await this.enter(snapshot, key.key ?? '', workflowId);
    if (entered !== 'enter') return entered === 'done' ? undefined : this.skip(journey.id, workflowId, entered.reason, 'entry.reentry');
    const backlog = await this.backlog(snapshot, key.key);
    const input = { snapshot, customerId: this.customerId, entryKey: key.key, trigger: this.event, ...(backlog.length > 0 ? { backlog } : {}) };
    const start = { workflowId, input };
    if (await this.runs.start(start)) return this.started(snapshot, workflowId, key.key, backlog);
    // A run for this id is going on (entry `always`, or the same entry key again): it gets the event,
    // and the entry recorded for it is no new run in the journey report.
    if (await this.runs.signal(workflowId, this.event)) {
      await this.store.markEntryJoinedRun({ journeyId: journey.id, customerId: this.customerId, entryKey: key.key ?? '', triggerMessageId: this.event.id });
      return this.add(journey.id, workflowId, 'signalled', `journey ${journey.id}: a run with this id is in progress; the event was delivered to it`);
    }
    // It closed between our start and our signal: now the id is free.
    if (await this.runs.start(start)) return this.started(snapshot, workflowId, key.key, backlog);
    return this.skip(journey.id, workflowId, `journey ${journey.id}: run ${workflowId} kept changing state; retry the event with the same messageId`, 'run.busy');
  }

  /**
   * Events the new run listens to that happened after its trigger (event time) and were logged
   * before it started: their routing found no run to signal. Keyed journeys take only events of
   * this key (or without one); events about a message (message_key) cannot be about a new run.
   */
  private async backlog(snapshot: JourneySnapshot, entryKey: string | undefined): Promise<JourneyEvent[]> {
    const { journey } = snapshot;
    const names = [...listenedEvents(journey)];
    if (names.length === 0) return [];
    const logged = await this.store.eventsAfter({ customerId: this.customerId, names, after: this.event.timestamp, limit: BACKLOG_LIMIT });
    const events: JourneyEvent[] = [];
    for (const row of logged) {
      if (row.messageId === this.event.id || row.event === null) continue;
      if (typeof row.properties.message_key === 'string') continue;
      const event: JourneyEvent = { id: row.messageId, name: row.event, properties: row.properties, timestamp: row.timestamp };
      if (journey.entry.key) {
        const key = readEntryKey(journey, event);
        if (key.ok && key.key !== entryKey) continue;
      }
      events.push(event);
    }
    return events;
  }

  /**
   * The run started with `backlog`. An event logged after that read but routed before the start
   * found no run either: read again now that the run exists (anything logged later is routed to
   * it), and signal what is new. The run drops what it already has by event id.
   */
  private async started(snapshot: JourneySnapshot, workflowId: string, entryKey: string | undefined, backlog: JourneyEvent[]): Promise<void> {
    const { journey } = snapshot;
    const taken = new Set(backlog.map((e) => e.id));
    const late = (await this.backlog(snapshot, entryKey)).filter((e) => !taken.has(e.id));
    for (const event of late) if (await this.runs.signal(workflowId, event)) taken.add(event.id);
    const handed = [...backlog, ...late];
    if (handed.length === 0) return this.add(journey.id, workflowId, 'started');
    const named = handed.slice(0, 5).map((e) => `${e.name} ${e.id}`).join(', ');
    this.add(
      journey.id,
      workflowId,
      'started',
      `journey ${journey.id}: ${handed.length} event(s) that happened after the trigger but arrived before it were handed to the run (${named}${handed.length > 5 ? ', …' : ''})`,
    );
  }

  /** Inactivity journeys: one watching run per customer; each event restarts its clock. */
  async inactivity(snapshot: JourneySnapshot): Promise<void> {
    const { journey } = snapshot;
    const workflowId = journeyWorkflowId(journey.id, this.customerId);
    const current = await this.runs.describe(workflowId);
    // This very event started the watching run (a retried routing): nothing more to do.
    if (current?.running && current.triggerMessageId === this.event.id) return this.add(journey.id, workflowId, 'started');
    if (current?.running) {
      if (await this.runs.signal(workflowId, this.event)) {
        return this.add(journey.id, workflowId, 'signalled', `journey ${journey.id}: restarts the inactivity clock of the watching run`);
      }
    }
    const entered = await this.enter(snapshot, '', workflowId);
    if (entered !== 'enter') return entered === 'done' ? undefined : this.skip(journey.id, workflowId, entered.reason, 'entry.reentry');
    const start = { workflowId, input: { snapshot, customerId: this.customerId, trigger: this.event } };
    await this.runs.signalWithStart(start, this.event);
    this.add(journey.id, workflowId, 'started');
  }

  /** Running runs of a journey that listens to this event (wait_for, exit_on, goal, received). */
  async correlate(snapshot: JourneySnapshot): Promise<void> {
    const { journey } = snapshot;
    let workflowIds: string[];
    if (!journey.entry.key) workflowIds = [journeyWorkflowId(journey.id, this.customerId)];
    else {
      const key = readEntryKey(journey, this.event);
      // Without the key: the run of the message the event is about (survey answers, opens, clicks),
      // else every run of this customer in the journey.
      workflowIds = key.ok
        ? [journeyWorkflowId(journey.id, this.customerId, key.key)]
        : ((await this.messageRun(journey.id)) ?? (await this.runs.listRunning(journey.id, this.customerId)));
    }
    for (const workflowId of workflowIds) {
      if (this.shared.reached.has(workflowId)) continue;
      if (await this.runs.signal(workflowId, this.event)) {
        this.add(journey.id, workflowId, 'signalled', `journey ${journey.id}: the run listens to ${this.event.name}`);
      }
    }
  }

  /**
   * Apply the entry policy and record the entry before starting, so a retry sees it. 'done'
   * means this very event already started the run (a retried routing): report it, do nothing.
   */
  private async enter(snapshot: JourneySnapshot, entryKey: string, workflowId: string): Promise<'enter' | 'done' | { reason: string }> {
    const { journey } = snapshot;
    const entry = {
      journeyId: journey.id,
      customerId: this.customerId,
      entryKey,
      workflowId,
      triggerMessageId: this.event.id,
      enteredAt: this.event.timestamp,
      journeyVersion: snapshot.version,
    };
    // The common case, a customer's first entry, in one statement: no policy refuses it.
    if (await this.store.recordFirstEntry(entry)) return 'enter';
    const last = await this.store.lastEntry(journey.id, this.customerId, entryKey);
    if (last && last.triggerMessageId === this.event.id) {
      const current = await this.runs.describe(workflowId);
      if (current?.triggerMessageId === this.event.id) {
        this.add(journey.id, workflowId, 'started');
        return 'done';
      }
    }
    const decision = decideEntry(journey, last, this.event);
    if (!decision.enter) return { reason: decision.reason };
    await this.store.recordEntry(entry);
    return 'enter';
  }

  /** The run that sent the message `properties.message_key` names, when it is this customer's in this journey. */
  private async messageRun(journeyId: string): Promise<string[] | undefined> {
    const messageKey = this.event.properties.message_key;
    if (typeof messageKey !== 'string' || messageKey === '') return undefined;
    const message = await this.store.getMessage(messageKey);
    return message && message.journeyId === journeyId && message.customerId === this.customerId ? [message.workflowId] : undefined;
  }

  private contactTraits(): Promise<Record<string, unknown>> {
    this.shared.traits ??= this.readTraits();
    return this.shared.traits;
  }

  private add(journeyId: string, workflowId: string, action: RoutedRun['action'], reason?: string): void {
    this.shared.reached.add(workflowId);
    this.results.push(reason === undefined ? { journeyId, workflowId, action } : { journeyId, workflowId, action, reason });
  }

  private skip(journeyId: string, workflowId: string, reason: string, code: SkipCode): void {
    this.results.push({ journeyId, workflowId, action: 'skipped', reason, code });
  }
}
