// Visit every step and every condition of a validated journey together with its document path,
// so checks can locate what they find.
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
}

/** Every condition (nested all/any/not/received.where included) with the scope it is evaluated in. */
export function allConditions(journey: Journey): ConditionAt[] {
  const out: ConditionAt[] = [];
  const visit = (condition: Condition, path: DocPath, scope: ConditionScope) => {
    out.push({ condition, path, scope });
    if ('all' in condition) condition.all.forEach((c, i) => visit(c, [...path, 'all', i], scope));
    else if ('any' in condition) condition.any.forEach((c, i) => visit(c, [...path, 'any', i], scope));
    else if ('not' in condition) visit(condition.not, [...path, 'not'], scope);
    else if ('received' in condition && condition.where) visit(condition.where, [...path, 'where'], 'matching');
  };
  if ('event' in journey.trigger && journey.trigger.where) visit(journey.trigger.where, ['trigger', 'where'], 'trigger');
  journey.exit_on.forEach((match, i) => {
    if (typeof match !== 'string' && match.where) visit(match.where, ['exit_on', i, 'where'], 'matching');
  });
  if (journey.goal && typeof journey.goal !== 'string' && journey.goal.where) visit(journey.goal.where, ['goal', 'where'], 'matching');
  for (const { step, path } of allSteps(journey)) {
    if ('wait_for' in step && step.wait_for.where) visit(step.wait_for.where, [...path, 'wait_for', 'where'], 'matching');
    if ('branch' in step) step.branch.cases.forEach((c, i) => visit(c.when, [...path, 'branch', 'cases', i, 'when'], 'run'));
  }
  return out;
}
