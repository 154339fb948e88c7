// A journey nested deeper than anyone writes is refused before validation: checking it (zod,
// cross-checks) and running it (the interpreter's plan) recurse once per level, and past a few
// hundred levels that overflows the stack instead of reporting a located problem.
import { findInJson } from '../core/json-walk';
import { formatPath, type Problem } from './problems';
import type { Locate } from './yaml-source';

/** Deepest nesting of maps and lists a journey file may have (each nested step costs about five). */
export const MAX_JOURNEY_NESTING = 200;

/** A located problem at the first place the document is nested too deep, or null. */
export function nestingProblem(data: unknown, file: string, locate: Locate): Problem | null {
  const found = findInJson(data, { maxDepth: MAX_JOURNEY_NESTING });
  if (!found) return null;
  return {
    file,
    ...locate(found.path),
    path: formatPath(found.path),
    code: 'journey.too_deep',
    message: `nested more than ${MAX_JOURNEY_NESTING} levels deep here; flatten it (continue with a goto, or split it into several journeys)`,
  };
}
