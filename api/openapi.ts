// The OpenAPI 3.1 document served at GET /openapi.json, generated from the zod schemas in
// schemas.ts so the document and the validation can never disagree.
import { z } from 'zod';
import { RoutedRunSchema } from '../routing/result';
import { PAGE_EVENT, SCREEN_EVENT } from '../core/events';
import * as s from './schemas';
import { PushSubscriptionRequestSchema, PushUnsubscribeRequestSchema } from './routes/push-schemas';
import * as support from './routes/support-schemas';
import { supportPaths } from './openapi-support';
import { reportPaths } from './openapi-reports';
import { JourneyReportSchema } from '../analytics/report-schema';

const components = [
  ['IdentifyRequest', s.IdentifyRequestSchema],
  ['TrackRequest', s.TrackRequestSchema],
  ['PageRequest', s.PageRequestSchema],
  ['ScreenRequest', s.ScreenRequestSchema],
  ['AliasRequest', s.AliasRequestSchema],
  ['GroupRequest', s.GroupRequestSchema],
  ['BatchRequest', s.BatchRequestSchema],
  ['EventResult', s.EventResultSchema],
  ['RefusedItem', s.RefusedItemSchema],
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
    403: 'The API key\'s role may not use this route (the message names the role needed), or a browser key sent what it may not (the message names the field).',
    404: 'No customer, run or journey with that id (the message says how to find one).',
    409: 'The run is not running, so there is nothing to exit.',
    413: 'Body larger than the limit.',
    415: 'Content-Type is not application/json (on the event routes, text/plain holding a JSON object is accepted too, as analytics.js sends it).',
    429: 'Too many wrong API keys or sign-ins from this address; wait the Retry-After seconds.',
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
      ...errors(400, 401, 403, 413, 415, 429, 503),
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
        'Send customer events in the Segment Spec shape (identify, track, page, screen, alias, group, batch). Every event needs a unique `messageId`: a retry with the same id ' +
        'is answered from the event log and never starts a journey or sends a message twice (a reused id with other content is answered `conflict: true`). ' +
        `Each trait and property value is at most ${s.MAX_VALUE_BYTES} bytes as JSON and each name at most ${s.MAX_KEY_LENGTH} characters (400 naming the field). ` +
        'Errors are `{ error: { code, message, issues? } }`.',
    },
    security: [{ bearerAuth: [] }, { writeKey: [] }],
    paths: {
      '/v1/identify': ingestRoute('Create or update a customer and its traits', 'IdentifyRequest', 'EventResult'),
      '/v1/track': ingestRoute('Record a customer event; starts and advances journeys', 'TrackRequest', 'EventResult'),
      '/v1/page': ingestRoute(`Record a page view; journeys see it as the event ${PAGE_EVENT}`, 'PageRequest', 'EventResult'),
      '/v1/screen': ingestRoute(`Record a screen view; journeys see it as the event ${SCREEN_EVENT}`, 'ScreenRequest', 'EventResult'),
      '/v1/alias': ingestRoute('Link an anonymous id (previousId) to a customer', 'AliasRequest', 'EventResult'),
      '/v1/group': ingestRoute('Record the account, company or team a customer belongs to', 'GroupRequest', 'EventResult'),
      '/v1/batch': ingestRoute(
        `Up to ${s.MAX_BATCH} calls of any type in one call; invalid items are refused one by one (200, with \`refused: true\` items in results)`,
        'BatchRequest',
        'BatchResult',
      ),
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
      '/v1/projects/{writeKey}/settings': {
        get: {
          summary: "analytics.js's settings for a write key (its cdnURL is Touchpoint's address); points its sender at this server's /v1",
          security: [],
          parameters: [{ name: 'writeKey', in: 'path', required: true, schema: { type: 'string' }, description: 'A key that may send events (a browser key in web pages).' }],
          responses: { '200': { description: 'Settings in the shape analytics.js loads.', content: { 'application/json': { schema: { type: 'object' } } } }, ...errors(404, 429) },
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
        writeKey: { type: 'http', scheme: 'basic', description: 'The same key as a Segment write key: HTTP Basic with the key as user name and an empty password.' },
      },
    },
  };
}
