// The callWebhook activity: one signed JSON request per attempt to the endpoint a webhook step
// names. Temporal's retries are the attempts: 5xx, 429, 408 and no answer throw a retryable
// failure until the step's `attempts`; 2xx, another 4xx or the last attempt end in an outcome.
// Every attempt is in webhook_calls; a call key already done returns its outcome, uncalled.
import { performance } from 'node:perf_hooks';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { durationMs } from '../dsl/duration';
import { WEBHOOK_DEFAULTS } from '../dsl/webhook-defaults';
import { createGuardedAgents, type GuardedAgents } from '../net/agents';
import { publicOnly, TargetRefusedError, urlRefusal, type TargetPolicy } from '../net/targets';
import type { Store, WebhookCall } from '../store/types';
import { SIGNATURE_HEADER, signWebhook } from '../webhooks/signature';
import type { ActivityDeps, JourneyActivities, WebhookOutcome, WebhookRequest } from './contract';
import { progressOf, recordGivenProgress } from './record-progress';
import { exchange } from './webhook-http';
import { renderWebhook, webhookContext, WebhookRenderError } from './webhook-render';

export const WEBHOOK_USER_AGENT = 'Touchpoint-Webhook/1';
const EXCERPT = 2000;
/** A Retry-After longer than this is not waited for in one go: Temporal's backoff takes over. */
const MAX_RETRY_AFTER_S = 300;

export interface CallWebhookDeps {
  store: Store;
  /** Where `secret_env` names are looked up. @default process.env */
  webhookSecrets?: ActivityDeps['webhookSecrets'];
  /** The clock attempts are recorded at. @default () => new Date() */
  now?: () => Date;
  /** Internal receivers allowed (WEBHOOK_ALLOWED_INTERNAL_TARGETS). @default public addresses only */
  webhookTargets?: TargetPolicy;
}

export function outcomeOfCall(call: WebhookCall): WebhookOutcome {
  return { ok: call.ok, status: call.status, attempts: call.attempts, detail: call.detail };
}

/** What one attempt got: an HTTP answer, or none (timeout, refused, DNS...). */
type Answer = { status: number; excerpt: string; ms: number } | { status: null; excerpt: null; why: string; refused?: boolean };

export function createCallWebhook(deps: CallWebhookDeps): JourneyActivities['callWebhook'] {
  const secrets = deps.webhookSecrets ?? process.env;
  const clock = deps.now ?? (() => new Date());
  // Every connection is checked (after DNS, or a literal address before connecting): public
  // receivers, plus the internal ones WEBHOOK_ALLOWED_INTERNAL_TARGETS names.
  const policy = deps.webhookTargets ?? publicOnly('WEBHOOK_ALLOWED_INTERNAL_TARGETS');
  const agents = createGuardedAgents(policy);
  return async function callWebhook(request) {
    const { store } = deps;
    await recordGivenProgress(store, progressOf(request, request.progress));
    const previous = await store.getWebhookCall(request.callKey);
    if (previous?.done) return outcomeOfCall(previous);

    const context = Context.current();
    const attempt = context.info.attempt;
    const attempts = request.webhook.attempts ?? WEBHOOK_DEFAULTS.attempts;
    const method = request.webhook.method ?? WEBHOOK_DEFAULTS.method;
    const step = `Webhook step "${request.stepId}" of journey "${request.journeyId}"`;
    const record = async (url: string, fields: { status: number | null; ok: boolean; done: boolean; detail: string; responseExcerpt: string | null }, attemptNo = attempt) =>
      store.recordWebhookAttempt({
        callKey: request.callKey, workflowId: request.workflowId, runId: request.runId, journeyId: request.journeyId,
        stepId: request.stepId, customerId: request.customerId, url, method, at: clock().toISOString(), attempt: attemptNo, ...fields,
      });
    // Nothing was sent: attempt 0, a final failure the step records.
    const refuse = async (url: string, detail: string) => outcomeOfCall(await record(url, { status: null, ok: false, done: true, detail, responseExcerpt: null }, 0));

    const secretName = request.webhook.secret_env ?? WEBHOOK_DEFAULTS.secret_env;
    const secret = secrets[secretName];
    if (!secret) {
      return refuse(
        request.webhook.url,
        `${step} was not called: ${secretName} is not set, and every call is signed with it. Set ${secretName} in the worker's ` +
          `environment (e.g. ${secretName}=$(openssl rand -hex 32)), give the receiver the same value, and restart the worker.`,
      );
    }
    let rendered;
    try {
      const contact = await store.getContact(request.customerId);
      rendered = renderWebhook(request, webhookContext(request, contact?.traits ?? {}));
    } catch (error) {
      if (error instanceof WebhookRenderError) return refuse(request.webhook.url, `${error.message}; fix the journey.`);
      throw error;
    }

    const where = urlRefusal(policy, new URL(rendered.url));
    if (where) return refuse(rendered.url, `${step} was not called: ${where}.`);

    const headers = new Headers(rendered.headers);
    headers.set('Content-Type', 'application/json');
    headers.set('User-Agent', WEBHOOK_USER_AGENT);
    headers.set('Idempotency-Key', request.callKey);
    headers.set(SIGNATURE_HEADER, signWebhook(secret, rendered.body));
    const timeout = request.webhook.timeout ?? WEBHOOK_DEFAULTS.timeout;
    const host = new URL(rendered.url).host;
    const answer = await send(agents, rendered.url, { method, headers, body: rendered.body }, durationMs(timeout), context.cancellationSignal, timeout);
    if (answer.status === null && answer.refused) return refuse(rendered.url, `${step} was not called: ${answer.why}.`);

    const retryable = answer.status === null || answer.status >= 500 || answer.status === 429 || answer.status === 408;
    const ok = answer.status !== null && answer.status >= 200 && answer.status < 300;
    const heard = answer.status === null ? answer.why.replace('{host}', host) : `HTTP ${answer.status} from ${host} in ${answer.ms} ms`;
    const said = answer.excerpt ? `: ${oneLine(answer.excerpt)}` : '';
    if (ok) return outcomeOfCall(await record(rendered.url, { status: answer.status, ok, done: true, detail: `${heard}${attempt > 1 ? ` (attempt ${attempt})` : ''}`, responseExcerpt: answer.excerpt }));
    if (!retryable) {
      const detail = `${heard}${said}. Not retried: a ${answer.status} means the request itself must change (URL, headers, body or the receiver's secret).`;
      return outcomeOfCall(await record(rendered.url, { status: answer.status, ok, done: true, detail, responseExcerpt: answer.excerpt }));
    }
    if (attempt >= attempts) {
      const detail = `${heard}${said}; gave up after ${attempt} attempt${attempt === 1 ? '' : 's'} (attempts: ${attempts}).`;
      return outcomeOfCall(await record(rendered.url, { status: answer.status, ok, done: true, detail, responseExcerpt: answer.excerpt }));
    }
    await record(rendered.url, { status: answer.status, ok, done: false, detail: `${heard}${said}; attempt ${attempt} of ${attempts}, will retry.`, responseExcerpt: answer.excerpt });
    throw ApplicationFailure.create({
      message: `${step}: ${heard}${said} (attempt ${attempt} of ${attempts})`,
      type: 'WebhookUnavailable',
      ...(answer.status !== null && answer.retryAfterS !== undefined ? { nextRetryDelay: `${answer.retryAfterS}s` } : {}),
    });
  };
}

/** One HTTP request under a per-attempt timeout, through the guarded agents; never throws for the receiver's failures. */
async function send(agents: GuardedAgents, url: string, init: { method: string; headers: Headers; body: string }, timeoutMs: number, cancel: AbortSignal, timeout: string): Promise<Answer & { retryAfterS?: number }> {
  const started = performance.now();
  const timer = AbortSignal.timeout(timeoutMs);
  const signal = AbortSignal.any([timer, cancel]);
  try {
    // Redirects are not followed (node:http never does): a signed body must not travel to a host the journey does not name.
    // Not fetch: it would normalise an encoded `..` segment away (webhook-http.ts).
    const response = await exchange(url, { method: init.method, headers: Object.fromEntries(init.headers), body: init.body, signal, maxBytes: EXCERPT * 4, agents });
    const retryAfter = Number(response.headers['retry-after']);
    return {
      status: response.status,
      excerpt: response.text.slice(0, EXCERPT),
      ms: Math.round(performance.now() - started),
      ...(Number.isInteger(retryAfter) && retryAfter > 0 ? { retryAfterS: Math.min(retryAfter, MAX_RETRY_AFTER_S) } : {}),
    };
  } catch (error) {
    // Cancelled by Temporal (the run ended): not the receiver's failure, nothing to record.
    if (cancel.aborted) throw error;
    if (error instanceof TargetRefusedError) return { status: null, excerpt: null, why: error.message, refused: true };
    if (timer.aborted) return { status: null, excerpt: null, why: `no answer from {host} within ${timeout}` };
    return { status: null, excerpt: null, why: `could not reach {host}: ${networkReason(error)}` };
  }
}

/** A string property of a thrown value. Not `instanceof`: errors may come from another realm. */
function field(value: unknown, name: string): string | undefined {
  const found: unknown = value !== null && typeof value === 'object' ? Reflect.get(value, name) : undefined;
  return typeof found === 'string' ? found : undefined;
}

/** "ECONNREFUSED connect ECONNREFUSED 127.0.0.1:9" → the error's (or its cause's) code and message, once. */
function networkReason(error: unknown): string {
  const cause: unknown = error !== null && typeof error === 'object' ? (Reflect.get(error, 'cause') ?? error) : undefined;
  const code = field(cause, 'code');
  const message = field(cause, 'message') ?? field(error, 'message') ?? String(error);
  return code !== undefined && !message.includes(code) ? `${code} ${message}` : message;
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/gu, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
