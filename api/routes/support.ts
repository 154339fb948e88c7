// The support routes under /v1/customers, /v1/runs, /v1/audit and /v1/reports: the SupportService
// over HTTP for the CLI and scripts, behind support or admin API keys.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { isSupportError } from '../../support/errors';
import type { Actor, SupportService } from '../../support/types';
import { bearerAuth, type ApiKey } from '../auth';
import { HttpError, invalidBody } from '../http-error';
import { AuditQuerySchema, ConsentRequestSchema, ExitRequestSchema, ReportQuerySchema, RunListQuerySchema } from './support-schemas';

export interface SupportRoutesDeps {
  service: SupportService;
  /** Every configured key; only support and admin keys get through. */
  keys: ApiKey[];
}

const SUPPORT_STATUS = { not_found: 404, not_running: 409, invalid: 400, unavailable: 503 } as const;

const LIST_RUNS_HINT = 'List a customer\'s runs with GET /v1/runs?customer=<id> (CLI: `touchpoint runs list --customer <id>`).';

export function supportRoutes(deps: SupportRoutesDeps): (app: FastifyInstance) => Promise<void> {
  const { service } = deps;
  return async (app) => {
    app.addHook('onRequest', bearerAuth(deps.keys, { roles: ['support', 'admin'], purpose: 'read or change customers, runs and the audit log, or read journey reports' }));
    app.setErrorHandler(async (error, _request, reply) => {
      // Service errors become HTTP answers; everything else goes to the server's handler.
      if (!isSupportError(error)) throw error;
      const status = SUPPORT_STATUS[error.code];
      const body = new HttpError(status, error.code, error.message).toBody();
      // Unavailable: try again shortly (the outage's length is unknown; a few seconds is a fair first retry).
      if (status === 503) reply.header('retry-after', '5');
      return reply.code(status).send(body);
    });

    // Wildcards, not `:param`: ids and emails may be longer than a route parameter may be.
    app.get('/v1/customers/*', async (request) => {
      const query = pathId(request, 'customer id, email or phone');
      const view = await service.findCustomer(query);
      if (!view) throw new HttpError(404, 'not_found', `No customer matches "${query}" by id, email or phone. Check the spelling; phones are matched as stored (E.164, e.g. +14155550100).`);
      return view;
    });
    app.post<{ Params: { id: string } }>('/v1/customers/:id/exit-all', async (request) => {
      const { reason } = parse(ExitRequestSchema, request.body, 'exit-all body');
      return { runs: await service.exitAllRuns(request.params.id, { reason, actor: actorOf(request) }) };
    });
    app.post<{ Params: { id: string } }>('/v1/customers/:id/consent', async (request) => {
      const body = parse(ConsentRequestSchema, request.body, 'consent body');
      return service.setChannelConsent(request.params.id, { ...body, actor: actorOf(request) });
    });

    app.get('/v1/runs', async (request) => {
      const q = parse(RunListQuerySchema, request.query, 'run list query');
      return service.listRuns({
        ...(q.customer ? { customerId: q.customer } : {}),
        ...(q.journey ? { journeyId: q.journey } : {}),
        ...(q.status ? { status: q.status } : {}),
        ...(q.pageSize ? { pageSize: q.pageSize } : {}),
        ...(q.pageToken ? { pageToken: q.pageToken } : {}),
      });
    });
    app.get('/v1/runs/*', async (request) => {
      const workflowId = pathId(request, 'run id');
      const run = await service.getRun(workflowId);
      if (!run) throw new HttpError(404, 'not_found', `No journey run with id "${workflowId}". ${LIST_RUNS_HINT}`);
      return run;
    });
    app.post('/v1/runs/*', async (request) => {
      // The only action on a run is /exit; the id before it is URL-encoded (slashes as %2F).
      const path = pathId(request, 'run id');
      if (!path.endsWith('/exit')) throw new HttpError(404, 'not_found', `No route POST /v1/runs/${path}; to exit a run, POST /v1/runs/<encoded workflow id>/exit.`);
      const { reason } = parse(ExitRequestSchema, request.body, 'exit body');
      return service.exitRun(path.slice(0, -'/exit'.length), { reason, actor: actorOf(request) });
    });

    app.get('/v1/audit', async (request) => {
      const q = parse(AuditQuerySchema, request.query, 'audit query');
      return { entries: await service.auditLog({ ...(q.target ? { target: q.target } : {}), ...(q.limit ? { limit: q.limit } : {}) }) };
    });

    app.get<{ Params: { journeyId: string } }>('/v1/reports/journeys/:journeyId', async (request) => {
      const q = parse(ReportQuerySchema, request.query, 'report query');
      return service.journeyReport({
        journeyId: request.params.journeyId,
        ...(q.since ? { since: q.since } : {}),
        ...(q.until ? { until: q.until } : {}),
        ...(q.version ? { version: q.version } : {}),
        ...(q.bucket ? { bucket: q.bucket } : {}),
      });
    });
  };
}

/** Temporal refuses longer workflow ids; no customer id, email or phone is this long either. */
const MAX_PATH_ID = 1000;

/** The wildcard part of the path as an id: empty or overlong is a 400 here, not a failed lookup. */
function pathId(request: FastifyRequest, what: string): string {
  const id = wildcard(request);
  if (id === '' || id.length > MAX_PATH_ID) {
    throw new HttpError(400, 'invalid_request', `The ${what} in the path is ${id === '' ? 'missing' : `longer than ${MAX_PATH_ID} characters`}. ${LIST_RUNS_HINT}`);
  }
  return id;
}

/** The decoded rest of the path after the route's `*`. */
function wildcard(request: FastifyRequest): string {
  const params = request.params;
  const value = typeof params === 'object' && params !== null && '*' in params ? params['*'] : '';
  return typeof value === 'string' ? value : '';
}

function actorOf(request: FastifyRequest): Actor {
  // bearerAuth ran first and set the key; without it the hook would have answered 401.
  if (!request.apiKey) throw new HttpError(401, 'unauthorized', 'No API key.');
  return { name: request.apiKey.name, role: request.apiKey.role };
}

function parse<T extends z.ZodType>(schema: T, input: unknown, what: string): z.output<T> {
  const parsed = schema.safeParse(input ?? {});
  if (!parsed.success) throw invalidBody(parsed.error, what);
  return parsed.data;
}
