// Templates referenced by journeys: read once per name, parsed into parts, each part compiled
// with Handlebars, hashed for the snapshot; problems located in the template file itself.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { parseTemplateFile, TEMPLATE_PARTS, type ParsedTemplate, type TemplatePart } from '../render/template-file';
import { displayPath } from './display-path';
import type { Problem } from './problems';

export interface LoadedTemplate {
  name: string;
  /** File path for messages (relative to the working directory). */
  file: string;
  source: string;
  /** sha256 hex of the file source: the template version. */
  hash: string;
  parsed: ParsedTemplate;
  /** Problems inside the file (markers, Handlebars syntax), reported once however many journeys use it. */
  problems: Problem[];
}

/** The template files present in `dir` (names without `.hbs`), for "did you mean". */
export async function templateNames(dir: string): Promise<string[]> {
  const entries = await readdir(dir).catch((): string[] => []);
  return entries.filter((f) => f.endsWith('.hbs')).map((f) => f.slice(0, -'.hbs'.length));
}

/** Read `<dir>/<name>.hbs`; null when there is no such file. */
export async function readTemplate(dir: string, name: string, cwd = process.cwd()): Promise<LoadedTemplate | null> {
  const path = join(dir, `${name}.hbs`);
  let source: string;
  try {
    source = await readFile(path, 'utf8');
  } catch {
    return null;
  }
  const file = displayPath(path, cwd);
  return analyseTemplate(name, file, source);
}

/** Parse and compile a template's source: pure, for tests and previews. */
export function analyseTemplate(name: string, file: string, source: string): LoadedTemplate {
  const parsed = parseTemplateFile(source);
  const problems: Problem[] = parsed.problems.map((p) => ({ file, line: p.line, col: p.col, path: '', code: 'template.format', message: p.message }));
  for (const part of TEMPLATE_PARTS) {
    const body = parsed.parts[part];
    if (body === undefined) continue;
    const problem = compileProblem(body, part, parsed.partLines[part] ?? 1, file);
    if (problem) problems.push(problem);
  }
  const hash = createHash('sha256').update(source).digest('hex');
  return { name, file, source, hash, parsed, problems };
}

function compileProblem(body: string, part: TemplatePart, firstLine: number, file: string): Problem | null {
  try {
    Handlebars.precompile(body);
    return null;
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    // Handlebars gives a line (and column) on its exceptions, or only inside a parse error's text.
    const exceptionLine = error instanceof Error && 'lineNumber' in error && typeof error.lineNumber === 'number' ? error.lineNumber : undefined;
    const exceptionCol = error instanceof Error && 'column' in error && typeof error.column === 'number' ? error.column + 1 : 1;
    const parsedLine = /line (\d+)/.exec(text)?.[1];
    const lineInPart = exceptionLine ?? (parsedLine ? Number(parsedLine) : 1);
    return {
      file,
      line: firstLine + lineInPart - 1,
      col: exceptionLine !== undefined ? exceptionCol : 1,
      path: part,
      code: 'template.syntax',
      message: `Handlebars cannot read this ${part} part: ${explainHandlebarsError(text)}`,
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
