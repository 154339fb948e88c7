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

/** The event a Segment `page` call becomes for journeys (its name and category in properties). */
export const PAGE_EVENT = 'page.viewed';
/** The event a Segment `screen` call becomes for journeys (its name and category in properties). */
export const SCREEN_EVENT = 'screen.viewed';
