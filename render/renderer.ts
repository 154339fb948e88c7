// Rendering a pinned template version (by content hash) for one customer: email, SMS or push
// parts, HTML escaped, plain-text parts not, compiled once per version and cached in memory.
import Handlebars from 'handlebars';
import type { Channel } from '../dsl/schema';
import type { Store, TemplateVersion } from '../store/types';
import { htmlToText } from './html-to-text';
import { missingParts, parseTemplateFile, type TemplatePart } from './template-file';

/** What a template can read: `{{customer.id}}`, `{{traits.first_name}}`, `{{event.properties.total}}`, `{{journey.id}}`. */
export interface RenderContext {
  customer: { id: string };
  traits: Record<string, unknown>;
  /** The event that started the run. */
  event: { name: string; properties: Record<string, unknown>; timestamp: string };
  journey: { id: string };
}

export interface RenderedEmail {
  subject: string;
  /** Null when the template has only a text part. */
  html: string | null;
  /** The email.text part, or a plain-text version of the HTML when there is none. */
  text: string;
}
export interface RenderedSms {
  text: string;
}
export interface RenderedPush {
  title: string;
  body: string;
  url: string | null;
  icon: string | null;
}

/** One template version, compiled. */
export interface CompiledTemplate {
  name: string;
  hash: string;
  email(context: RenderContext): RenderedEmail;
  sms(context: RenderContext): RenderedSms;
  push(context: RenderContext): RenderedPush;
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

type PartRenderer = (context: RenderContext) => string;

/** Compile a template version's parts with a private Handlebars instance. */
export function compileTemplate(version: TemplateVersion): CompiledTemplate {
  const handlebars = Handlebars.create();
  const parsed = parseTemplateFile(version.source);
  const cache = new Map<TemplatePart, PartRenderer | null>();
  const part = (name: TemplatePart): PartRenderer | null => {
    if (!cache.has(name)) {
      const body = parsed.parts[name];
      // Only the HTML part is HTML: escaping "&" in a subject or an SMS would show "&amp;".
      cache.set(name, body === undefined ? null : handlebars.compile<RenderContext>(body, { noEscape: name !== 'email.html' }));
    }
    return cache.get(name) ?? null;
  };
  const need = (channel: Channel) => {
    const missing = missingParts(parsed, channel);
    if (missing.length > 0) {
      throw new Error(`Template "${version.name}" (version ${version.hash}) cannot be sent by ${channel}: it has no ${missing.join(', ')} part; add it to templates/${version.name}.hbs`);
    }
  };
  const render = (name: TemplatePart, context: RenderContext): string | null => {
    const renderer = part(name);
    if (!renderer) return null;
    try {
      return renderer(context);
    } catch (error) {
      throw new Error(`Template "${version.name}" (version ${version.hash}), part ${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const oneLine = (text: string | null) => (text ?? '').replace(/\s+/g, ' ').trim();
  return {
    name: version.name,
    hash: version.hash,
    email(context) {
      need('email');
      const html = render('email.html', context);
      const text = render('email.text', context) ?? htmlToText(html ?? '');
      return { subject: oneLine(render('email.subject', context)), html, text };
    },
    sms(context) {
      need('sms');
      return { text: (render('sms.text', context) ?? '').trim() };
    },
    push(context) {
      need('push');
      const optional = (name: TemplatePart) => oneLine(render(name, context)) || null;
      return { title: oneLine(render('push.title', context)), body: (render('push.body', context) ?? '').trim(), url: optional('push.url'), icon: optional('push.icon') };
    },
  };
}

export interface Renderer {
  /** The compiled template version `hash` (of template `name`, for messages); throws TemplateVersionMissingError. */
  load(ref: { name: string; hash: string }): Promise<CompiledTemplate>;
}

/** A renderer reading template versions from `store`, caching compiled versions by hash. */
export function createRenderer(store: Pick<Store, 'getTemplateVersion'>): Renderer {
  const compiled = new Map<string, Promise<CompiledTemplate>>();
  return {
    load(ref) {
      let entry = compiled.get(ref.hash);
      if (!entry) {
        entry = store.getTemplateVersion(ref.hash).then((version) => {
          if (!version) throw new TemplateVersionMissingError(ref.name, ref.hash);
          return compileTemplate(version);
        });
        compiled.set(ref.hash, entry);
        // A miss or a database error is not remembered: the next call asks the store again.
        entry.catch(() => compiled.delete(ref.hash));
      }
      return entry;
    },
  };
}
