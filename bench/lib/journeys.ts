// Bench journeys as YAML text for BenchStackOptions.journeys: the same DSL marketers write,
// built from plain objects so a scenario states its steps in a few lines.
import { stringify } from 'yaml';

export interface BenchJourneySpec {
  id: string;
  /** The event that starts a run. */
  trigger: string;
  /** Steps in the journey DSL, e.g. `[{ id: 'hello', send: { channel: 'email', template: 'welcome' } }]`. */
  steps: unknown[];
  /** @default 'always' (every event starts a run; one per customer at a time) */
  reentry?: unknown;
  /** Extra top-level fields (exit_on, goal, quiet_hours; an `entry` here replaces the default). */
  extra?: Record<string, unknown>;
}

/** `{ '<id>.yaml': text }` for one journey. */
export function benchJourney(spec: BenchJourneySpec): Record<string, string> {
  const doc = { id: spec.id, name: `Bench ${spec.id}`, trigger: { event: spec.trigger }, entry: { reentry: spec.reentry ?? 'always' }, ...spec.extra, steps: spec.steps };
  return { [`${spec.id}.yaml`]: stringify(doc) };
}
