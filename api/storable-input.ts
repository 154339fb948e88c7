// Request values the database cannot store, found before anything is written: PostgreSQL text
// and jsonb refuse NUL characters and lone UTF-16 surrogates, and very deep nesting overflows
// the stack of whatever serialises it. Answering 400 here beats a 503 that no retry can fix.
import { findInJson, type JsonPath } from '../core/json-walk';

/** Deepest nesting accepted in a request body (objects and arrays, counted from the body itself). */
export const MAX_NESTING = 64;

const NUL = /\u0000/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function textProblem(text: string, what: 'value' | 'key'): string | null {
  const subject = what === 'key' ? `the key ${JSON.stringify(text)}` : 'the text';
  if (NUL.test(text)) return `${subject} contains a NUL character (\\u0000), which cannot be stored; remove it`;
  if (LONE_SURROGATE.test(text)) return `${subject} contains a lone UTF-16 surrogate, which is not valid Unicode; send well-formed UTF-8 text`;
  return null;
}

export interface UnstorableValue {
  path: JsonPath;
  message: string;
}

/** The first value in a request body, query or path parameters that cannot be stored, or null. */
export function findUnstorable(input: unknown, maxNesting = MAX_NESTING): UnstorableValue | null {
  const found = findInJson(input, { maxDepth: maxNesting, checkText: textProblem });
  if (!found) return null;
  return found.kind === 'text' ? found : { path: found.path, message: `nested deeper than ${maxNesting} levels; send flatter data` };
}
