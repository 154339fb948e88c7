// The personal-data routes: export everything stored about a customer (support or admin key) and
// erase it (admin key only: it cannot be undone). Ids travel in the query or body, never the path,
// so any id (slashes, 1,000 characters) is named exactly.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { isSupportError } from '../../support/errors';
import type { PrivacyService } from '../../privacy/service';
import { bearerAuth, type ApiKey } from '../auth';
import { HttpError, invalidBody } from '../http-error';

export interface PrivacyRoutesDeps {
  service: PrivacyService;
  keys: ApiKey[];
}

const customer = z
  .string({ error: 'customer is required: the customer id (userId) whose data this is' })
  .min(1, 'customer is required: the customer id (userId) whose data this is')
  .max(1000, 'customer is at most 1000 characters')
  .meta({ description: 'The customer id (the userId your systems send).' });

export const ExportQuerySchema = z.object({ customer });
export const EraseRequestSchema = z.object({
  customer,
  reason: z
    .string({ error: 'reason is required: say why (e.g. the request\'s ticket), it goes to the audit log' })
    .trim()
    .min(1, 'reason is required: say why (e.g. the request\'s ticket), it goes to the audit log')
    .max(500, 'reason is at most 500 characters'),
});

export function privacyRoutes(deps: PrivacyRoutesDeps): (app: FastifyInstance) => Promise<void> {
  return async (app) => {
    app.setErrorHandler(async (error, _request, reply) => {
      if (!isSupportError(error)) throw error;
      const status = error.code === 'not_found' ? 404 : 400;
      return reply.code(status).send(new HttpError(status, error.code, error.message).toBody());
    });
    app.get('/v1/privacy/export', { onRequest: bearerAuth(deps.keys, { roles: ['support', 'admin'], purpose: 'export a customer\'s data' }) }, async (request) => {
      const parsed = ExportQuerySchema.safeParse(request.query ?? {});
      if (!parsed.success) throw invalidBody(parsed.error, 'export query');
      return deps.service.exportCustomer(parsed.data.customer);
    });
    app.post('/v1/privacy/erase', { onRequest: bearerAuth(deps.keys, { roles: ['admin'], purpose: 'erase a customer\'s data' }) }, async (request) => {
      const parsed = EraseRequestSchema.safeParse(request.body ?? {});
      if (!parsed.success) throw invalidBody(parsed.error, 'erase body');
      const key = request.apiKey;
      if (!key) throw new HttpError(401, 'unauthorized', 'No API key.');
      return deps.service.eraseCustomer(parsed.data.customer, { reason: parsed.data.reason, actor: { name: key.name, role: key.role } });
    });
  };
}
