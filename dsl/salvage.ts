// When a journey fails the schema, keep checking what can be checked: rebuild it from its valid
// parts (an invalid step becomes an exit placeholder at the same place, so paths and ids stay
// put), so one run reports schema problems and cross-reference problems together.
import { IdSchema, JourneySchema, StepSchema, type Journey, type Step } from './schema';

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A journey made of the valid parts of `data`, or undefined when too little is valid. Placeholders
 * only remove edges and checks, so checks on the result never report a problem that is not there.
 */
export function salvageJourney(data: unknown): Journey | undefined {
  if (!isRecord(data) || !Array.isArray(data.steps)) return undefined;
  const field = <K extends keyof typeof JourneySchema.shape>(key: K, fallback: unknown): unknown => {
    const parsed = JourneySchema.shape[key].safeParse(data[key]);
    return parsed.success ? data[key] : fallback;
  };
  const candidate = {
    id: field('id', 'invalid'),
    name: field('name', 'invalid'),
    description: field('description', undefined),
    trigger: field('trigger', { event: 'invalid' }),
    entry: field('entry', undefined),
    exit_on: field('exit_on', undefined),
    goal: field('goal', undefined),
    sample: field('sample', undefined),
    steps: salvageSteps(data.steps, { next: 0 }),
  };
  const parsed = JourneySchema.safeParse(candidate);
  return parsed.success ? parsed.data : undefined;
}

function salvageSteps(raw: unknown, counter: { next: number }): unknown {
  return Array.isArray(raw) ? raw.map((step) => salvageStep(step, counter)) : raw;
}

function salvageStep(raw: unknown, counter: { next: number }): Step {
  const direct = StepSchema.safeParse(raw);
  if (direct.success) return direct.data;
  if (isRecord(raw)) {
    const repaired = StepSchema.safeParse(withSalvagedChildren(raw, counter));
    if (repaired.success) return repaired.data;
  }
  const id = isRecord(raw) && IdSchema.safeParse(raw.id).success ? String(raw.id) : `invalid-step-${++counter.next}`;
  return { id, exit: true };
}

/** A copy of a container step (wait_for, branch, split) with its nested step lists salvaged. */
function withSalvagedChildren(raw: Record<string, unknown>, counter: { next: number }): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...raw };
  if (isRecord(raw.wait_for)) {
    copy.wait_for = { ...raw.wait_for, on_event: salvageSteps(raw.wait_for.on_event, counter), on_timeout: salvageSteps(raw.wait_for.on_timeout, counter) };
  } else if (isRecord(raw.branch)) {
    const cases = Array.isArray(raw.branch.cases) ? raw.branch.cases.map((c: unknown) => (isRecord(c) ? { ...c, steps: salvageSteps(c.steps, counter) } : c)) : raw.branch.cases;
    copy.branch = { ...raw.branch, cases, else: salvageSteps(raw.branch.else, counter) };
  } else if (isRecord(raw.split)) {
    const variants = Array.isArray(raw.split.variants) ? raw.split.variants.map((v: unknown) => (isRecord(v) ? { ...v, steps: salvageSteps(v.steps, counter) } : v)) : raw.split.variants;
    copy.split = { ...raw.split, variants };
  }
  return copy;
}
