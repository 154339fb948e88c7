// Compiles a journey's nested steps into a flat map stepId → node with explicit successors,
// so the run's cursor is just a step id (small to carry across continue-as-new). Pure.
import type { Condition, Journey, Step } from '../dsl/schema';

type StepOf<K extends string> = Extract<Step, Record<K, unknown>>;

/** One step with where the run goes next; nested lists are resolved to their first step id. */
export type PlanNode =
  | { kind: 'send'; step: StepOf<'send'>; next: string | null }
  | { kind: 'wait'; step: StepOf<'wait'>; next: string | null }
  | { kind: 'wait_for'; step: StepOf<'wait_for'>; next: string | null; onEvent: string | null; onTimeout: string | null }
  | { kind: 'branch'; step: StepOf<'branch'>; next: string | null; cases: (string | null)[]; otherwise: string | null }
  | { kind: 'split'; step: StepOf<'split'>; next: string | null; variants: Record<string, string | null> }
  | { kind: 'survey'; step: StepOf<'survey'>; next: string | null }
  | { kind: 'webhook'; step: StepOf<'webhook'>; next: string | null }
  | { kind: 'goto'; step: StepOf<'goto'>; next: string | null; target: string }
  | { kind: 'exit'; step: StepOf<'exit'>; next: string | null };

export interface JourneyPlan {
  /** First step, or null for a journey without steps. */
  first: string | null;
  nodes: Record<string, PlanNode>;
  /** Event names a running run must keep in its buffer: `wait_for` events and `received` conditions. */
  listened: string[];
  /** Whether a condition outside branch steps (wait_for/exit_on/goal `where`) reads `traits.`. */
  traitsOutsideBranch: boolean;
}

/** Compile a journey; throws an Error naming the journey and step for duplicate ids or a goto to nowhere. */
export function compilePlan(journey: Journey): JourneyPlan {
  const nodes: Record<string, PlanNode> = {};
  const listened = new Set<string>();
  let traitsOutsideBranch = false;
  const gotos: StepOf<'goto'>[] = [];

  const noteCondition = (cond: Condition | undefined, outsideBranch: boolean): void => {
    if (cond === undefined) return;
    for (const c of walk(cond)) {
      if ('received' in c) listened.add(c.received);
      if ('field' in c && c.field.startsWith('traits.') && outsideBranch) traitsOutsideBranch = true;
    }
  };

  // Returns the id of the list's first step (or `after` when empty) and wires every step to its successor.
  const addList = (steps: readonly Step[] | undefined, after: string | null): string | null => {
    const list = steps ?? [];
    list.forEach((step, i) => add(step, list[i + 1]?.id ?? after));
    return list[0]?.id ?? after;
  };

  const add = (step: Step, next: string | null): void => {
    if (nodes[step.id] !== undefined) {
      throw new Error(`journey ${journey.id}: step id "${step.id}" is used twice; give every step its own id`);
    }
    let node: PlanNode;
    if ('send' in step) node = { kind: 'send', step, next };
    else if ('wait' in step) node = { kind: 'wait', step, next };
    else if ('survey' in step) {
      // The answer arrives as survey.responded: keep it in the buffer.
      listened.add('survey.responded');
      node = { kind: 'survey', step, next };
    } else if ('webhook' in step) node = { kind: 'webhook', step, next };
    else if ('wait_for' in step) {
      listened.add(step.wait_for.event);
      noteCondition(step.wait_for.where, true);
      node = { kind: 'wait_for', step, next, onEvent: null, onTimeout: null };
      nodes[step.id] = node;
      node.onEvent = addList(step.wait_for.on_event, next);
      node.onTimeout = addList(step.wait_for.on_timeout, next);
      return;
    } else if ('branch' in step) {
      node = { kind: 'branch', step, next, cases: [], otherwise: null };
      nodes[step.id] = node;
      for (const c of step.branch.cases) {
        noteCondition(c.when, false);
        node.cases.push(addList(c.steps, next));
      }
      node.otherwise = addList(step.branch.else, next);
      return;
    } else if ('split' in step) {
      node = { kind: 'split', step, next, variants: {} };
      nodes[step.id] = node;
      for (const v of step.split.variants) node.variants[v.id] = addList(v.steps, next);
      return;
    } else if ('goto' in step) {
      node = { kind: 'goto', step, next, target: step.goto };
      gotos.push(step);
    } else if ('exit' in step) node = { kind: 'exit', step, next };
    else {
      const unknown: never = step;
      throw new Error(`journey ${journey.id}: a step has no known kind (${JSON.stringify(unknown)})`);
    }
    nodes[step.id] = node;
  };

  const first = addList(journey.steps, null);
  for (const g of gotos) {
    if (nodes[g.goto] === undefined) {
      throw new Error(`journey ${journey.id}: step "${g.id}" goes to "${g.goto}", which is no step of this journey; fix the id`);
    }
  }
  for (const match of [...journey.exit_on, ...(journey.goal === undefined ? [] : [journey.goal])]) {
    if (typeof match !== 'string') noteCondition(match.where, true);
  }
  return { first, nodes, listened: [...listened].sort(), traitsOutsideBranch };
}

/** Every condition inside `cond`, itself included (including `received … where`). */
function* walk(cond: Condition): Generator<Condition> {
  yield cond;
  if ('all' in cond) for (const c of cond.all) yield* walk(c);
  else if ('any' in cond) for (const c of cond.any) yield* walk(c);
  else if ('not' in cond) yield* walk(cond.not);
  else if ('received' in cond && cond.where !== undefined) yield* walk(cond.where);
}
