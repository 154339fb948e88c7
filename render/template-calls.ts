// What a template part calls besides plain values: partials and layouts (`{{> footer}}`,
// `{{#> layouts/base}}`) and helpers, found on the Handlebars AST, with their positions.
import Handlebars from 'handlebars';
import { INTL_HELPERS } from './intl-helpers';

type Node = hbs.AST.Node;

/** Helpers every template may call: Handlebars' own and the Intl ones. */
export const KNOWN_HELPERS: ReadonlySet<string> = new Set(['if', 'unless', 'each', 'with', 'lookup', 'log', ...INTL_HELPERS]);

/** A 1-based position inside the text that was parsed. */
export interface Position {
  line: number;
  col: number;
}

export interface PartialCall extends Position {
  /** `footer`, or `layouts/base` for a layout. */
  name: string;
}

export interface HelperCall extends Position {
  name: string;
}

export interface TemplateCalls {
  partials: PartialCall[];
  /** Calls of helpers that are not in KNOWN_HELPERS (they would fail at render time). */
  unknownHelpers: HelperCall[];
}

export const isNode = <T extends Node>(node: Node | null | undefined, type: T['type']): node is T => node?.type === type;
export const positionOf = (node: Node): Position => ({ line: node.loc.start.line, col: node.loc.start.column + 1 });

/** The static name of a partial (`footer`, `layouts/base`, `"quoted"`), null for `@partial-block` or `(dynamic)`. */
export function partialName(name: Node): string | null {
  // The typings say path or subexpression; the parser also gives a string literal for {{> "name"}}.
  if (isNode<hbs.AST.PathExpression>(name, 'PathExpression')) return name.data ? null : name.original;
  if (isNode<hbs.AST.StringLiteral>(name, 'StringLiteral')) return name.value;
  return null;
}

/** Every partial call and unknown helper in `source` (which must parse: check syntax first). */
export function templateCalls(source: string): TemplateCalls {
  const calls: TemplateCalls = { partials: [], unknownHelpers: [] };
  const helper = (path: Node, params: Node[], hash: hbs.AST.Hash | undefined) => {
    if (!isNode<hbs.AST.PathExpression>(path, 'PathExpression') || path.data) return;
    // `{{name}}` without arguments reads a value; with arguments (or as a block with arguments) it calls a helper.
    const called = params.length > 0 || (hash?.pairs.length ?? 0) > 0;
    if (called && !KNOWN_HELPERS.has(path.original)) calls.unknownHelpers.push({ name: path.original, ...positionOf(path) });
  };
  const visit = (node: Node | null | undefined): void => {
    if (!node) return;
    if (isNode<hbs.AST.Program>(node, 'Program')) node.body.forEach(visit);
    else if (isNode<hbs.AST.MustacheStatement>(node, 'MustacheStatement') || isNode<hbs.AST.SubExpression>(node, 'SubExpression')) {
      helper(node.path, node.params, node.hash);
      expressions(node.params, node.hash);
    } else if (isNode<hbs.AST.BlockStatement>(node, 'BlockStatement')) {
      helper(node.path, node.params, node.hash);
      expressions(node.params, node.hash);
      visit(node.program);
      visit(node.inverse);
    } else if (isNode<hbs.AST.PartialStatement>(node, 'PartialStatement') || isNode<hbs.AST.PartialBlockStatement>(node, 'PartialBlockStatement')) {
      const name = partialName(node.name);
      if (name !== null) calls.partials.push({ name, ...positionOf(node.name) });
      expressions(node.params, node.hash);
      if (isNode<hbs.AST.PartialBlockStatement>(node, 'PartialBlockStatement')) visit(node.program);
    }
  };
  const expressions = (params: Node[], hash: hbs.AST.Hash | undefined) => {
    for (const param of [...params, ...(hash?.pairs.map((p) => p.value) ?? [])]) if (isNode(param, 'SubExpression')) visit(param);
  };
  visit(Handlebars.parse(source));
  return calls;
}
