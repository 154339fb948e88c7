// The run's inbox: de-duplication by event id and the buffer `wait_for` and `received` read,
// both bounded and kept inside the carried state so continue-as-new loses nothing.
import type { JourneyEvent } from '../core/events';
import { LIMITS, pushBounded, type CarriedState } from './state';

export class EventBuffer {
  private readonly seen: Set<string>;

  constructor(
    private readonly state: CarriedState,
    /** Event names worth buffering (the plan's `listened`); others are only counted. */
    private readonly listened: ReadonlySet<string>,
  ) {
    this.seen = new Set(state.seenIds);
  }

  /** Record `event` as received; false when its id was seen before (a duplicate). */
  admit(event: JourneyEvent): boolean {
    if (this.seen.has(event.id)) return false;
    this.seen.add(event.id);
    this.state.seenIds.push(event.id);
    if (this.state.seenIds.length > LIMITS.seenIds) {
      for (const dropped of this.state.seenIds.splice(0, this.state.seenIds.length - LIMITS.seenIds)) this.seen.delete(dropped);
    }
    return true;
  }

  /** Keep the event for later `wait_for` steps and `received` conditions, if the journey listens to it. */
  keep(event: JourneyEvent): void {
    if (!this.listened.has(event.name)) return;
    const events = this.state.events;
    if (events.length >= LIMITS.events) {
      // Consumed events go first: they only still serve `received` conditions.
      const consumed = events.findIndex((b) => b.consumed);
      if (consumed >= 0) events.splice(consumed, 1);
    }
    pushBounded(events, { event, consumed: false }, LIMITS.events);
  }

  /** The oldest buffered, not yet consumed event that `accepts`. */
  firstUnconsumed(accepts: (event: JourneyEvent) => boolean): JourneyEvent | undefined {
    return this.state.events.find((b) => !b.consumed && accepts(b.event))?.event;
  }

  consume(id: string): void {
    const entry = this.state.events.find((b) => b.event.id === id);
    if (entry !== undefined) entry.consumed = true;
  }

  /** Every event this run received that conditions may ask about: the trigger, then the buffer. */
  received(): JourneyEvent[] {
    return [this.state.trigger, ...this.state.events.map((b) => b.event)];
  }
}
