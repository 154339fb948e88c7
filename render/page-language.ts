// The language of the pages customers open from a message (unsubscribe, survey): their
// `traits.locale`, else their browser's Accept-Language, among the languages the pages are
// written in; English otherwise. Templates' locale variants must each have page strings
// (tests/api/customer-pages.test.ts checks templates/ against this list).
import { chooseVariant } from './locale';

/** Languages the customer pages are written in: add one here and the compiler asks for its strings. */
export const PAGE_LANGUAGES = ['en', 'it'] as const;
export type PageLanguage = (typeof PAGE_LANGUAGES)[number];
export const DEFAULT_PAGE_LANGUAGE: PageLanguage = 'en';

/** The page language for a locale tag (`it-IT` → `it`), or null when the pages do not speak it. */
export function pageLanguageOf(tag: unknown): PageLanguage | null {
  if (typeof tag !== 'string' || tag.trim() === '') return null;
  const chosen = chooseVariant(PAGE_LANGUAGES, tag.trim().replace(/_/gu, '-'));
  return PAGE_LANGUAGES.find((language) => language === chosen) ?? null;
}

/** Accept-Language's tags by preference (q-value, then order), without `*` and q=0. */
export function acceptedLanguages(header: string | undefined): string[] {
  const ranked = (header ?? '')
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q\s*=\s*([0-9.]+)\s*$/iu.exec(p)?.[1]).find((v) => v !== undefined);
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((entry) => entry.tag !== '' && entry.tag !== '*' && Number.isFinite(entry.q) && entry.q > 0);
  return ranked.sort((a, b) => b.q - a.q || a.index - b.index).map((entry) => entry.tag);
}

export interface PageLanguageSources {
  /** An explicit choice (the survey page's `?lang=`): wins when the pages speak it. */
  explicit?: string | undefined;
  /** The customer's `traits.locale`, when the page knows who they are. */
  locale?: unknown;
  /** The request's Accept-Language header. */
  acceptLanguage?: string | undefined;
}

/** explicit → traits.locale → Accept-Language (by preference) → English. */
export function pickPageLanguage(sources: PageLanguageSources): PageLanguage {
  for (const candidate of [sources.explicit, sources.locale, ...acceptedLanguages(sources.acceptLanguage)]) {
    const language = pageLanguageOf(candidate);
    if (language) return language;
  }
  return DEFAULT_PAGE_LANGUAGE;
}
