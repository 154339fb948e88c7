// createApiServer: the Fastify app for order systems — the Segment calls (identify, track, page,
// screen, alias, group, batch) behind API keys (Segment's libraries included: see segment.ts),
// plus the public /healthz and /openapi.json. The caller decides where it listens.
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Router } from '../routing/router';
import type { Store } from '../store/types';
import { bearerAuth, keyMatcher, SENDER_ROLES, type ApiKey } from './auth';
import { authFailuresFor } from './auth-failures';
import { browserKeyRefusal, refuseForBrowserKey } from './browser-key';
import { installErrorHandling } from './error-handler';
import { formatPath, HttpError, invalidBody, issuesOf } from './http-error';
import type { LoggedEventInput } from '../store/types';
import type { RoutingBacklog } from '../routing/backlog';
import { anyPending, ingest, ingestBatch, toLoggedEvent, type IngestCall } from './ingest';
import { withTraitWarnings } from './trait-warning-answer';
import { openApiDocument } from './openapi';
import { acceptTextPlainJson, registerSegmentCors, registerSegmentSettings, segmentShortPath } from './segment';
import { findUnstorable, MAX_NESTING } from './storable-input';
import {
  AliasRequestSchema,
  BatchEnvelopeSchema,
  BatchItemSchema,
  GroupRequestSchema,
  IdentifyRequestSchema,
  PageRequestSchema,
  ScreenRequestSchema,
  TrackRequestSchema,
  type BatchResult,
  type EventResult,
  type Health,
  type RefusedItem,
} from './schemas';

export interface ApiServerDeps {
  store: Store;
  router: Router;
  /** Events that cannot be routed now (Temporal unreachable) wait here and are answered 202. @default none: a 503 */
  backlog?: RoutingBacklog;
  /**
   * Accepted bearer keys; none means every /v1 request is refused. A plain string is an admin
   * key; ingest routes take ingest and admin keys.
   */
  apiKeys: Array<string | ApiKey>;
  /** Status of each dependency: "ok", or why it is down (e.g. `{ temporal: 'ok', database: 'down: …' }`). */
  health: () => Promise<Record<string, string>>;
  /** Largest accepted body. @default 524288 (512 KiB) */
  bodyLimitBytes?: number;
  /** Where 5xx details go. @default a line on stderr */
  log?: (line: string) => void;
  /**
   * Feature routes (channel webhooks, push subscriptions, unsubscribe pages), each registered
   * as its own encapsulated plugin after the core routes. @default []
   */
  plugins?: Array<(app: FastifyInstance) => Promise<void>>;
  /**
   * Secret of identity verification (TOUCHPOINT_IDENTITY_SECRET): a browser key's call with a userId
   * needs `context.userHash` = hex HMAC-SHA256 of the userId under it. @default none: browser keys send anonymous calls only
   */
  identitySecret?: string;
  /** Touchpoint's address as browsers reach it (PUBLIC_URL), for analytics.js's settings. @default each request's protocol and Host */
  publicUrl?: string;
  /** The zone local times use when a `timezone` trait is not an IANA zone (DEFAULT_TIMEZONE), named in answers' warnings. @default 'UTC' */
  defaultTimezone?: string;
}

export function createApiServer(deps: ApiServerDeps): FastifyInstance {
  const bodyLimit = deps.bodyLimitBytes ?? 512 * 1024;
  const log = deps.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const app = Fastify({
    bodyLimit,
    logger: false,
    // analytics.js posts to /v1/t, /v1/i, …, /v1/b: the same routes as /v1/track, /v1/identify, /v1/batch.
    rewriteUrl: (request) => segmentShortPath(request.url ?? '/'),
    // Ids travel in paths (customers, runs, message keys: a UUID user id in a run id, percent-encoded
    // twice, is far over find-my-way's default of 100 characters, which answered 414). No route has a
    // regex parameter, so a long one costs nothing; Node's 16 KiB header limit bounds the URL anyway.
    routerOptions: { maxParamLength: 16 * 1024 },
    // Errors Fastify answers before routing (a malformed percent-encoding, an over-long path parameter) in our error shape.
    frameworkErrors: (error, _request, reply) => {
      const status = error.statusCode ?? 400;
      const hint = error.code === 'FST_ERR_BAD_URL' ? ': percent-encode each path segment as UTF-8' : '';
      const body = new HttpError(status, status < 500 ? 'bad_url' : 'internal', `${error.message}${hint}.`).toBody();
      reply.raw.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
    },
  });
  // Only JSON is accepted: a text/plain body gets 415, not a confusing validation error.
  app.removeContentTypeParser('text/plain');
  installErrorHandling(app, bodyLimit, log);
  // Every route, plugins included: text the database cannot store is a 400, never a 5xx.
  app.addHook('preHandler', async (request) => refuseUnstorable(request));

  const document = openApiDocument();
  app.get('/openapi.json', async () => document);
  app.get('/healthz', async (_request, reply) => {
    const checks = await deps.health().catch((error: unknown) => ({ health: `down: ${error instanceof Error ? error.message : String(error)}` }));
    const down = Object.entries(checks).filter(([, state]) => state !== 'ok');
    const body: Health = down.length === 0
      ? { status: 'ok', ...checks }
      : { status: 'unavailable', message: down.map(([name, state]) => `${name} is ${state}`).join('; '), ...checks };
    return reply.code(down.length === 0 ? 200 : 503).send(body);
  });

  registerSegmentCors(app);
  const matchKey = keyMatcher(deps.apiKeys);
  registerSegmentSettings(app, {
    ...(deps.publicUrl ? { publicUrl: deps.publicUrl } : {}),
    mayLoad: (writeKey) => SENDER_ROLES.some((role) => role === matchKey(writeKey)?.role),
    failures: authFailuresFor(deps.apiKeys),
  });
  app.register(async (v1) => {
    acceptTextPlainJson(v1);
    v1.addHook('onRequest', bearerAuth(deps.apiKeys, { roles: SENDER_ROLES, purpose: 'send events (identify, track, page, screen, alias, group, batch)' }));
    v1.addHook('preHandler', async (request) => {
      // A batch's items are checked one by one in its route (a refused item refuses only itself).
      if (request.apiKey?.role !== 'browser' || request.routeOptions.url === '/v1/batch') return;
      refuseForBrowserKey(request.body, deps.identitySecret);
    });
    const now = () => new Date().toISOString();
    const zone = deps.defaultTimezone ?? 'UTC';
    const ingestDeps = { store: deps.store, router: deps.router, log, ...(deps.backlog ? { backlog: deps.backlog } : {}) };
    // 202 when an event is logged but waits for Temporal (`pending`), 200 when it is routed.
    // Each single route takes its call type's body (`type` optional) and ingests it as a batch of one.
    const single = (type: IngestCall['type'], schema: z.ZodType) =>
      v1.post(`/v1/${type}`, async (request, reply): Promise<EventResult> => {
        const body = parse(schema, request, `${type} body`) as Record<string, unknown>;
        const event = toLoggedEvent(BatchItemSchema.parse({ ...body, type }), now());
        const result = withTraitWarnings(await ingest(ingestDeps, event), event, zone);
        if (anyPending([result])) reply.code(202);
        return result;
      });
    single('identify', IdentifyRequestSchema);
    single('track', TrackRequestSchema);
    single('page', PageRequestSchema);
    single('screen', ScreenRequestSchema);
    single('alias', AliasRequestSchema);
    single('group', GroupRequestSchema);
    v1.post('/v1/batch', async (request, reply): Promise<BatchResult> => {
      // Each item on its own: the valid ones are stored and routed, each invalid one is refused
      // with its reason in its place in `results` (never dropped silently). Still a 200: Segment's
      // libraries retry only 5xx and 429, and a refused item would fail the same way again.
      const { batch, sentAt } = parse(BatchEnvelopeSchema, request, 'batch body');
      const receivedAt = now();
      const results: BatchResult['results'] = [];
      const accepted: Array<{ index: number; event: LoggedEventInput }> = [];
      batch.forEach((item, index) => {
        const refused = refuseItem(item, index) ?? (request.apiKey?.role === 'browser' ? refusedForBrowser(item, index, deps.identitySecret) : null);
        if (refused) {
          log(`ingest: batch item ${index} (messageId ${refused.messageId ?? 'none'}) refused: ${refused.error.message}`);
          results[index] = refused;
        } else accepted.push({ index, event: toLoggedEvent(BatchItemSchema.parse(item), receivedAt, sentAt) });
      });
      const answers = await ingestBatch(ingestDeps, accepted.map(({ event }) => event));
      accepted.forEach(({ index, event }, i) => (results[index] = withTraitWarnings(answers[i]!, event, zone, ['batch', index])));
      if (anyPending(answers)) reply.code(202);
      return { results };
    });
  });
  for (const plugin of deps.plugins ?? []) app.register(plugin);
  return app;
}

/** Why a batch item cannot be stored, or null when it can. */
function refuseItem(item: unknown, index: number): RefusedItem | null {
  const messageId = messageIdOf(item);
  // Nesting counts from the body: { batch: [ item ] } adds two levels.
  const unstorable = findUnstorable(item, MAX_NESTING - 2);
  if (unstorable) {
    const issue = { path: unstorable.path, message: unstorable.message, code: 'unstorable_value' };
    return { index, messageId, refused: true, error: { code: 'unstorable_value', message: `Refused ${formatPath([`batch[${index}]`, ...unstorable.path])}: ${unstorable.message}; this item was not stored.`, issues: [issue] } };
  }
  const parsed = BatchItemSchema.safeParse(item);
  if (parsed.success) return null;
  const issues = issuesOf(parsed.error);
  const shown = issues.slice(0, 3).map((issue) => `${formatPath([`batch[${index}]`, ...issue.path])}: ${issue.message}`);
  const more = issues.length > 3 ? ` (and ${issues.length - 3} more in "issues")` : '';
  return { index, messageId, refused: true, error: { code: 'invalid_item', message: `Refused ${shown.join('; ')}${more}; this item was not stored.`, issues } };
}

/** A batch item a browser key may not send, as a refusal in its place (api/browser-key.ts says why). */
function refusedForBrowser(item: unknown, index: number, identitySecret: string | undefined): RefusedItem | null {
  const error = browserKeyRefusal(item, index, identitySecret);
  if (!error) return null;
  const messageId = messageIdOf(item);
  const issues = (error.issues ?? []).map((issue) => ({ ...issue, path: issue.path.slice(2) }));
  return { index, messageId, refused: true, error: { code: error.code, message: `Refused ${error.message}; this item was not stored.`, issues } };
}

/** A refused item's messageId when it has a usable one (a refusal names it back to the sender). */
function messageIdOf(item: unknown): string | null {
  return isRecord(item) && typeof item.messageId === 'string' && item.messageId !== '' ? item.messageId : null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function refuseUnstorable(request: FastifyRequest): void {
  // A batch's items are checked one by one in the route, so one bad item refuses only itself.
  const body = request.routeOptions.url === '/v1/batch' && isRecord(request.body) && Array.isArray(request.body.batch) ? { ...request.body, batch: [] } : request.body;
  for (const [where, value] of [['body', body], ['query', request.query], ['path', request.params]] as const) {
    const found = findUnstorable(value);
    if (found) {
      const issue = { path: found.path, message: found.message, code: 'unstorable_value' };
      throw new HttpError(400, 'invalid_request', `Invalid request ${where}: ${formatPath(found.path)}: ${found.message}.`, [issue]);
    }
  }
}

function parse<T extends z.ZodType>(schema: T, request: FastifyRequest, what: string): z.output<T> {
  const parsed = schema.safeParse(request.body);
  if (!parsed.success) throw invalidBody(parsed.error, what);
  return parsed.data;
}
