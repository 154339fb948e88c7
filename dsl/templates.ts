// Templates referenced by journeys, read from the templates directory with everything they
// use: locale variants (`welcome.it.hbs`), partials, layouts and stylesheets, pinned together
// as one bundle whose hash is the template version; problems located in the file they are in.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeBundle, type TemplateBundle } from '../render/bundle';
import type { ParsedTemplate } from '../render/template-file';
import { displayPath } from './display-path';
import { localeFiles, VARIANT_FILE } from './locale-files';
import type { Problem } from './problems';
import { templateVersionHash } from './snapshot';
import { readIncludes } from './template-includes';
import { analyseTemplateSource, type PartialSourceFile, type TemplateSourceFile } from './template-source';

export interface LoadedTemplate {
  name: string;
  /** The default file's path for messages (relative to the working directory). */
  file: string;
  /** The bundle (render/bundle.ts) as stored in TemplateVersion.source. */
  source: string;
  /** sha256 hex of `source`: the template version. */
  hash: string;
  /** The default file's parts. */
  parsed: ParsedTemplate;
  /** The default file first, then each locale variant. */
  variants: TemplateSourceFile[];
  /** Partials and layouts (`layouts/<name>`) used, each with its locale variants, default first. */
  partials: ReadonlyMap<string, PartialSourceFile[]>;
  /** Problems inside these files, reported once however many journeys use the template. */
  problems: Problem[];
}

/** The template files present in `dir` (names without `.hbs`, variants left out), for "did you mean". */
export async function templateNames(dir: string): Promise<string[]> {
  const entries = await readdir(dir).catch((): string[] => []);
  return entries.filter((f) => f.endsWith('.hbs') && !VARIANT_FILE.test(f)).map((f) => f.slice(0, -'.hbs'.length));
}

/** Read `<dir>/<name>.hbs` with its variants and includes; null when there is no such file. */
export async function readTemplate(dir: string, name: string, cwd = process.cwd()): Promise<LoadedTemplate | null> {
  const show = (path: string) => displayPath(path, cwd);
  const path = join(dir, `${name}.hbs`);
  let source: string;
  try {
    source = await readFile(path, 'utf8');
  } catch {
    return null;
  }
  const found = await localeFiles(dir, name, show);
  const files = [analyseTemplateSource(show(path), source)];
  for (const variant of found.variants) files.push(analyseTemplateSource(show(variant.path), await readFile(variant.path, 'utf8'), variant.locale));
  const includes = await readIncludes(dir, files, show);
  return assemble(name, files, includes.partials, includes.styles, [...found.problems, ...files.flatMap((f) => f.problems), ...includes.problems]);
}

/** One template file without variants or includes (a partial it calls is reported missing): pure, for tests. */
export function analyseTemplate(name: string, file: string, source: string): LoadedTemplate {
  const only = analyseTemplateSource(file, source);
  const missing: Problem[] = only.partials.map((call) => ({
    file,
    line: call.line,
    col: call.col,
    path: call.path,
    code: 'template.partial_not_found',
    message: `"${call.name}" is not available here: partials and layouts are read from the templates directory`,
  }));
  return assemble(name, [only], new Map(), {}, [...only.problems, ...missing]);
}

function assemble(name: string, files: TemplateSourceFile[], partials: Map<string, PartialSourceFile[]>, styles: Record<string, string>, problems: Problem[]): LoadedTemplate {
  const [main] = files;
  if (!main) throw new Error(`template ${name} has no default file`);
  const bundle: TemplateBundle = { variants: {}, partials: {}, layouts: {}, styles };
  for (const file of files) bundle.variants[file.locale] = file.source;
  for (const [partial, versions] of partials) {
    const layout = partial.startsWith('layouts/') ? partial.slice('layouts/'.length) : null;
    const target = layout === null ? bundle.partials : bundle.layouts;
    target[layout ?? partial] = Object.fromEntries(versions.map((v) => [v.locale, v.source]));
  }
  const source = encodeBundle(bundle);
  return { name, file: main.file, source, hash: templateVersionHash(source), parsed: main.parsed, variants: files, partials, problems };
}
