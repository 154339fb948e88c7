// The journey report as support staff and marketers ask for it: the journey must be one of the
// loaded journeys (its definition orders the steps), the range is checked, the store aggregates.
import { resolveReportQuery } from '../analytics/range';
import type { JourneyReport, ReportQuery } from '../analytics/types';
import type { JourneySnapshot } from '../dsl/schema';
import type { Store } from '../store/types';
import { SupportError } from './errors';

export interface JourneyReportDeps {
  store: Store;
  /** The loaded journeys; without them any id is reported with the steps as the data has them. */
  journeys?: readonly JourneySnapshot[];
  now: () => Date;
}

export async function journeyReport(deps: JourneyReportDeps, query: ReportQuery): Promise<JourneyReport> {
  const snapshot = deps.journeys?.find((s) => s.journey.id === query.journeyId);
  if (deps.journeys && !snapshot) {
    const known = deps.journeys.map((s) => s.journey.id).sort();
    throw new SupportError(
      'not_found',
      `No journey "${query.journeyId}". ${known.length > 0 ? `Known journeys: ${known.join(', ')}.` : 'No journeys are loaded.'} ` +
        'Journey ids are the `id:` of the YAML files in JOURNEYS_DIR (touchpoint validate lists them).',
    );
  }
  let range;
  try {
    range = resolveReportQuery(query, deps.now());
  } catch (error) {
    throw new SupportError('invalid', error instanceof Error ? error.message : String(error));
  }
  // Resolved here, on the service's clock, so the store and the answer agree on the range.
  const resolved: ReportQuery = { journeyId: range.journeyId, since: range.since, until: range.until, bucket: range.bucket, ...(range.version ? { version: range.version } : {}) };
  return deps.store.journeyReport(resolved, snapshot?.journey);
}
