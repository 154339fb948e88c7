// The OpenAPI 3.1 document served at GET /openapi.json, generated from the zod schemas in
// schemas.ts so the document and the validation can never disagree.
import { z } from 'zod';
import { RoutedRunSchema } from '../routing/result';
import * as s from './schemas';
import { PushSubscriptionRequestSchema, PushUnsubscribeRequestSchema } from './routes/push-schemas';
import * as support from './routes/support-schemas';
import { supportPaths } from './openapi-support';
import { reportPaths } from './openapi-reports';
import { JourneyReportSchema } from '../analytics/report-schema';

const components = [
  ['IdentifyRequest', s.IdentifyRequestSchema],
  ['TrackRequest', s.TrackRequestSchema],
  ['BatchRequest', s.BatchRequestSchema],
  ['EventResult', s.EventResultSchema],
  ['BatchResult', s.BatchResultSchema],
  ['RoutedRun', RoutedRunSchema],
  ['Error', s.ErrorBodySchema],
  ['Health', s.HealthSchema],
  ['PushSubscriptionRequest', PushSubscriptionRequestSchema],
  ['PushUnsubscribeRequest', PushUnsubscribeRequestSchema],
  ['CustomerView', support.CustomerViewSchema],
  ['RunSummary', support.RunSummarySchema],
  ['RunDetail', support.RunDetailSchema],
  ['RunPage', support.RunPageSchema],
  ['ExitRequest', support.ExitRequestSchema],
  ['ExitAllResult', support.ExitAllResultSchema],
  ['ConsentRequest', support.ConsentRequestSchema],
  ['AuditList', support.AuditListSchema],
  ['JourneyReport', JourneyReportSchema],
] as const;

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const json = (id: string, description: string) => ({ description, content: { 'application/json': { schema: ref(id) } } });
const errors = (...codes: number[]) => {
  const text: Record<number, string> = {
    400: 'Invalid JSON or body (every issue listed, with its path).',
    401: 'Missing or invalid API key.',
    403: 'The API key\'s role may not use this route (the message names the role needed).',
    404: 'No customer, run or journey with that id (the message says how to find one).',
    409: 'The run is not running, so there is nothing to exit.',
    413: 'Body larger than the limit.',
    415: 'Content-Type is not application/json.',
    503: 'The database or Temporal is unavailable (the message names which); retry later (events: with the same messageId).',
  };
  return Object.fromEntries(codes.map((code) => [String(code), json('Error', text[code] ?? 'Error.')]));
};
const ingestRoute = (summary: string, request: string, result: string) => ({
  post: {
    summary,
    requestBody: { required: true, ...json(request, summary) },
    responses: {
      '200': json(result, 'Logged and routed (or answered from the log when `duplicate`).'),
      '202': json(result, 'Logged; Temporal is unreachable, so the events marked `pending` are routed in order once it is back. Do not resend.'),
      ...errors(400, 401, 413, 415, 503),
    },
  },
});

/** Build the document (once per server). */
export function openApiDocument(): Record<string, unknown> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of components) registry.add(schema, { id });
  const generated = z.toJSONSchema(registry, { io: 'input', uri: (id) => `#/components/schemas/${id}` });
  const schemas = Object.fromEntries(
    Object.entries(generated.schemas).map(([id, { $schema: _schema, $id: _id, ...schema }]) => [id, schema]),
  );
  return {
    openapi: '3.1.0',
    info: {
      title: 'Touchpoint API',
      version: '1.0.0',
      description:
        'Send customer events in the Segment Spec shape. Every event needs a unique `messageId`: a retry with the same id ' +
        'is answered from the event log and never starts a journey or sends a message twice. Errors are `{ error: { code, message, issues? } }`.',
    },
    security: [{ bearerAuth: [] }],
    paths: {
      '/v1/identify': ingestRoute('Create or update a customer and its traits', 'IdentifyRequest', 'EventResult'),
      '/v1/track': ingestRoute('Record a customer event; starts and advances journeys', 'TrackRequest', 'EventResult'),
      '/v1/batch': ingestRoute(`Up to ${s.MAX_BATCH} identify/track events in one call`, 'BatchRequest', 'BatchResult'),
      '/v1/push-subscriptions': {
        post: {
          summary: "Store a browser's push subscription for a customer (call it from your backend, never the browser)",
          requestBody: { required: true, ...json('PushSubscriptionRequest', 'The PushSubscription.toJSON() of the browser and the customer id.') },
          responses: { '201': { description: 'Stored (or refreshed) for this customer.' }, ...errors(400, 401, 413, 415, 503) },
        },
        delete: {
          summary: 'Remove a push subscription by its endpoint',
          requestBody: { required: true, ...json('PushUnsubscribeRequest', 'The endpoint to forget.') },
          responses: { '204': { description: 'Removed.' }, '404': json('Error', 'No subscription has this endpoint.'), ...errors(400, 401) },
        },
      },
      ...supportPaths(json, errors),
      ...reportPaths(json, errors),
      '/healthz': {
        get: {
          summary: 'Health of Temporal and the database (no API key needed)',
          security: [],
          responses: { '200': json('Health', 'Everything is up.'), '503': json('Health', 'Something is down; `message` says what.') },
        },
      },
      '/openapi.json': {
        get: {
          summary: 'This document (no API key needed)',
          security: [],
          responses: { '200': { description: 'OpenAPI 3.1 document.', content: { 'application/json': { schema: { type: 'object' } } } } },
        },
      },
    },
    components: {
      schemas,
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API key from TOUCHPOINT_API_KEYS: `Authorization: Bearer <key>`.' },
      },
    },
  };
}
