// Walking JSON-like data (what JSON.parse and YAML give) without recursion, so any depth is safe:
// the first object or array nested too deep, or a string or key a check refuses, with its path.

export type JsonPath = (string | number)[];

export type JsonFinding =
  /** An object or array nested deeper than `maxDepth`. */
  | { kind: 'too_deep'; path: JsonPath }
  /** A string value or key `checkText` refused, with its message. */
  | { kind: 'text'; path: JsonPath; message: string };

export interface FindOptions {
  /** An object or array deeper than this (the root is at depth 0) is a finding. */
  maxDepth: number;
  /** Why a string value or object key is not acceptable, or null when it is. @default every text is fine */
  checkText?: (text: string, what: 'value' | 'key') => string | null;
}

/** The first finding in depth-first order, or null. Visits each value at most once per path, and never below maxDepth. */
export function findInJson(root: unknown, options: FindOptions): JsonFinding | null {
  const pending: Array<{ value: unknown; path: JsonPath }> = [{ value: root, path: [] }];
  for (let item = pending.pop(); item !== undefined; item = pending.pop()) {
    const { value, path } = item;
    if (typeof value === 'string') {
      const problem = options.checkText?.(value, 'value') ?? null;
      if (problem) return { kind: 'text', path, message: problem };
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (path.length >= options.maxDepth) return { kind: 'too_deep', path };
    const entries: Array<[string | number, unknown]> = Array.isArray(value) ? value.map((child, i) => [i, child]) : Object.entries(value);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i]!;
      const problem = typeof key === 'string' ? (options.checkText?.(key, 'key') ?? null) : null;
      if (problem) return { kind: 'text', path, message: problem };
      pending.push({ value: child, path: [...path, key] });
    }
  }
  return null;
}
