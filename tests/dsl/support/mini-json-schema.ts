// A small JSON Schema (draft-07) checker covering the keywords our generated journey schema
// uses, so tests can check that editors will accept the sample journeys without a new dependency.

type JsonSchema = boolean | { [keyword: string]: unknown };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const KNOWN = new Set([
  '$schema', '$ref', 'title', 'description', 'default', 'definitions', 'type', 'properties', 'required', 'additionalProperties',
  'propertyNames', 'items', 'minItems', 'anyOf', 'allOf', 'enum', 'const', 'pattern', 'minLength', 'maxLength', 'exclusiveMinimum',
]);

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** Errors of `value` against `schema` (empty when valid); throws on a keyword it does not know. */
export function checkJsonSchema(root: Record<string, unknown>, value: unknown): string[] {
  const errors: string[] = [];
  const visit = (schema: JsonSchema, v: unknown, path: string): void => {
    if (schema === true) return;
    if (schema === false) {
      errors.push(`${path}: not allowed`);
      return;
    }
    for (const keyword of Object.keys(schema)) if (!KNOWN.has(keyword)) throw new Error(`mini-json-schema: unsupported keyword ${keyword}`);
    if (typeof schema.$ref === 'string') {
      const name = schema.$ref.replace('#/definitions/', '');
      const definitions = isObject(root.definitions) ? root.definitions : {};
      const target = definitions[name];
      if (!isObject(target)) throw new Error(`mini-json-schema: unresolved $ref ${schema.$ref}`);
      visit(target, v, path);
    }
    if (typeof schema.type === 'string') {
      const actual = typeOf(v);
      if (!(actual === schema.type || (schema.type === 'number' && actual === 'integer'))) errors.push(`${path}: expected ${schema.type}, got ${actual}`);
    }
    if (Array.isArray(schema.enum) && !schema.enum.includes(v)) errors.push(`${path}: not one of ${schema.enum.join(', ')}`);
    if ('const' in schema && schema.const !== v) errors.push(`${path}: expected ${JSON.stringify(schema.const)}`);
    if (typeof v === 'string') {
      if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern).test(v)) errors.push(`${path}: does not match ${schema.pattern}`);
      if (typeof schema.minLength === 'number' && v.length < schema.minLength) errors.push(`${path}: too short`);
      if (typeof schema.maxLength === 'number' && v.length > schema.maxLength) errors.push(`${path}: too long`);
    }
    if (typeof v === 'number' && typeof schema.exclusiveMinimum === 'number' && !(v > schema.exclusiveMinimum)) errors.push(`${path}: too small`);
    if (Array.isArray(v)) {
      if (typeof schema.minItems === 'number' && v.length < schema.minItems) errors.push(`${path}: fewer than ${schema.minItems} items`);
      const items = schema.items;
      if (items === true || items === false || isObject(items)) v.forEach((item, i) => visit(items, item, `${path}[${i}]`));
    }
    if (isObject(v)) {
      const properties = isObject(schema.properties) ? schema.properties : {};
      for (const key of Array.isArray(schema.required) ? schema.required : []) if (!(key in v)) errors.push(`${path}: missing ${String(key)}`);
      for (const [key, item] of Object.entries(v)) {
        const own = properties[key];
        if (own === true || own === false || isObject(own)) visit(own, item, `${path}.${key}`);
        else {
          const extra = schema.additionalProperties;
          if (extra === false) errors.push(`${path}: unknown key ${key}`);
          else if (isObject(extra)) visit(extra, item, `${path}.${key}`);
        }
      }
    }
    if (Array.isArray(schema.allOf)) for (const part of schema.allOf) visit(part, v, path);
    if (Array.isArray(schema.anyOf)) {
      const before = errors.length;
      const fits = schema.anyOf.some((option) => {
        const mark = errors.length;
        visit(option, v, path);
        const ok = errors.length === mark;
        errors.length = mark;
        return ok;
      });
      errors.length = before;
      if (!fits) errors.push(`${path}: matches none of anyOf`);
    }
  };
  visit(root, value, '$');
  return errors;
}
