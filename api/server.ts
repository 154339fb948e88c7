// createApiServer: the Fastify app for order systems — identify / track / batch behind API
// keys, plus the public /healthz and /openapi.json. The caller decides where it listens.
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Router } from '../routing/router';
import type { Store } from '../store/types';
import { bearerAuth, type ApiKey } from './auth';
import { installErrorHandling } from './error-handler';
import { formatPath, HttpError, invalidBody } from './http-error';
import { ingest, ingestBatch, toLoggedEvent } from './ingest';
import { openApiDocument } from './openapi';
import { findUnstorable } from './storable-input';
import { BatchRequestSchema, IdentifyRequestSchema, TrackRequestSchema, type BatchResult, type EventResult, type Health } from './schemas';

export interface ApiServerDeps {
  store: Store;
  router: Router;
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
}

export function createApiServer(deps: ApiServerDeps): FastifyInstance {
  const bodyLimit = deps.bodyLimitBytes ?? 512 * 1024;
  const log = deps.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const app = Fastify({
    bodyLimit,
    logger: false,
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

  app.register(async (v1) => {
    v1.addHook('onRequest', bearerAuth(deps.apiKeys, { roles: ['ingest', 'admin'], purpose: 'send events (identify, track, batch)' }));
    const now = () => new Date().toISOString();
    v1.post('/v1/identify', async (request): Promise<EventResult> => {
      const body = parse(IdentifyRequestSchema, request, 'identify body');
      return ingest(deps, toLoggedEvent({ ...body, type: 'identify' }, now()));
    });
    v1.post('/v1/track', async (request): Promise<EventResult> => {
      const body = parse(TrackRequestSchema, request, 'track body');
      return ingest(deps, toLoggedEvent({ ...body, type: 'track' }, now()));
    });
    v1.post('/v1/batch', async (request): Promise<BatchResult> => {
      // Every item is validated before the first is written: a bad batch changes nothing.
      const { batch } = parse(BatchRequestSchema, request, 'batch body');
      const receivedAt = now();
      return { results: await ingestBatch(deps, batch.map((item) => toLoggedEvent(item, receivedAt))) };
    });
  });
  for (const plugin of deps.plugins ?? []) app.register(plugin);
  return app;
}

function refuseUnstorable(request: FastifyRequest): void {
  for (const [where, value] of [['body', request.body], ['query', request.query], ['path', request.params]] as const) {
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
