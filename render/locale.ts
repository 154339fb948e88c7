// Locale tags (BCP 47) for template variants and Intl helpers: canonical forms, "is this a real
// language", and which variant a customer gets (exact → language only → the default file).

/** The canonical form of a BCP 47 tag (`pt-br` → `pt-BR`), or null when it is not one. */
export function canonicalLocale(tag: unknown): string | null {
  if (typeof tag !== 'string' || tag.trim() === '') return null;
  try {
    return Intl.getCanonicalLocales(tag.trim())[0] ?? null;
  } catch {
    return null;
  }
}

const languages = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'none' });
const regions = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });

/**
 * True for a tag whose language (and region, if any) ICU knows: `it`, `pt-BR`, `sr-Latn`.
 * Well-formed but meaningless tags (`xx`, `en-XX`) are false: in a file name they are a typo.
 */
export function isKnownLocale(tag: string): boolean {
  const canonical = canonicalLocale(tag);
  if (!canonical) return false;
  try {
    const locale = new Intl.Locale(canonical);
    if (languages.of(locale.language) === undefined) return false;
    if (locale.region !== undefined && (regions.of(locale.region) === undefined || locale.region === 'ZZ')) return false;
    return true;
  } catch {
    return false;
  }
}

/** The language subtag: `pt-BR` → `pt`. */
export function languageOf(tag: string): string {
  return tag.split('-')[0]?.toLowerCase() ?? tag;
}

/**
 * The variant to render for a customer whose locale is `wanted`: the exact tag, else the
 * variant for its language alone (`pt-BR` → `pt`), else `''` (the default file). Case-insensitive.
 */
export function chooseVariant(available: Iterable<string>, wanted: string | null | undefined): string {
  if (!wanted) return '';
  const byLower = new Map<string, string>();
  for (const tag of available) if (tag !== '') byLower.set(tag.toLowerCase(), tag);
  const exact = byLower.get(wanted.toLowerCase());
  if (exact !== undefined) return exact;
  return byLower.get(languageOf(wanted)) ?? '';
}

/** An IANA time zone Intl accepts, or null. */
export function validTimeZone(zone: unknown): string | null {
  if (typeof zone !== 'string' || zone.trim() === '') return null;
  try {
    return new Intl.DateTimeFormat('en', { timeZone: zone.trim() }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}
