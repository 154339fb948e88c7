// Problems found in journeys and templates: plain data, located `file:line:col`; printed only at the edge.

/** One thing to fix, located in a journey or template file. */
export interface Problem {
  /** File as the person knows it (relative to the working directory when loaded from disk). */
  file: string;
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  col: number;
  /** Where in the journey, e.g. `steps[2].send.channel`; empty for the file as a whole or a template. */
  path: string;
  /** Stable machine code, e.g. `schema.unknown_key`, `template.not_found`, `graph.loop_without_wait`. */
  code: string;
  /** What is wrong and how to fix it, for a person. */
  message: string;
}

/** A path into a journey document as zod and the YAML tree see it. */
export type DocPath = readonly (string | number)[];

/** `['steps', 2, 'send', 'channel']` → `steps[2].send.channel`. */
export function formatPath(path: DocPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? segment : `.${segment}`;
  }
  return out;
}

/** `file:line:col: path: message`, or `file:line:col: message` when the path is empty. */
export function formatProblem(p: Problem): string {
  const where = `${p.file}:${p.line}:${p.col}`;
  return p.path ? `${where}: ${p.path}: ${p.message}` : `${where}: ${p.message}`;
}

/** Order problems by file, then position, so output reads top to bottom. */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  return [...problems].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.col - b.col));
}
