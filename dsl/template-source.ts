// One template, partial or layout file read on its own: parts, Handlebars syntax, the partials
// and stylesheets it uses and the helpers it calls, every problem located in that file.
import Handlebars from 'handlebars';
import { stylesheetLinks } from '../render/inline-css';
import { KNOWN_HELPERS, templateCalls } from '../render/template-calls';
import { parseTemplateFile, TEMPLATE_PARTS, type ParsedTemplate, type TemplatePart } from '../render/template-file';
import type { Problem } from './problems';
import { didYouMean } from './suggest';

/** Something a file names (a partial, a stylesheet), where it names it. */
export interface Include {
  name: string;
  line: number;
  col: number;
  /** The template part it is in, e.g. `email.html`; empty in a partial or layout. */
  path: string;
}

export interface SourceFile {
  /** Path for messages, e.g. `templates/welcome.it.hbs`. */
  file: string;
  /** Locale tag from the file name (`it`), `''` for the default file. */
  locale: string;
  source: string;
  problems: Problem[];
  partials: Include[];
  stylesheets: Include[];
}

export interface TemplateSourceFile extends SourceFile {
  parsed: ParsedTemplate;
  /** The parsed body of every part that parses. */
  asts: Partial<Record<TemplatePart, hbs.AST.Program>>;
}

export interface PartialSourceFile extends SourceFile {
  /** Null when the file does not parse. */
  ast: hbs.AST.Program | null;
}

/** 1-based line and column of `index` in `text`. */
function lineCol(text: string, index: number): { line: number; col: number } {
  const before = text.slice(0, index).split('\n');
  return { line: before.length, col: (before[before.length - 1]?.length ?? 0) + 1 };
}

/** Read one body (a template part, or a whole partial file) starting at `firstLine` of `file`. */
function analyseBody(body: string, firstLine: number, path: string, file: string, into: SourceFile): hbs.AST.Program | null {
  const syntax = syntaxProblem(body, firstLine, path, file);
  if (syntax) {
    into.problems.push(syntax);
    return null;
  }
  const at = (p: { line: number; col: number }) => ({ line: firstLine + p.line - 1, col: p.col });
  const calls = templateCalls(body);
  into.partials.push(...calls.partials.map((c) => ({ name: c.name, path, ...at(c) })));
  for (const helper of calls.unknownHelpers) {
    into.problems.push({
      file,
      ...at(helper),
      path,
      code: 'template.unknown_helper',
      message: `"${helper.name}" is called like a helper, but there is no such helper${didYouMean(helper.name, KNOWN_HELPERS)}; helpers are ${[...KNOWN_HELPERS].join(', ')}`,
    });
  }
  for (const link of stylesheetLinks(body)) into.stylesheets.push({ name: link.name, path, ...at(lineCol(body, link.index)) });
  return Handlebars.parse(body);
}

/** A template file (`welcome.hbs`, `welcome.it.hbs`): its parts, each checked. */
export function analyseTemplateSource(file: string, source: string, locale = ''): TemplateSourceFile {
  const parsed = parseTemplateFile(source);
  const out: TemplateSourceFile = { file, locale, source, parsed, asts: {}, partials: [], stylesheets: [], problems: [] };
  out.problems.push(...parsed.problems.map((p) => ({ file, line: p.line, col: p.col, path: '', code: 'template.format', message: p.message })));
  for (const part of TEMPLATE_PARTS) {
    const body = parsed.parts[part];
    if (body === undefined) continue;
    const ast = analyseBody(body, parsed.partLines[part] ?? 1, part, file, out);
    if (ast) out.asts[part] = ast;
  }
  return out;
}

/** A partial or layout file: one Handlebars body, no part markers. */
export function analysePartialSource(file: string, source: string, locale = ''): PartialSourceFile {
  const out: PartialSourceFile = { file, locale, source, ast: null, partials: [], stylesheets: [], problems: [] };
  out.ast = analyseBody(source, 1, '', file, out);
  return out;
}

function syntaxProblem(body: string, firstLine: number, path: string, file: string): Problem | null {
  const error = handlebarsSyntaxError(body);
  if (error === null) return null;
  return {
    file,
    line: firstLine + error.line - 1,
    col: error.col,
    path,
    code: 'template.syntax',
    message: `Handlebars cannot read this ${path ? `${path} part` : 'file'}: ${error.explanation}`,
  };
}

/** Where (1-based, in `body`) and why Handlebars cannot compile `body`, said for a template author; null when it compiles. */
export function handlebarsSyntaxError(body: string): { line: number; col: number; explanation: string } | null {
  try {
    Handlebars.precompile(body);
    return null;
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    // Handlebars gives a line (and column) on its exceptions, or only inside a parse error's text.
    const exceptionLine = error instanceof Error && 'lineNumber' in error && typeof error.lineNumber === 'number' ? error.lineNumber : undefined;
    const exceptionCol = error instanceof Error && 'column' in error && typeof error.column === 'number' ? error.column + 1 : 1;
    const parsedLine = /line (\d+)/.exec(text)?.[1];
    return {
      line: exceptionLine ?? (parsedLine ? Number(parsedLine) : 1),
      col: exceptionLine !== undefined ? exceptionCol : 1,
      explanation: explainHandlebarsError(text),
    };
  }
}

/** Handlebars' parser lists grammar tokens; say what a template author should do instead. */
function explainHandlebarsError(text: string): string {
  const mismatch = /^(\S+) doesn't match (\S+)/.exec(text);
  if (mismatch) return `{{#${mismatch[1]}}} is closed by {{/${mismatch[2]}}}: close it with {{/${mismatch[1]}}}`;
  const got = /got '([A-Z_]+)'/.exec(text)?.[1];
  if (got === 'EOF') return 'a {{#block}} is never closed: add its {{/block}} (e.g. {{/if}})';
  if (got === 'INVALID') return 'a tag is not closed properly: write {{name}} with two closing braces';
  if (got === 'OPEN_ENDBLOCK') return 'a {{/block}} closes nothing: remove it or add the matching {{#block}}';
  if (got === 'INVERSE' || got === 'OPEN_INVERSE_CHAIN') return '{{else}} outside a block: put it between {{#if}} and {{/if}}';
  const last = text.split('\n').pop()?.trim() ?? text;
  return `${last}; check that every {{ has its }} and every {{#block}} has its {{/block}}`;
}
