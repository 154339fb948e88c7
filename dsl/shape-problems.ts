// zod issues → located problems a marketer can act on: unions resolved to the branch meant,
// unknown keys pointed at and named, missing keys explained from the schema's descriptions.
import type { z } from 'zod';
import { formatPath, type DocPath, type Problem } from './problems';
import { allowedKeys, describeSchema, enumValues, schemaAt, unionForms, unionOptions } from './schema-walk';
import { chooseBranch } from './union-choice';
import { closest, didYouMean, listOr } from './suggest';
import type { Locate } from './yaml-source';

type Schema = z.core.$ZodType;
type Issue = z.core.$ZodIssue;

interface Context {
  file: string;
  data: unknown;
  locate: Locate;
  out: Problem[];
  /** Paths of keys an unknown key was probably meant to be: no separate "missing" problem for those. */
  meant: Set<string>;
}

/** Turn the issues of `schema.safeParse(data)` into problems located in the YAML source. */
export function shapeProblems(issues: readonly Issue[], schema: Schema, data: unknown, file: string, locate: Locate): Problem[] {
  const ctx: Context = { file, data, locate, out: [], meant: new Set() };
  for (const issue of issues) explain(ctx, issue, [], schema);
  const seen = new Set<string>();
  return ctx.out.filter((p) => {
    if (p.code === 'schema.missing_key' && ctx.meant.has(p.path)) return false;
    const key = `${p.line}:${p.col}:${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function explain(ctx: Context, issue: Issue, base: DocPath, baseSchema: Schema | undefined): void {
  const rel = issue.path.map((s) => (typeof s === 'number' ? s : String(s)));
  const path = [...base, ...rel];
  const value = valueAt(ctx.data, path);
  const here = schemaAt(baseSchema, rel);
  const push = (code: string, message: string, at: DocPath = path) =>
    ctx.out.push({ file: ctx.file, ...ctx.locate(at), path: formatPath(path), code, message });

  if (value === undefined && path.length > 0 && issue.code !== 'unrecognized_keys') {
    const name = String(path[path.length - 1]);
    const options = enumValues(here);
    const description = describeSchema(here);
    const hint = options.length > 0 ? `: add ${name}: ${listOr(options)}` : description ? ` (${description})` : '';
    push('schema.missing_key', `missing "${name}"${hint}`, path.slice(0, -1));
    return;
  }

  switch (issue.code) {
    case 'invalid_union': {
      const choice = chooseBranch(path, value, issue.errors);
      if ('branch' in choice) {
        const option = unionOptions(here)[choice.branch];
        for (const inner of issue.errors[choice.branch] ?? []) explain(ctx, inner, path, option);
        return;
      }
      const { code, key } = choice.problem;
      let message = choice.problem.message;
      if (code === 'schema.invalid_form') {
        const description = describeSchema(here);
        message = `${show(value)} has none of the allowed forms: use ${listOr(unionForms(here))}${description ? ` (${description})` : ''}`;
      }
      if (key !== undefined) ctx.out.push({ file: ctx.file, ...ctx.locate([...path, key], 'key'), path: formatPath([...path, key]), code, message });
      else push(code, message);
      return;
    }
    case 'unrecognized_keys': {
      const allowed = allowedKeys(here, value);
      for (const key of issue.keys) {
        const match = closest(key, allowed);
        if (match !== undefined) ctx.meant.add(formatPath([...path, match]));
        const hint = match !== undefined ? ` — did you mean "${match}"?` : allowed.length > 0 ? `; allowed here: ${allowed.join(', ')}` : '; remove it';
        ctx.out.push({
          file: ctx.file,
          ...ctx.locate([...path, key], 'key'),
          path: formatPath([...path, key]),
          code: 'schema.unknown_key',
          message: `unknown key "${key}"${hint}`,
        });
      }
      return;
    }
    case 'invalid_type': {
      if (path.length === 0 && (value === undefined || value === null)) {
        push('schema.empty_file', 'the file is empty: a journey needs at least id, name, trigger and steps');
        return;
      }
      push('schema.invalid_type', `expected ${expectedName(issue.expected)}, got ${typeName(value)}${hintFrom(here)}`);
      return;
    }
    case 'invalid_value': {
      const allowed = issue.values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
      const suggestion = typeof value === 'string' ? didYouMean(value, allowed) : '';
      push('schema.invalid_value', `${show(value)} is not allowed: use ${listOr(allowed)}${suggestion}`);
      return;
    }
    case 'invalid_format':
      push('schema.invalid_format', `${show(value)}: ${issue.message}`);
      return;
    case 'too_small':
    case 'too_big': {
      const bound = Number(issue.code === 'too_small' ? issue.minimum : issue.maximum);
      const least = issue.code === 'too_small';
      let message: string;
      if (issue.origin === 'array') message = `needs ${least ? 'at least' : 'at most'} ${bound} item${bound === 1 ? '' : 's'}`;
      else if (issue.origin === 'string' && least && bound === 1) message = 'must not be empty';
      else if (issue.origin === 'string') message = `needs ${least ? 'at least' : 'at most'} ${bound} characters`;
      else message = `must be ${least ? (issue.inclusive ? 'at least' : 'greater than') : issue.inclusive ? 'at most' : 'less than'} ${bound}`;
      push(`schema.${issue.code}`, `${message}${hintFrom(here)}`);
      return;
    }
    default:
      push(`schema.${issue.code}`, issue.message);
  }
}

function hintFrom(schema: Schema | undefined): string {
  const description = describeSchema(schema);
  return description ? ` (${description})` : '';
}

function valueAt(data: unknown, path: DocPath): unknown {
  let current = data;
  for (const segment of path) {
    if (Array.isArray(current) && typeof segment === 'number') current = current[segment];
    else if (isRecord(current)) current = current[String(segment)];
    else return undefined;
  }
  return current;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function expectedName(expected: string): string {
  const names: Record<string, string> = { object: 'a mapping (key: value lines)', array: 'a list (lines starting with "- ")', string: 'text', number: 'a number', boolean: 'true or false' };
  return names[expected] ?? expected;
}

function typeName(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value === 'string' ? 'text' : typeof value} ${show(value)}`;
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
