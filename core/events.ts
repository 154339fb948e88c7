// An event as journeys see it: what the API logged, reduced to what conditions may read.

/** One customer event delivered to a run (trigger, signal, or buffered for `wait_for`). */
export interface JourneyEvent {
  /** The Segment `messageId`: unique per event, used to de-duplicate inside a run. */
  id: string;
  /** Event name, e.g. `order.completed`. */
  name: string;
  properties: Record<string, unknown>;
  /** When it happened, ISO 8601 (the sender's `timestamp`, else when we received it). */
  timestamp: string;
}
