// The support routes' part of the OpenAPI document: customers, runs and the audit log,
// for support and admin keys only.
type Json = (id: string, description: string) => Record<string, unknown>;
type Errors = (...codes: number[]) => Record<string, unknown>;

const ROLE_NOTE = ' Needs a support or admin API key (ingest keys get 403). 503 (code `unavailable`) within 2 s when Temporal or the database cannot be reached; the message names which.';
const param = (name: string, where: 'path' | 'query', description: string, schema: Record<string, unknown> = { type: 'string' }) => ({
  name,
  in: where,
  required: where === 'path',
  description,
  schema,
});
const workflowIdParam = param('workflowId', 'path', 'The run\'s workflow id (journey/<journeyId>/<customerId>[/<entryKey>]), URL-encoded: slashes as %2F.');
const customerIdParam = param('id', 'path', 'Customer id.');

export function supportPaths(json: Json, errors: Errors): Record<string, unknown> {
  const action = (summary: string, request: string, result: string, parameters: unknown[], extra: number[] = []) => ({
    post: {
      summary: summary + ROLE_NOTE,
      parameters,
      requestBody: { required: true, ...json(request, summary) },
      responses: { '200': json(result, 'Done; the action is in the audit log with the key\'s name.'), ...errors(400, 401, 403, 404, ...extra, 503) },
    },
  });
  return {
    '/v1/customers/{query}': {
      get: {
        summary: 'A customer by id, email (any case) or phone: traits, consent and its history, suppressions, push subscriptions.' + ROLE_NOTE,
        parameters: [param('query', 'path', 'Customer id, email or phone (URL-encoded).')],
        responses: { '200': json('CustomerView', 'The customer.'), ...errors(401, 403, 404, 503) },
      },
    },
    '/v1/customers/{id}/exit-all': action('Exit the customer from every running journey run', 'ExitRequest', 'ExitAllResult', [customerIdParam]),
    '/v1/customers/{id}/consent': action('Subscribe or unsubscribe the customer on a channel', 'ConsentRequest', 'CustomerView', [customerIdParam]),
    '/v1/runs': {
      get: {
        summary: 'Journey runs from Temporal visibility, newest first, one page at a time (never a scan of all workflows).' + ROLE_NOTE,
        parameters: [
          param('customer', 'query', 'Customer id.'),
          param('journey', 'query', 'Journey id.'),
          param('status', 'query', 'Run status.', { enum: ['running', 'completed', 'exited', 'converted', 'failed', 'terminated', 'timed_out', 'cancelled'] }),
          param('pageSize', 'query', 'Runs per page (1-100, default 20).', { type: 'integer', minimum: 1, maximum: 100 }),
          param('pageToken', 'query', 'nextPageToken of the previous page.'),
        ],
        responses: { '200': json('RunPage', 'One page of runs; nextPageToken is null on the last page. A pageToken that is not the nextPageToken of this listing is a 400 naming pageToken.'), ...errors(400, 401, 403, 503) },
      },
    },
    '/v1/runs/{workflowId}': {
      get: {
        summary: 'One run: status, current step, next wake-up, steps done, every send with its reason and the exact content sent.' + ROLE_NOTE,
        parameters: [workflowIdParam],
        responses: { '200': json('RunDetail', 'The run.'), ...errors(401, 403, 404, 503) },
      },
    },
    '/v1/runs/{workflowId}/exit': action('Exit the customer from this run (waits until it has ended)', 'ExitRequest', 'RunSummary', [workflowIdParam], [409]),
    '/v1/audit': {
      get: {
        summary: 'Support actions, newest first: who, what, on which customer or run, and why.' + ROLE_NOTE,
        parameters: [param('target', 'query', 'A workflow id or customer id.'), param('limit', 'query', 'At most this many (1-1000, default 100).', { type: 'integer' })],
        responses: { '200': json('AuditList', 'Audit entries.'), ...errors(400, 401, 403, 503) },
      },
    },
  };
}
