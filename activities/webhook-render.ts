// Rendering a webhook step's request from the run: the URL, header values and every string of
// the JSON body are Handlebars templates over one context (customer, traits, trigger, journey,
// survey, run, step). Nothing is HTML-escaped; values inserted into the URL are percent-encoded.
import Handlebars from 'handlebars';
import { rawTarget } from './webhook-http';
import type { JsonTemplate } from '../dsl/schema';
import type { WebhookRequest } from './contract';

/** What webhook templates read: `{{customer.id}}`, `{{traits.email}}`, `{{survey.score}}`, `{{run.workflowId}}`... */
export interface WebhookContext {
  customer: { id: string };
  traits: Record<string, unknown>;
  /** The event that started the run; `event` is the same event, as send templates call it. */
  trigger: { id: string; name: string; properties: Record<string, unknown>; timestamp: string };
  event: WebhookContext['trigger'];
  journey: { id: string; version: string };
  /** The run's last survey answer, or null before any survey step. */
  survey: WebhookRequest['survey'];
  run: { workflowId: string; runId: string };
  step: { id: string };
}

export interface RenderedWebhook {
  url: string;
  headers: Record<string, string>;
  /** The JSON text sent (and signed). */
  body: string;
}

/** Thrown for a template that cannot render or renders to something unsendable: retrying cannot help. */
export class WebhookRenderError extends Error {
  override name = 'WebhookRenderError';
}

export function webhookContext(request: WebhookRequest, traits: Record<string, unknown>): WebhookContext {
  const trigger = { id: request.trigger.id, name: request.trigger.name, properties: request.trigger.properties, timestamp: request.trigger.timestamp };
  return {
    customer: { id: request.customerId },
    traits,
    trigger,
    event: trigger,
    journey: { id: request.journeyId, version: request.journeyVersion },
    survey: request.survey,
    run: { workflowId: request.workflowId, runId: request.runId },
    step: { id: request.stepId },
  };
}

const handlebars = Handlebars.create();
/** `{{ a.b.c }}` alone: the JSON value keeps its type (a number stays a number). */
const SINGLE_PATH = /^\{\{\s*([A-Za-z_$][\w$-]*(?:\.[\w$-]+)*)\s*\}\}$/u;

function renderText(template: string, context: unknown, where: string): string {
  try {
    return handlebars.compile(template, { noEscape: true, strict: false })(context);
  } catch (error) {
    throw new WebhookRenderError(`${where}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The value at a dotted path, own properties only. */
function valueAt(context: unknown, path: string): unknown {
  let current: unknown = context;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object' || !Object.prototype.hasOwnProperty.call(current, key)) return undefined;
    current = Reflect.get(current, key);
  }
  return current;
}

function renderJson(template: JsonTemplate, context: WebhookContext, where: string): unknown {
  if (typeof template === 'string') {
    const single = SINGLE_PATH.exec(template);
    if (single?.[1] !== undefined) return valueAt(context, single[1]) ?? null;
    return renderText(template, context, where);
  }
  if (Array.isArray(template)) return template.map((item, i) => renderJson(item, context, `${where}[${i}]`));
  if (template !== null && typeof template === 'object') {
    return Object.fromEntries(Object.entries(template).map(([key, value]) => [key, renderJson(value, context, `${where}.${key}`)]));
  }
  return template;
}

/**
 * Every string in the context percent-encoded: what the URL template inserts. Dots too, so a
 * value never makes a `.` or `..` path segment of its own (`..` → `%2E%2E`, which the request
 * sends as it is: see webhook-http.ts).
 */
function urlEncoded(value: unknown): unknown {
  if (typeof value === 'string') return encodeURIComponent(value).replace(/\./gu, '%2E');
  if (Array.isArray(value)) return value.map(urlEncoded);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, urlEncoded(v)]));
  return value;
}

/** Without a `body`: who, where in which run, why (the trigger) and the last survey answer; no traits (they may be personal). */
function defaultBody(context: WebhookContext): unknown {
  const { customer, journey, step, run, trigger, survey } = context;
  return { customer, journey, step, run, trigger, survey };
}

/** The request the step describes, for this run. Throws WebhookRenderError naming the part. */
export function renderWebhook(request: WebhookRequest, context: WebhookContext): RenderedWebhook {
  const step = `webhook step "${request.stepId}" of journey "${request.journeyId}"`;
  const url = renderText(request.webhook.url, urlEncoded(context), `${step}: url`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new WebhookRenderError(`${step}: url renders to "${url}", which is not a URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new WebhookRenderError(`${step}: url renders to "${url}", which is not http(s)`);
  // The path as rendered, not as WHATWG would normalise it: an encoded `..` from a value stays a segment.
  const target = rawTarget(url);
  if (!target) {
    throw new WebhookRenderError(`${step}: url renders to "${url}": write it as http(s)://host/path, with any credentials in a header (Authorization), not in the URL`);
  }
  const headers: Record<string, string> = {};
  for (const [name, template] of Object.entries(request.webhook.headers ?? {})) {
    const value = renderText(template, context, `${step}: header ${name}`);
    if (/[\r\n\0]/u.test(value)) throw new WebhookRenderError(`${step}: header ${name} renders to a value with a line break; headers are one line`);
    headers[name] = value;
  }
  const body = request.webhook.body === undefined ? defaultBody(context) : renderJson(request.webhook.body, context, `${step}: body`);
  return { url: `${target.origin}${target.path}`, headers, body: JSON.stringify(body) };
}
