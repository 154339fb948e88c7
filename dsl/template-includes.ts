// What template files include: partials (`{{> footer}}` → partials/footer.hbs), layouts
// (`{{#> layouts/base}}` → layouts/base.hbs), each with locale variants, and the stylesheets
// they link (styles/<name>.css). Followed transitively; a missing one is located where it is named.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Problem } from './problems';
import { didYouMean } from './suggest';
import { localeFiles } from './locale-files';
import { analysePartialSource, type Include, type PartialSourceFile, type SourceFile } from './template-source';

export interface Includes {
  /** By name as called: `footer`, `layouts/base`; default file first. */
  partials: Map<string, PartialSourceFile[]>;
  /** Stylesheet name → CSS. */
  styles: Record<string, string>;
  problems: Problem[];
}

const PARTIAL_NAME = /^(layouts\/)?([A-Za-z0-9_-]+)$/;

async function names(dir: string, ext: string): Promise<string[]> {
  const entries = await readdir(dir).catch((): string[] => []);
  return entries.filter((f) => f.endsWith(ext) && f.split('.').length === 2).map((f) => f.slice(0, -ext.length));
}

export async function readIncludes(templatesDir: string, files: readonly SourceFile[], show: (path: string) => string): Promise<Includes> {
  const out: Includes = { partials: new Map(), styles: {}, problems: [] };
  const queue: { call: Include; from: SourceFile }[] = files.flatMap((from) => from.partials.map((call) => ({ call, from })));
  const problem = (from: SourceFile, call: Include, code: string, message: string) => out.problems.push({ file: from.file, line: call.line, col: call.col, path: call.path, code, message });
  const available = async (layout: boolean) =>
    layout ? (await names(join(templatesDir, 'layouts'), '.hbs')).map((n) => `layouts/${n}`) : names(join(templatesDir, 'partials'), '.hbs');

  for (let next = queue.shift(); next; next = queue.shift()) {
    const { call, from } = next;
    if (out.partials.has(call.name)) continue;
    const match = PARTIAL_NAME.exec(call.name);
    if (!match) {
      problem(from, call, 'template.partial_name', `partial "${call.name}" cannot be a file: use {{> <name>}} for templates/partials/<name>.hbs or {{#> layouts/<name>}} for templates/layouts/<name>.hbs`);
      continue;
    }
    const layout = match[1] !== undefined;
    const base = match[2] ?? '';
    const dir = join(templatesDir, layout ? 'layouts' : 'partials');
    const path = join(dir, `${base}.hbs`);
    const source = await readFile(path, 'utf8').catch(() => null);
    if (source === null) {
      const kind = layout ? 'layout' : 'partial';
      problem(from, call, `template.${kind}_not_found`, `${kind} "${call.name}" has no file ${show(path)}: create it${didYouMean(call.name, await available(layout))}`);
      continue;
    }
    const versions = [analysePartialSource(show(path), source)];
    const variants = await localeFiles(dir, base, show);
    out.problems.push(...variants.problems);
    for (const variant of variants.variants) versions.push(analysePartialSource(show(variant.path), await readFile(variant.path, 'utf8'), variant.locale));
    out.partials.set(call.name, versions);
    for (const version of versions) {
      out.problems.push(...version.problems);
      queue.push(...version.partials.map((inner) => ({ call: inner, from: version })));
    }
  }

  const all: SourceFile[] = [...files, ...[...out.partials.values()].flat()];
  const stylesDir = join(templatesDir, 'styles');
  for (const from of all) {
    for (const link of from.stylesheets) {
      if (out.styles[link.name] !== undefined) continue;
      const path = join(stylesDir, `${link.name}.css`);
      const css = await readFile(path, 'utf8').catch(() => null);
      if (css === null) {
        problem(from, link, 'template.style_not_found', `stylesheet "styles/${link.name}.css" has no file ${show(path)}: create it${didYouMean(link.name, await names(stylesDir, '.css'))}`);
      } else out.styles[link.name] = css;
    }
  }
  return out;
}
