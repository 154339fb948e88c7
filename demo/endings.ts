// How a made-up run ends before its last step: an `exit_on` event, or the goal (more often after
// a split's winning variant than after the control). Drawn from the seeded stream.
import type { RunProgressReport } from '../activities/contract';
import { eventMatchName } from '../dsl/conditions';
import type { Journey } from '../dsl/schema';
import type { JourneyPlan, PlanNode } from '../workflows/plan';
import type { Rng } from './random';

const DAY_MS = 86_400_000;

/** An end that happens at `at` wherever the run is then. */
export interface PlannedEnd {
  at: number;
  status: NonNullable<RunProgressReport['ending']>['status'];
  reason: string;
}

/** The end drawn when the run enters: a refund-like `exit_on` event, or (rarely, with a split ahead) the goal. */
export function plannedEnd(journey: Journey, plan: JourneyPlan, rng: Rng, enteredAt: number): PlannedEnd | null {
  const hasSplit = Object.values(plan.nodes).some((n) => n.kind === 'split');
  let end: PlannedEnd | null = null;
  const exitOn = journey.exit_on[0];
  if (exitOn !== undefined && rng.chance(0.06)) end = { at: enteredAt + rng.between(0.5, 12) * DAY_MS, status: 'exited', reason: `exit_on ${eventMatchName(exitOn)}` };
  if (journey.goal !== undefined && rng.chance(hasSplit ? 0.03 : 0.14)) {
    end = earliest(end, { at: enteredAt + rng.between(0.5, 20) * DAY_MS, status: 'converted', reason: `goal ${eventMatchName(journey.goal)}` });
  }
  return end;
}

/** After a split: the goal, more likely for the first challenger than the control (a visible, not certain, win). */
export function conversionAfterSplit(journey: Journey, node: Extract<PlanNode, { kind: 'split' }>, variant: string, mood: number, rng: Rng, at: number, end: PlannedEnd | null): PlannedEnd | null {
  if (journey.goal === undefined) return end;
  const variants = node.step.split.variants;
  const rank = variants.filter((v) => !v.control).findIndex((v) => v.id === variant);
  const base = variants.find((v) => v.id === variant)?.control ? 0.08 : ([0.24, 0.16, 0.12][rank] ?? 0.12);
  if (!rng.chance(base * (0.6 + mood * 0.8))) return end;
  return earliest(end, { at: at + rng.between(0.25, 9) * DAY_MS, status: 'converted', reason: `goal ${eventMatchName(journey.goal)}` });
}

export function earliest(a: PlannedEnd | null, b: PlannedEnd): PlannedEnd {
  return a === null || b.at < a.at ? b : a;
}
