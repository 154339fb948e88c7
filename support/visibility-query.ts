// Visibility-query clauses that match a Keyword search attribute exactly, whatever its value.
//
// Temporal's SQL-like grammar reads a string literal with MySQL's backslash escapes (its
// sqlparser's tokenizer), but the server then re-encodes the decoded value with the parser's
// SQL encoder and compares that text (quotes trimmed) to the stored value: `'a\\b'` finds the
// stored `a\\b` (two backslashes), not `a\b`; a `"`, a newline or a tab in the literal never
// finds itself; `\%`, `\_` and `\Z` decode to other characters. (Observed on the dev server
// of temporal CLI 1.x; the converter's parseSqlValue trims `sqlparser.String(value)`.) So no
// literal is an exact match for every id: a value without backslashes, double quotes and
// control characters is compared with `=` (a quote is written `''`, which every version reads
// as one quote); any other value is narrowed with STARTS_WITH on the part before its first
// such character, and the caller keeps only executions whose attribute equals the value.
import type { TypedSearchAttributes } from '@temporalio/common';
import type { CUSTOMER_ID } from '../workflows/search-attributes';

/** Characters a literal cannot carry to the server unchanged (see above). */
const UNSAFE = /[\\"\u0000-\u001f\u007f]/u;

/** A visibility-query string literal for a value without UNSAFE characters. */
export function literal(value: string): string {
  if (UNSAFE.test(value)) throw new Error(`A visibility-query literal cannot carry ${JSON.stringify(value)} unchanged; use keywordClause and keep exact matches.`);
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * A clause selecting at least every execution whose Keyword attribute `name` equals `value`:
 * exactly those when `exact`, else a superset (null: no narrowing at all) the caller filters
 * with `matches`.
 */
export function keywordClause(name: string, value: string): { clause: string | null; exact: boolean } {
  const cut = value.search(UNSAFE);
  if (cut === -1) return { clause: `${name} = ${literal(value)}`, exact: true };
  if (cut === 0) return { clause: null, exact: false };
  return { clause: `${name} STARTS_WITH ${literal(value.slice(0, cut))}`, exact: false };
}

/** Whether an execution's attribute is exactly `value` (the check every listing applies). */
export function matches(attributes: TypedSearchAttributes, key: typeof CUSTOMER_ID, value: string): boolean {
  return attributes.get(key) === value;
}
