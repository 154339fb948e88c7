// What a template version pins: every locale variant of the template file plus the partials,
// layouts and stylesheets they use, as one canonical JSON text (TemplateVersion.source), so a
// run renders exactly what it started with even after any of those files changed.
import { z } from 'zod';
import { canonicalJson } from '../dsl/snapshot';

/** Tag of the bundle JSON; a source without it is a single template file (versions saved before bundles). */
export const BUNDLE_FORMAT = 'touchpoint.template-bundle/1';

/** Locale tag → file source; `''` is the default file (`welcome.hbs`), `it` is `welcome.it.hbs`. */
export type LocaleSources = Record<string, string>;

export interface TemplateBundle {
  /** The template file and its locale variants. */
  variants: LocaleSources;
  /** `templates/partials/<name>[.<locale>].hbs`, used as `{{> name}}`. */
  partials: Record<string, LocaleSources>;
  /** `templates/layouts/<name>[.<locale>].hbs`, used as `{{#> layouts/name}}…{{/layouts/name}}`. */
  layouts: Record<string, LocaleSources>;
  /** `templates/styles/<name>.css`, linked from HTML as `<link rel="stylesheet" href="styles/name.css">`. */
  styles: Record<string, string>;
}

const LocaleSourcesSchema = z.record(z.string(), z.string());
const BundleSchema = z.object({
  format: z.literal(BUNDLE_FORMAT),
  variants: LocaleSourcesSchema.refine((v) => v[''] !== undefined, 'a bundle needs the default file'),
  partials: z.record(z.string(), LocaleSourcesSchema).default({}),
  layouts: z.record(z.string(), LocaleSourcesSchema).default({}),
  styles: z.record(z.string(), z.string()).default({}),
});

/** The bundle as stored: canonical JSON (sorted keys), so equal content is equal text and an equal hash. */
export function encodeBundle(bundle: TemplateBundle): string {
  return canonicalJson({ format: BUNDLE_FORMAT, ...bundle });
}

/** Read a stored template source: a bundle, or a plain template file from before bundles existed. */
export function decodeBundle(source: string): TemplateBundle {
  // Canonical JSON sorts keys, so a bundle always starts with its format; a template file starts with "{{".
  if (!source.startsWith('{"format":')) return { variants: { '': source }, partials: {}, layouts: {}, styles: {} };
  let json: unknown;
  try {
    json = JSON.parse(source);
  } catch (error) {
    throw new Error(`the stored template bundle is not valid JSON (${error instanceof Error ? error.message : String(error)}); save the templates again`);
  }
  const parsed = BundleSchema.safeParse(json);
  if (!parsed.success) {
    throw new Error(`the stored template bundle is not a ${BUNDLE_FORMAT} bundle: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const { variants, partials, layouts, styles } = parsed.data;
  return { variants, partials, layouts, styles };
}
