// Journeys for workflow tests: DSL input validated by the real schema, pinned as a snapshot.
import { buildSnapshot } from '../../../dsl/snapshot';
import { JourneySchema, type JourneyInput, type JourneySnapshot } from '../../../dsl/schema';

export function snapshotOf(input: JourneyInput): JourneySnapshot {
  const journey = JourneySchema.parse(input);
  return buildSnapshot(journey, {}, `tests/workflows (${journey.id})`);
}
