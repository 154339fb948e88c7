// Visit every step and every condition of a validated journey together with its document path,
// so checks can locate what they find; and the graph of which step can run after which.
import type { Condition, Journey, Step } from './schema';
import type { DocPath } from './problems';

export interface StepAt {
  step: Step;
  path: DocPath;
}

/** Every step, depth first in document order (nested lists included). */
export function allSteps(journey: Journey): StepAt[] {
  const out: StepAt[] = [];
  const visit = (steps: readonly Step[], base: DocPath) => {
    steps.forEach((step, index) => {
      const path = [...base, index];
      out.push({ step, path });
      for (const list of childLists(step, path)) visit(list.steps, list.path);
    });
  };
  visit(journey.steps, ['steps']);
  return out;
}

/** The nested step lists of a step (wait_for outcomes, branch cases and else, split variants). */
export function childLists(step: Step, path: DocPath): { steps: readonly Step[]; path: DocPath }[] {
  const lists: { steps: readonly Step[] | undefined; path: DocPath }[] = [];
  if ('wait_for' in step) {
    lists.push({ steps: step.wait_for.on_event, path: [...path, 'wait_for', 'on_event'] });
    lists.push({ steps: step.wait_for.on_timeout, path: [...path, 'wait_for', 'on_timeout'] });
  } else if ('branch' in step) {
    step.branch.cases.forEach((c, i) => lists.push({ steps: c.steps, path: [...path, 'branch', 'cases', i, 'steps'] }));
    lists.push({ steps: step.branch.else, path: [...path, 'branch', 'else'] });
  } else if ('split' in step) {
    step.split.variants.forEach((v, i) => lists.push({ steps: v.steps, path: [...path, 'split', 'variants', i, 'steps'] }));
  }
  return lists.flatMap((l) => (l.steps ? [{ steps: l.steps, path: l.path }] : []));
}

/**
 * What `event.` means where a condition sits: `matching` — an event being matched (trigger,
 * wait_for, exit_on, goal, received); `run` — no event at hand (a branch); `trigger` — the
 * trigger's own filter, evaluated before any run exists.
 */
export type ConditionScope = 'matching' | 'run' | 'trigger';

export interface ConditionAt {
  condition: Condition;
  path: DocPath;
  scope: ConditionScope;
  /** The step the condition belongs to (a branch case or a wait_for); absent for trigger, exit_on and goal. */
  step?: Step;
}

/** Every condition (nested all/any/not/received.where included) with the scope it is evaluated in. */
export function allConditions(journey: Journey): ConditionAt[] {
  const out: ConditionAt[] = [];
  const visit = (condition: Condition, path: DocPath, scope: ConditionScope, step?: Step) => {
    out.push({ condition, path, scope, ...(step ? { step } : {}) });
    if ('all' in condition) condition.all.forEach((c, i) => visit(c, [...path, 'all', i], scope, step));
    else if ('any' in condition) condition.any.forEach((c, i) => visit(c, [...path, 'any', i], scope, step));
    else if ('not' in condition) visit(condition.not, [...path, 'not'], scope, step);
    else if ('received' in condition && condition.where) visit(condition.where, [...path, 'where'], 'matching', step);
  };
  if ('event' in journey.trigger && journey.trigger.where) visit(journey.trigger.where, ['trigger', 'where'], 'trigger');
  journey.exit_on.forEach((match, i) => {
    if (typeof match !== 'string' && match.where) visit(match.where, ['exit_on', i, 'where'], 'matching');
  });
  if (journey.goal && typeof journey.goal !== 'string' && journey.goal.where) visit(journey.goal.where, ['goal', 'where'], 'matching');
  for (const { step, path } of allSteps(journey)) {
    if ('wait_for' in step && step.wait_for.where) visit(step.wait_for.where, [...path, 'wait_for', 'where'], 'matching', step);
    if ('branch' in step) step.branch.cases.forEach((c, i) => visit(c.when, [...path, 'branch', 'cases', i, 'when'], 'run', step));
  }
  return out;
}

/** Which step can run right after which, as the interpreter walks them. */
export interface StepGraph {
  /** Steps that can come next (a goto's target; a branch's cases and else; the step after a list's end). */
  successors: Map<Step, Step[]>;
  paths: Map<Step, DocPath>;
  /** The first step with each id (duplicates are reported elsewhere). */
  byId: Map<string, Step>;
  gotos: Step[];
}

/** The step graph of a journey; a goto to an unknown id has no successor (reported elsewhere). */
export function stepGraph(journey: Journey): StepGraph {
  const successors = new Map<Step, Step[]>();
  const paths = new Map<Step, DocPath>();
  const byId = new Map<string, Step>();
  const gotos: Step[] = [];

  const link = (steps: readonly Step[], base: DocPath, after: Step | null) => {
    steps.forEach((step, index) => {
      const path = [...base, index];
      const next = steps[index + 1] ?? after;
      const entry = (list: readonly Step[] | undefined) => list?.[0] ?? next;
      paths.set(step, path);
      if (!byId.has(step.id)) byId.set(step.id, step);
      const targets: (Step | null)[] = [];
      if ('wait_for' in step) targets.push(entry(step.wait_for.on_event), entry(step.wait_for.on_timeout));
      else if ('branch' in step) targets.push(...step.branch.cases.map((c) => entry(c.steps)), entry(step.branch.else));
      else if ('split' in step) targets.push(...step.split.variants.map((v) => entry(v.steps)));
      else if ('goto' in step) gotos.push(step);
      else if (!('exit' in step)) targets.push(next);
      successors.set(step, targets.filter((t): t is Step => t !== null));
      for (const list of childLists(step, path)) link(list.steps, list.path, next);
    });
  };
  link(journey.steps, ['steps'], null);
  for (const step of gotos) if ('goto' in step) successors.set(step, [byId.get(step.goto)].filter((t): t is Step => t !== undefined));
  return { successors, paths, byId, gotos };
}

/** Every step that can run after one of `from` (not `from` themselves, unless a loop leads back). */
export function reachableAfter(graph: StepGraph, from: Iterable<Step>): Set<Step> {
  const seen = new Set<Step>();
  const queue = [...from].flatMap((step) => graph.successors.get(step) ?? []);
  for (let step = queue.shift(); step !== undefined; step = queue.shift()) {
    if (seen.has(step)) continue;
    seen.add(step);
    queue.push(...(graph.successors.get(step) ?? []));
  }
  return seen;
}
