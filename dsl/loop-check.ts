// A loop in a journey must pass through a wait, wait_for or survey step; otherwise a goto would
// message the customer (or spin the workflow) without pause.
import type { Journey, Step } from './schema';
import { stepGraph, type StepAt } from './walk';

export interface Loop {
  /** The goto step that closes the loop. */
  at: StepAt;
  /** Step ids along the loop, starting at the goto's target and ending at the goto. */
  cycle: string[];
}

/** Every goto that closes a loop free of waits (goto to an unknown id is reported elsewhere). */
export function loopsWithoutWait(journey: Journey): Loop[] {
  const { successors, paths, gotos } = stepGraph(journey);
  // A survey waits for its answer (or its deadline) like a wait_for.
  const pauses = (step: Step) => 'wait' in step || 'wait_for' in step || 'survey' in step;
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
