// File names in messages as a person knows them (kept out of problems.ts so that stays free of node: imports).
import { isAbsolute, relative } from 'node:path';

/** Relative to `cwd` when inside it, else absolute. */
export function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}
