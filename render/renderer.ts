// Rendering a pinned template version (by content hash) for one customer: the locale variant
// for the customer, email, SMS or push parts with partials, layouts and Intl helpers, HTML
// escaped and CSS inlined, plain-text parts not escaped; compiled once per version and cached
// (the most recently used versions, bounded).
import Handlebars from 'handlebars';
import type { Channel } from '../dsl/schema';
import type { Store, TemplateVersion } from '../store/types';
import { decodeBundle, type LocaleSources, type TemplateBundle } from './bundle';
import { htmlToText } from './html-to-text';
import { createCssInliner } from './inline-css';
import { registerIntlHelpers, type IntlData } from './intl-helpers';
import { canonicalLocale, chooseVariant, validTimeZone } from './locale';
import { missingParts, parseTemplateFile, type ParsedTemplate, type TemplatePart } from './template-file';

/** What a template can read: `{{customer.id}}`, `{{traits.first_name}}`, `{{event.properties.total}}`, `{{journey.id}}`. */
export interface RenderContext {
  customer: { id: string };
  traits: Record<string, unknown>;
  /** The event that started the run. */
  event: { name: string; properties: Record<string, unknown>; timestamp: string };
  /**
   * The latest event of each name the run received, the trigger included (by event time):
   * `{{latest.[cart.updated].properties.items}}` shows a cart changed after the trigger.
   */
  latest?: Record<string, { name: string; properties: Record<string, unknown>; timestamp: string }>;
  journey: { id: string };
  /** Signed links the send decision made for this message (e.g. `{{links.unsubscribe}}`). */
  links?: { unsubscribe?: string };
  /** BCP 47 tag choosing the variant and formatting helpers. @default traits.locale, then the renderer's defaultLocale */
  locale?: string;
  /** IANA zone for {{date}} and {{time}}. @default traits.timezone, then the renderer's defaultTimezone */
  timezone?: string;
}

/** Which locale variant was rendered: `it` for welcome.it.hbs, null for the default file. */
interface Localised {
  locale: string | null;
}
export interface RenderedEmail extends Localised {
  subject: string;
  /** Null when the template has only a text part. */
  html: string | null;
  /** The email.text part, or a plain-text version of the HTML when there is none. */
  text: string;
}
export interface RenderedSms extends Localised {
  text: string;
}
export interface RenderedPush extends Localised {
  title: string;
  body: string;
  url: string | null;
  icon: string | null;
}

/** Render with a given variant instead of the customer's (`''` = the default file): previews and validation. */
export interface RenderChoice {
  variant?: string;
}

/** One template version, compiled. */
export interface CompiledTemplate {
  name: string;
  hash: string;
  /** Locale tags of the variants besides the default file, e.g. ['it', 'pt-BR']. */
  locales: string[];
  email(context: RenderContext, choice?: RenderChoice): RenderedEmail;
  sms(context: RenderContext, choice?: RenderChoice): RenderedSms;
  push(context: RenderContext, choice?: RenderChoice): RenderedPush;
}

export interface RendererOptions {
  /** Locale for customers without a valid `traits.locale`. @default 'en' */
  defaultLocale?: string;
  /** Time zone for customers without a valid `traits.timezone` (the configured DEFAULT_TIMEZONE). @default 'UTC' */
  defaultTimezone?: string;
}

/** Thrown when the store has no template version with the pinned hash. */
export class TemplateVersionMissingError extends Error {
  constructor(
    readonly templateName: string,
    readonly hash: string,
  ) {
    super(
      `Template "${templateName}" version ${hash} is not in this worker's store: the journey snapshot pins it, but the worker's ` +
        'database lacks it. Run the worker on the same database as the API (DATABASE_URL or TOUCHPOINT_DATA_DIR), ' +
        'or start Touchpoint again so the templates are saved.',
    );
    this.name = 'TemplateVersionMissingError';
  }
}

type PartRenderer = (context: RenderContext, data: RenderData) => string;
type RenderData = IntlData & { lang: string };

interface CompiledVariant {
  parsed: ParsedTemplate;
  part(name: TemplatePart): PartRenderer | null;
}

/** The source of a partial or layout for a variant: its own locale, its language, else the default. */
function pick(sources: LocaleSources, variant: string): string | undefined {
  return sources[chooseVariant(Object.keys(sources), variant || null)] ?? sources[''];
}

/**
 * A Handlebars instance for one variant and one escaping mode. Partials are compiled here rather
 * than registered as text: Handlebars would compile a text partial once with the options of its
 * first caller, and an unescaped subject would then leak into the HTML part.
 */
function handlebarsFor(bundle: TemplateBundle, variant: string, escape: boolean): typeof Handlebars {
  const handlebars = Handlebars.create();
  registerIntlHelpers(handlebars);
  const options = { noEscape: !escape };
  for (const [name, sources] of Object.entries(bundle.partials)) {
    const source = pick(sources, variant);
    if (source !== undefined) handlebars.registerPartial(name, handlebars.compile(source, options));
  }
  for (const [name, sources] of Object.entries(bundle.layouts)) {
    const source = pick(sources, variant);
    if (source !== undefined) handlebars.registerPartial(`layouts/${name}`, handlebars.compile(source, options));
  }
  return handlebars;
}

function compileVariant(bundle: TemplateBundle, variant: string): CompiledVariant {
  const parsed = parseTemplateFile(bundle.variants[variant] ?? '');
  const instances = new Map<boolean, typeof Handlebars>();
  const instance = (escape: boolean) => {
    let found = instances.get(escape);
    if (!found) instances.set(escape, (found = handlebarsFor(bundle, variant, escape)));
    return found;
  };
  const cache = new Map<TemplatePart, PartRenderer | null>();
  return {
    parsed,
    part(name) {
      if (!cache.has(name)) {
        const body = parsed.parts[name];
        // Only the HTML part is HTML: escaping "&" in a subject or an SMS would show "&amp;".
        const escape = name === 'email.html';
        const template = body === undefined ? null : instance(escape).compile<RenderContext>(body, { noEscape: !escape });
        cache.set(name, template && ((context, data) => template(context, { data })));
      }
      return cache.get(name) ?? null;
    },
  };
}

/** Compile a template version (a bundle, or a plain template file saved before bundles). */
export function compileTemplate(version: TemplateVersion, options: RendererOptions = {}): CompiledTemplate {
  const bundle = decodeBundle(version.source);
  const defaultLocale = canonicalLocale(options.defaultLocale) ?? 'en';
  const defaultTimezone = validTimeZone(options.defaultTimezone) ?? 'UTC';
  const locales = Object.keys(bundle.variants).filter((tag) => tag !== '');
  const variants = new Map<string, CompiledVariant>();
  const fileOf = (variant: string) => `templates/${version.name}${variant ? `.${variant}` : ''}.hbs`;
  const inliner = createCssInliner(bundle.styles);

  const prepare = (context: RenderContext, choice: RenderChoice | undefined, channel: Channel) => {
    const locale = canonicalLocale(context.locale) ?? canonicalLocale(context.traits.locale) ?? defaultLocale;
    const timezone = validTimeZone(context.timezone) ?? validTimeZone(context.traits.timezone) ?? defaultTimezone;
    const variant = choice?.variant !== undefined && bundle.variants[choice.variant] !== undefined ? choice.variant : chooseVariant(locales, locale);
    let compiled = variants.get(variant);
    if (!compiled) variants.set(variant, (compiled = compileVariant(bundle, variant)));
    const missing = missingParts(compiled.parsed, channel);
    if (missing.length > 0) {
      throw new Error(`Template "${version.name}" (version ${version.hash}) cannot be sent by ${channel}: it has no ${missing.join(', ')} part; add it to ${fileOf(variant)}`);
    }
    const data: RenderData = { locale, timezone, lang: variant || defaultLocale };
    const found = compiled;
    const render = (name: TemplatePart): string | null => {
      const renderer = found.part(name);
      if (!renderer) return null;
      try {
        return renderer(context, data);
      } catch (error) {
        throw new Error(`Template "${version.name}" (version ${version.hash}, ${fileOf(variant)}), part ${name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    };
    return { render, locale: variant || null };
  };
  const oneLine = (text: string | null) => (text ?? '').replace(/\s+/g, ' ').trim();
  return {
    name: version.name,
    hash: version.hash,
    locales,
    email(context, choice) {
      const { render, locale } = prepare(context, choice, 'email');
      const written = render('email.html');
      const html = written === null ? null : inliner.inline(written);
      const text = render('email.text') ?? htmlToText(html ?? '');
      return { subject: oneLine(render('email.subject')), html, text, locale };
    },
    sms(context, choice) {
      const { render, locale } = prepare(context, choice, 'sms');
      // Intl puts no-break spaces in "49,90 €" and "15 gen 2025"; one of them would make the whole SMS UCS-2 (70 chars a part).
      return { text: (render('sms.text') ?? '').replace(/[\u00a0\u2007\u202f]/g, ' ').trim(), locale };
    },
    push(context, choice) {
      const { render, locale } = prepare(context, choice, 'push');
      const optional = (name: TemplatePart) => oneLine(render(name)) || null;
      return { title: oneLine(render('push.title')), body: (render('push.body') ?? '').trim(), url: optional('push.url'), icon: optional('push.icon'), locale };
    },
  };
}

export interface Renderer {
  /** The compiled template version `hash` (of template `name`, for messages); throws TemplateVersionMissingError. */
  load(ref: { name: string; hash: string }): Promise<CompiledTemplate>;
}

/** Compiled template versions a renderer keeps (the least recently used goes first): runs pin a few versions each. */
export const COMPILED_VERSIONS_KEPT = 256;

/** A renderer reading template versions from `store`, caching the last COMPILED_VERSIONS_KEPT compiled versions by hash. */
export function createRenderer(store: Pick<Store, 'getTemplateVersion'>, options: RendererOptions = {}): Renderer {
  const compiled = new Map<string, Promise<CompiledTemplate>>();
  return {
    load(ref) {
      let entry = compiled.get(ref.hash);
      if (entry) {
        // Map order is insertion order: moving a hit to the end keeps the oldest unused first.
        compiled.delete(ref.hash);
        compiled.set(ref.hash, entry);
      } else {
        entry = store.getTemplateVersion(ref.hash).then((version) => {
          if (!version) throw new TemplateVersionMissingError(ref.name, ref.hash);
          return compileTemplate(version, options);
        });
        compiled.set(ref.hash, entry);
        for (const oldest of compiled.keys()) {
          if (compiled.size <= COMPILED_VERSIONS_KEPT) break;
          compiled.delete(oldest);
        }
        // A miss or a database error is not remembered: the next call asks the store again.
        const pending = entry;
        pending.catch(() => {
          if (compiled.get(ref.hash) === pending) compiled.delete(ref.hash);
        });
      }
      return entry;
    },
  };
}
