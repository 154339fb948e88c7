// Walk the zod schema along a journey path: which keys an object allows, what a field is for,
// so shape problems can say "did you mean" and how to fill a missing key.
import { z } from 'zod';
import type { DocPath } from './problems';

type Schema = z.core.$ZodType;

/** Strip wrappers that do not change what a value looks like (optional, default, lazy, nullable). */
export function unwrapSchema(schema: Schema): Schema {
  let current = schema;
  for (let depth = 0; depth < 20; depth++) {
    if (current instanceof z.ZodOptional || current instanceof z.ZodDefault || current instanceof z.ZodNullable) current = current.unwrap();
    else if (current instanceof z.ZodLazy) current = current.unwrap();
    else return current;
  }
  return current;
}

/**
 * The schema at a relative path. zod reports a union whose other branches fail on the value's
 * type straight from the one plausible branch, so a path may cross a union: take the branch
 * the next segment fits.
 */
export function schemaAt(schema: Schema | undefined, path: DocPath): Schema | undefined {
  let current = schema;
  for (const segment of path) {
    if (!current) return undefined;
    current = step(unwrapSchema(current), segment);
  }
  return current;
}

function step(plain: Schema, segment: string | number): Schema | undefined {
  if (plain instanceof z.ZodObject && typeof segment === 'string') return plain.shape[segment];
  if (plain instanceof z.ZodArray && typeof segment === 'number') return plain.element;
  if (plain instanceof z.ZodRecord) return plain.valueType;
  if (plain instanceof z.ZodUnion) {
    for (const option of plain.options) {
      const found = step(unwrapSchema(option), segment);
      if (found) return found;
    }
  }
  return undefined;
}

/** Keys an object schema allows, in declaration order; for a union, the object branch sharing most keys with `value`. */
export function allowedKeys(schema: Schema | undefined, value?: unknown): string[] {
  const plain = schema && unwrapSchema(schema);
  if (plain instanceof z.ZodObject) return Object.keys(plain.shape);
  if (!(plain instanceof z.ZodUnion)) return [];
  const written = typeof value === 'object' && value !== null ? Object.keys(value) : [];
  let best: string[] = [];
  let bestShared = -1;
  for (const option of plain.options) {
    const keys = allowedKeys(option);
    const shared = keys.filter((k) => written.includes(k)).length;
    if (keys.length > 0 && shared > bestShared) {
      best = keys;
      bestShared = shared;
    }
  }
  return best;
}

/** Branches of a union schema. */
export function unionOptions(schema: Schema | undefined): readonly Schema[] {
  const plain = schema && unwrapSchema(schema);
  return plain instanceof z.ZodUnion ? plain.options : [];
}

/** Allowed literal values of an enum field, if it is one. */
export function enumValues(schema: Schema | undefined): string[] {
  const plain = schema && unwrapSchema(schema);
  return plain instanceof z.ZodEnum ? plain.options.map(String) : [];
}

/** The editor hover text of a field (its `.meta({ description })`), looking through wrappers. */
export function describeSchema(schema: Schema | undefined): string | undefined {
  let current = schema;
  for (let depth = 0; current && depth < 20; depth++) {
    const description = z.globalRegistry.get(current)?.description;
    if (description) return description;
    const next = current instanceof z.ZodOptional || current instanceof z.ZodDefault || current instanceof z.ZodLazy ? current.unwrap() : undefined;
    current = next;
  }
  return undefined;
}

/** The forms a union accepts, for messages: `text`, `{ for }`, `once`, `true`. */
export function unionForms(schema: Schema | undefined): string[] {
  return unionOptions(schema).map((option) => {
    const plain = unwrapSchema(option);
    if (plain instanceof z.ZodObject) return `{ ${Object.keys(plain.shape).join(', ')} }`;
    if (plain instanceof z.ZodEnum) return plain.options.map(String).join(' | ');
    if (plain instanceof z.ZodLiteral) return plain.values.size > 0 ? [...plain.values].map((v) => JSON.stringify(v)).join(' | ') : 'a literal';
    if (plain instanceof z.ZodArray) return 'a list';
    if (plain instanceof z.ZodString) {
      const example = /`([^`]+)`/.exec(describeSchema(option) ?? '')?.[1];
      return example ? `text like ${example}` : 'text';
    }
    if (plain instanceof z.ZodNumber) return 'a number';
    if (plain instanceof z.ZodBoolean) return 'true/false';
    if (plain instanceof z.ZodNull) return 'null';
    return 'a value';
  });
}
