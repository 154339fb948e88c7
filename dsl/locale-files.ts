// Locale variants of a template, partial or layout file: `<base>.hbs` beside `<base>.<tag>.hbs`
// (welcome.it.hbs, footer.pt-BR.hbs); a tag that is no known locale is a typo, reported.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { canonicalLocale, isKnownLocale } from '../render/locale';
import type { Problem } from './problems';

/** `welcome.it.hbs`: base name and tag (names have no dots, so the middle part is always a tag). */
export const VARIANT_FILE = /^([a-z0-9][a-z0-9_-]*)\.([^.]+)\.hbs$/i;

/** A file and its locale variants in `dir`: `<base>.hbs` and `<base>.<tag>.hbs`, with problems for bad tags. */
export async function localeFiles(dir: string, base: string, show: (path: string) => string): Promise<{ variants: { locale: string; path: string }[]; problems: Problem[] }> {
  const entries = (await readdir(dir).catch((): string[] => [])).sort();
  const variants: { locale: string; path: string }[] = [];
  const problems: Problem[] = [];
  const seen = new Map<string, string>();
  for (const entry of entries) {
    const match = VARIANT_FILE.exec(entry);
    if (!match || match[1] !== base) continue;
    const tag = match[2] ?? '';
    const path = join(dir, entry);
    const canonical = canonicalLocale(tag);
    const at = { file: show(path), line: 1, col: 1, path: '' };
    if (!canonical || !isKnownLocale(canonical)) {
      problems.push({
        ...at,
        code: 'template.unknown_locale',
        message: `"${tag}" is not a known locale tag, so no customer would get this file: name variants ${base}.<BCP 47 tag>.hbs, e.g. ${base}.it.hbs or ${base}.pt-BR.hbs`,
      });
      continue;
    }
    const earlier = seen.get(canonical.toLowerCase());
    if (earlier !== undefined) {
      problems.push({ ...at, code: 'template.duplicate_locale', message: `${earlier} is already the ${canonical} variant (tags ignore case): keep one of the two files` });
      continue;
    }
    seen.set(canonical.toLowerCase(), show(path));
    variants.push({ locale: canonical, path });
  }
  return { variants, problems };
}

