// A loop in a journey must pass through a wait or wait_for step; otherwise a goto would
// message the customer (or spin the workflow) without pause.
import type { Journey, Step } from './schema';
import type { DocPath } from './problems';
import { childLists, type StepAt } from './walk';

export interface Loop {
  /** The goto step that closes the loop. */
  at: StepAt;
  /** Step ids along the loop, starting at the goto's target and ending at the goto. */
  cycle: string[];
}

/** Every goto that closes a loop free of waits (goto to an unknown id is reported elsewhere). */
export function loopsWithoutWait(journey: Journey): Loop[] {
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

  const pauses = (step: Step) => 'wait' in step || 'wait_for' in step;
  const loops: Loop[] = [];
  for (const start of gotos) {
    const target = successors.get(start)?.[0];
    if (!target || pauses(target)) continue;
    // Breadth-first from the target through steps that do not pause, remembering how we came.
    const cameFrom = new Map<Step, Step | null>([[target, null]]);
    const queue: Step[] = [target];
    while (queue.length > 0 && !cameFrom.has(start)) {
      const step = queue.shift();
      if (!step) break;
      for (const next of successors.get(step) ?? []) {
        if (cameFrom.has(next) || pauses(next)) continue;
        cameFrom.set(next, step);
        queue.push(next);
      }
    }
    if (!cameFrom.has(start)) continue;
    const cycle: string[] = [];
    for (let step: Step | null | undefined = start; step; step = cameFrom.get(step)) cycle.unshift(step.id);
    loops.push({ at: { step: start, path: paths.get(start) ?? ['steps'] }, cycle });
  }
  return loops;
}
