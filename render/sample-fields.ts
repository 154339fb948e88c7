// Which values a template reads that a sample customer and event lack: a walk of the Handlebars
// AST that follows #each/#with into the sample's data, accepts a value guarded by an enclosing
// {{#if}} (or {{#unless}}…{{else}}), and reads partials in the scope they are called from.
import Handlebars from 'handlebars';
import { isNode, KNOWN_HELPERS, partialName, positionOf, type Position } from './template-calls';

type Node = hbs.AST.Node;

export interface MissingField extends Position {
  /** The path as written, e.g. `traits.first_name` or `sku`. */
  original: string;
  /** The path from the top (`traits.first_name`, `event.properties.tax` in a #with), or from an #each item (`sku`). */
  key: string;
  /** The #each/#with value whose items it is read from (e.g. `traits.orders`), null at the top. */
  within: string | null;
  /** The partial or layout (`footer`, `layouts/base`) it is written in; null for the part itself. */
  partial: string | null;
}

/** A partial's parsed body, for walking it where it is called; null when unknown (reported elsewhere). */
export type PartialAsts = (name: string) => hbs.AST.Program | null;

interface Scope {
  /** Guards are per context; a partial called without a new context shares its caller's id. */
  id: number;
  /** The values `this` may be here (several for the items of an #each); null when not knowable. */
  values: unknown[] | null;
  /** The path of `this` from the top (`event.properties` in {{#with event.properties}}); null inside an #each. */
  prefix: string | null;
  /** What an #each iterates, for messages (`traits.orders`). */
  label: string | null;
  /** Block params and partial hash keys: names that are not read from the context. */
  names: ReadonlySet<string>;
}
interface Guard {
  scope: number;
  key: string;
}
interface Walk {
  stack: Scope[];
  guards: Guard[];
  partial: string | null;
  /** Partials being walked, against recursion. */
  chain: string[];
}

/** Whether `parts` leads to a defined value inside `value`. */
function has(value: unknown, parts: readonly string[]): boolean {
  let current = value;
  for (const part of parts) {
    if (typeof current === 'object' && current !== null && Object.hasOwn(current, part)) current = Reflect.get(current, part);
    else if (typeof current === 'string' && part === 'length') current = current.length;
    else return false;
  }
  return current !== undefined;
}

function resolve(values: unknown[], parts: readonly string[]): unknown[] {
  return values.filter((v) => has(v, parts)).map((v) => parts.reduce<unknown>((at, part) => (typeof at === 'string' ? at.length : Reflect.get(Object(at), part)), v));
}

/** Every value read in `ast` that `root` (the sample context) lacks, in order of appearance. */
export function missingFields(ast: hbs.AST.Program, root: unknown, partials: PartialAsts): MissingField[] {
  const found: MissingField[] = [];
  let ids = 0;
  const scopeOf = (walk: Walk, path: hbs.AST.PathExpression): { scope: Scope; parts: string[] } | null => {
    if (path.data) {
      // @root.x reads the top context; @index, @key, @locale... are not sample data.
      const top = walk.stack[0];
      return path.parts[0] === 'root' && top ? { scope: top, parts: path.parts.slice(1) } : null;
    }
    const scope = walk.stack[Math.max(0, walk.stack.length - 1 - path.depth)];
    return scope ? { scope, parts: path.parts } : null;
  };
  const guardsOf = (walk: Walk, params: Node[]): Guard[] =>
    pathsIn(params).flatMap((path) => {
      const at = scopeOf(walk, path);
      return at ? [{ scope: at.scope.id, key: at.parts.join('.') }] : [];
    });
  const check = (walk: Walk, path: hbs.AST.PathExpression) => {
    const at = scopeOf(walk, path);
    if (!at || at.parts.length === 0 || at.scope.values === null) return;
    const [first] = at.parts;
    if (first !== undefined && at.scope.names.has(first)) return;
    const key = at.parts.join('.');
    if (walk.guards.some((g) => g.scope === at.scope.id && (key === g.key || key.startsWith(`${g.key}.`)))) return;
    if (at.scope.values.some((v) => has(v, at.parts))) return;
    const { prefix, label } = at.scope;
    const within = prefix === null ? label : null;
    found.push({ original: path.original, key: prefix ? `${prefix}.${key}` : key, within, partial: walk.partial, ...positionOf(path) });
  };
  const expressions = (walk: Walk, params: Node[], hash?: hbs.AST.Hash) => {
    for (const node of [...params, ...(hash?.pairs.map((p) => p.value) ?? [])]) {
      if (isNode<hbs.AST.PathExpression>(node, 'PathExpression')) check(walk, node);
      else if (isNode<hbs.AST.SubExpression>(node, 'SubExpression')) expressions(walk, node.params, node.hash);
    }
  };
  /** A new context: the value(s) of `param` (items of them for #each), unknown when the sample has none. */
  const enter = (walk: Walk, param: Node | undefined, items: boolean, names: Iterable<string>): Scope => {
    const current = walk.stack[walk.stack.length - 1];
    const inherited = new Set([...(current?.names ?? []), ...names]);
    const path = isNode<hbs.AST.PathExpression>(param, 'PathExpression') ? param : null;
    const at = path ? scopeOf(walk, path) : null;
    let values = at && at.scope.values ? resolve(at.scope.values, at.parts).filter((v) => v !== null && v !== undefined) : [];
    if (items) values = values.flatMap((v) => (Array.isArray(v) ? v : typeof v === 'object' && v !== null ? Object.values(v) : []));
    const relative = at ? at.parts.join('.') : '';
    const base = at?.scope.prefix ?? null;
    const absolute = base === null ? null : [base, relative].filter(Boolean).join('.');
    const label = at ? (absolute ?? [at.scope.label, relative].filter(Boolean).join(' → ')) : null;
    return { id: ++ids, values: values.length > 0 ? values : null, prefix: items ? null : absolute, label, names: inherited };
  };
  const walkProgram = (walk: Walk, program: hbs.AST.Program | undefined) => program?.body.forEach((node) => statement(walk, node));
  const statement = (walk: Walk, node: Node): void => {
    if (isNode<hbs.AST.MustacheStatement>(node, 'MustacheStatement')) {
      const path = node.path;
      const isHelper = isNode<hbs.AST.PathExpression>(path, 'PathExpression') && KNOWN_HELPERS.has(path.original);
      if (isNode<hbs.AST.PathExpression>(path, 'PathExpression') && !isHelper && node.params.length === 0 && !hasHash(node.hash)) check(walk, path);
      expressions(walk, node.params, node.hash);
    } else if (isNode<hbs.AST.BlockStatement>(node, 'BlockStatement')) block(walk, node);
    else if (isNode<hbs.AST.PartialStatement>(node, 'PartialStatement') || isNode<hbs.AST.PartialBlockStatement>(node, 'PartialBlockStatement')) {
      partial(walk, node);
    }
  };
  const block = (walk: Walk, node: hbs.AST.BlockStatement) => {
    const helper = node.path.data ? '' : node.path.original;
    const blockParams = node.program?.blockParams ?? [];
    if (helper === 'if' || helper === 'unless') {
      const guards = guardsOf(walk, node.params);
      walkProgram({ ...walk, guards: helper === 'if' ? [...walk.guards, ...guards] : walk.guards }, node.program);
      walkProgram({ ...walk, guards: helper === 'unless' ? [...walk.guards, ...guards] : walk.guards }, node.inverse);
    } else if (helper === 'each' || helper === 'with' || (node.params.length === 0 && !hasHash(node.hash) && !KNOWN_HELPERS.has(helper))) {
      // An absent value only skips the block: the block's own value is never "missing".
      const param = helper === 'each' || helper === 'with' ? node.params[0] : node.path;
      const scope = enter(walk, param, helper !== 'with', blockParams);
      walkProgram({ ...walk, stack: [...walk.stack, scope] }, node.program);
      walkProgram(walk, node.inverse);
    } else {
      expressions(walk, node.params, node.hash);
      const current = walk.stack[walk.stack.length - 1];
      const withParams = current && blockParams.length > 0 ? [...walk.stack.slice(0, -1), { ...current, names: new Set([...current.names, ...blockParams]) }] : walk.stack;
      walkProgram({ ...walk, stack: withParams }, node.program);
      walkProgram(walk, node.inverse);
    }
  };
  const partial = (walk: Walk, node: hbs.AST.PartialStatement | hbs.AST.PartialBlockStatement) => {
    expressions(walk, node.params, node.hash);
    // The block's content (the layout's {{> @partial-block}}) renders in the caller's context.
    if (isNode<hbs.AST.PartialBlockStatement>(node, 'PartialBlockStatement')) walkProgram(walk, node.program);
    const name = partialName(node.name);
    const body = name === null || walk.chain.includes(name) || walk.chain.length > 8 ? null : partials(name);
    if (!body || name === null) return;
    const keys = node.hash?.pairs.map((p) => p.key) ?? [];
    const current = walk.stack[walk.stack.length - 1];
    const scope: Scope | undefined = node.params[0] ? enter(walk, node.params[0], false, keys) : current && { ...current, names: new Set([...current.names, ...keys]) };
    if (!scope) return;
    const stack = node.params[0] ? [...walk.stack, scope] : [...walk.stack.slice(0, -1), scope];
    walkProgram({ stack, guards: walk.guards, partial: name, chain: [...walk.chain, name] }, body);
  };
  walkProgram({ stack: [{ id: ++ids, values: [root], prefix: '', label: null, names: new Set() }], guards: [], partial: null, chain: [] }, ast);
  return found;
}

const hasHash = (hash: hbs.AST.Hash | undefined) => (hash?.pairs.length ?? 0) > 0;

/** Path expressions in params, including inside subexpressions: `(gt traits.orders 3)` → traits.orders. */
function pathsIn(params: Node[]): hbs.AST.PathExpression[] {
  return params.flatMap((node) => {
    if (isNode<hbs.AST.PathExpression>(node, 'PathExpression')) return [node];
    if (isNode<hbs.AST.SubExpression>(node, 'SubExpression')) return pathsIn([...node.params, ...(node.hash?.pairs.map((p) => p.value) ?? [])]);
    return [];
  });
}

/** Parse for `missingFields` (throws on a syntax error: check syntax first). */
export const parseTemplate = (source: string): hbs.AST.Program => Handlebars.parse(source);
