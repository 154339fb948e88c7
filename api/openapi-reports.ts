// The report route's part of the OpenAPI document: GET /v1/reports/journeys/{journeyId}, for
// support and admin keys.
import { columnLegend } from '../analytics/columns';
type Json = (id: string, description: string) => Record<string, unknown>;
type Errors = (...codes: number[]) => Record<string, unknown>;

const query = (name: string, description: string, schema: Record<string, unknown> = { type: 'string' }) => ({ name, in: 'query', required: false, description, schema });

export function reportPaths(json: Json, errors: Errors): Record<string, unknown> {
  return {
    '/v1/reports/journeys/{journeyId}': {
      get: {
        summary:
          'A journey report over [since, until): entries, endings and exits by reason, conversions, the funnel per step, ' +
          'A/B splits (lift, 95% CI, p-value, sample-size warning) and satisfaction (NPS, CSAT, CES). Needs a support or admin API key (ingest keys get 403).',
        description: `What each number counts:\n\n${columnLegend().map((line) => `- ${line}`).join('\n')}`,
        parameters: [
          { name: 'journeyId', in: 'path', required: true, description: 'Journey id (the `id:` of its YAML file).', schema: { type: 'string' } },
          query('since', 'Start, inclusive: ISO date/time (UTC when no zone) or a duration back from now (30d). Default: 30 days before until.'),
          query('until', 'End, exclusive: ISO date/time or a duration back from now. Default: now.'),
          query('version', 'Only runs of this journey version (snapshot hash). Default: every version.'),
          query('bucket', 'Time-series bucket. Default: day.', { enum: ['day', 'week'] }),
        ],
        responses: { '200': json('JourneyReport', 'The report.'), ...errors(400, 401, 403, 404) },
      },
    },
  };
}
