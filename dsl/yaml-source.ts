// YAML with positions: parse keeping a line counter, report syntax errors and duplicate keys,
// and locate any journey path (`steps[2].send`) back to its line and column.
import { isAlias, isMap, isNode, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Pair } from 'yaml';
import { formatPath, type DocPath, type Problem } from './problems';

export interface Position {
  line: number;
  col: number;
}

/** Find where a path is in the source; falls back to the nearest enclosing node that exists. */
export type Locate = (path: DocPath, at?: 'value' | 'key') => Position;

export interface YamlSource {
  /** The document as plain data (undefined when the YAML could not be read at all). */
  data: unknown;
  /** True when the YAML had syntax errors (not just duplicate keys): its data is not worth validating. */
  broken: boolean;
  problems: Problem[];
  locate: Locate;
}

const keyText = (pair: Pair): string | undefined => (isScalar(pair.key) ? String(pair.key.value) : undefined);

export function parseYamlSource(source: string, file: string): YamlSource {
  const lineCounter = new LineCounter();
  // uniqueKeys off: duplicates are found below, so each is reported with both lines. logLevel
  // 'error': the library would print warnings (a list used as a key) to stderr; problems say it.
  const doc = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: false, logLevel: 'error' });
  const position = (offset: number): Position => lineCounter.linePos(offset);
  const problems: Problem[] = [];

  for (const error of doc.errors) {
    const { line, col } = position(error.pos[0]);
    problems.push({ file, line, col, path: '', code: `yaml.${error.code.toLowerCase()}`, message: `YAML syntax: ${error.message}` });
  }

  visit(doc, {
    Map(_key, map, ancestry) {
      const seen = new Map<string, Pair>();
      for (const pair of map.items) {
        const name = keyText(pair);
        if (name === undefined) continue;
        const first = seen.get(name);
        if (!first) {
          seen.set(name, pair);
          continue;
        }
        const at = position(isScalar(pair.key) && pair.key.range ? pair.key.range[0] : 0);
        const firstAt = position(isScalar(first.key) && first.key.range ? first.key.range[0] : 0);
        const path = [...pathOf([...ancestry, map]), name];
        problems.push({
          file,
          ...at,
          path: formatPath(path),
          code: 'yaml.duplicate_key',
          message: `duplicate key "${name}": it is already set on line ${firstAt.line}; keep only one`,
        });
      }
    },
  });

  const locate: Locate = (path, at = 'value') => {
    let node: unknown = doc.contents;
    let found: { node: unknown; pair?: Pair } = { node };
    for (const segment of path) {
      const current = resolve(doc, found.node);
      let next: { node: unknown; pair?: Pair } | undefined;
      if (isMap(current) && typeof segment === 'string') {
        const pair = [...current.items].reverse().find((p) => keyText(p) === segment);
        if (pair) next = { node: pair.value, pair };
      } else if (isSeq(current) && typeof segment === 'number') {
        const item = current.items[segment];
        if (item !== undefined) next = { node: item };
      }
      if (!next) break;
      found = next;
    }
    const target = at === 'key' && found.pair ? found.pair.key : (found.node ?? found.pair?.key);
    return position(rangeStart(target) ?? rangeStart(found.pair?.key) ?? 0);
  };

  let broken = doc.errors.length > 0;
  let data: unknown;
  if (!broken) {
    try {
      data = doc.toJS({ maxAliasCount: 100 });
    } catch (error) {
      broken = true;
      problems.push({ file, line: 1, col: 1, path: '', code: 'yaml.unreadable', message: `YAML cannot be read: ${error instanceof Error ? error.message : String(error)}` });
    }
  }
  return { data, broken, problems, locate };
}

function resolve(doc: Document, node: unknown): unknown {
  return isAlias(node) ? node.resolve(doc) : node;
}

function rangeStart(node: unknown): number | undefined {
  return isNode(node) ? node.range?.[0] : undefined;
}

/** The journey path of a node from the visitor's ancestry (maps by key, sequences by index). */
function pathOf(ancestry: readonly unknown[]): (string | number)[] {
  const path: (string | number)[] = [];
  for (let i = 0; i < ancestry.length; i++) {
    const here = ancestry[i];
    const child = ancestry[i + 1];
    if (isSeq(here) && child !== undefined) path.push(here.items.indexOf(child));
    else if (isPair(here) && child !== undefined && isScalar(here.key)) path.push(String(here.key.value));
  }
  return path;
}
