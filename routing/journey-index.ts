// Per-event-name indexes over the loaded journeys, built once: which journeys an event starts,
// which inactivity clocks it restarts, and which journeys' running runs listen to it.
import type { Condition, EventMatch, Journey, JourneySnapshot, Step } from '../dsl/schema';
import { SURVEY_RESPONDED } from '../workflows/survey-answer';

export interface JourneyIndex {
  /** `trigger.event` → journeys it may start. */
  triggers: ReadonlyMap<string, readonly JourneySnapshot[]>;
  /** `trigger.inactivity.event` → journeys whose inactivity clock it restarts. */
  inactivity: ReadonlyMap<string, readonly JourneySnapshot[]>;
  /** Event names a running run reacts to (wait_for, exit_on, goal, `received` conditions, survey answers). */
  listeners: ReadonlyMap<string, readonly JourneySnapshot[]>;
}

export function indexJourneys(journeys: readonly JourneySnapshot[]): JourneyIndex {
  const triggers = new Map<string, JourneySnapshot[]>();
  const inactivity = new Map<string, JourneySnapshot[]>();
  const listeners = new Map<string, JourneySnapshot[]>();
  const add = (map: Map<string, JourneySnapshot[]>, name: string, snapshot: JourneySnapshot) => {
    const list = map.get(name) ?? [];
    list.push(snapshot);
    map.set(name, list);
  };
  for (const snapshot of journeys) {
    const { trigger } = snapshot.journey;
    if ('event' in trigger) add(triggers, trigger.event, snapshot);
    else add(inactivity, trigger.inactivity.event, snapshot);
    for (const name of listenedEvents(snapshot.journey)) add(listeners, name, snapshot);
  }
  return { triggers, inactivity, listeners };
}

/** Every event name a running run of this journey reacts to. */
export function listenedEvents(journey: Journey): Set<string> {
  const names = new Set<string>();
  const match = (m: EventMatch) => {
    if (typeof m === 'string') names.add(m);
    else {
      names.add(m.event);
      if (m.where) condition(m.where);
    }
  };
  const condition = (c: Condition): void => {
    if ('received' in c) {
      names.add(c.received);
      if (c.where) condition(c.where);
    } else if ('all' in c) c.all.forEach(condition);
    else if ('any' in c) c.any.forEach(condition);
    else if ('not' in c) condition(c.not);
  };
  const steps = (list: readonly Step[] | undefined): void => {
    for (const step of list ?? []) {
      if ('wait_for' in step) {
        names.add(step.wait_for.event);
        if (step.wait_for.where) condition(step.wait_for.where);
        steps(step.wait_for.on_event);
        steps(step.wait_for.on_timeout);
      } else if ('branch' in step) {
        for (const c of step.branch.cases) {
          condition(c.when);
          steps(c.steps);
        }
        steps(step.branch.else);
      } else if ('split' in step) {
        for (const variant of step.split.variants) steps(variant.steps);
      } else if ('survey' in step) {
        // The answer from the survey page (api/routes/surveys.ts).
        names.add(SURVEY_RESPONDED);
      }
    }
  };
  journey.exit_on.forEach(match);
  if (journey.goal) match(journey.goal);
  steps(journey.steps);
  return names;
}
