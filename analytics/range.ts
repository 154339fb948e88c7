// The date range and time buckets of a report: defaults (the last 30 days), checks with
// messages a person can act on, and the UTC day / ISO week buckets the SQL groups by.
import { parseDuration } from '../dsl/duration';
import type { ReportQuery } from './types';

/** A ReportQuery with every default applied and its dates normalised to ISO. */
export interface ResolvedReportQuery {
  journeyId: string;
  version: string | null;
  since: string;
  until: string;
  bucket: 'day' | 'week';
}

/** The range when `since` is not given. */
export const DEFAULT_RANGE_DAYS = 30;
/** At most this many time buckets (about 2¾ years by day, 19 by week). */
export const MAX_BUCKETS = 1000;
const DAY_MS = 86_400_000;

/**
 * A date for --since/--until and the API: an ISO date or time (`2026-11-01`, `2026-11-01T08:00:00Z`),
 * or a duration back from `now` (`30d`, `12h`, `2w`). Null when it is neither.
 */
export function parseReportDate(text: string, now: Date): Date | null {
  const trimmed = text.trim();
  const back = parseDuration(trimmed);
  if (back !== null) return new Date(now.getTime() - back);
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(trimmed)) return null;
  // A date or a time without a zone is UTC, so the same command means the same range everywhere.
  const withZone = /(Z|[+-]\d{2}:?\d{2})$/.test(trimmed) || trimmed.length === 10 ? trimmed : `${trimmed}Z`;
  const date = new Date(withZone.replace(' ', 'T'));
  return Number.isNaN(date.getTime()) ? null : date;
}

/** Apply the defaults and check the range; throws an Error naming the field and the fix. */
export function resolveReportQuery(query: ReportQuery, now: Date): ResolvedReportQuery {
  const read = (field: 'since' | 'until', value: string | undefined): Date | null => {
    if (value === undefined) return null;
    const date = parseReportDate(value, now);
    if (!date) throw new Error(`${field} "${value}" is not a date: write an ISO date or time (2026-11-01, 2026-11-01T08:00:00Z) or a duration back from now (30d, 12h).`);
    return date;
  };
  const until = read('until', query.until) ?? now;
  const since = read('since', query.since) ?? new Date(until.getTime() - DEFAULT_RANGE_DAYS * DAY_MS);
  if (since.getTime() >= until.getTime()) {
    throw new Error(`since (${since.toISOString()}) must be before until (${until.toISOString()}): the range is [since, until).`);
  }
  const bucket = query.bucket ?? 'day';
  const buckets = Math.ceil((until.getTime() - since.getTime()) / (bucket === 'week' ? 7 * DAY_MS : DAY_MS));
  if (buckets > MAX_BUCKETS) {
    throw new Error(`the range ${since.toISOString()} – ${until.toISOString()} has ${buckets} ${bucket}s; at most ${MAX_BUCKETS} fit in one report: ${bucket === 'day' ? 'ask for weeks (bucket week) or ' : ''}shorten the range.`);
  }
  return { journeyId: query.journeyId, version: query.version ?? null, since: since.toISOString(), until: until.toISOString(), bucket };
}

/** The start (UTC midnight; Monday for weeks, as Postgres' date_trunc) of the bucket holding `date`, as YYYY-MM-DD. */
export function bucketOf(date: Date, bucket: 'day' | 'week'): string {
  let ms = Math.floor(date.getTime() / DAY_MS) * DAY_MS;
  if (bucket === 'week') ms -= ((new Date(ms).getUTCDay() + 6) % 7) * DAY_MS;
  return new Date(ms).toISOString().slice(0, 10);
}

/** Every bucket start from the one holding `since` to the one holding the last instant before `until`. */
export function bucketsBetween(since: string, until: string, bucket: 'day' | 'week'): string[] {
  const step = bucket === 'week' ? 7 * DAY_MS : DAY_MS;
  const last = bucketOf(new Date(new Date(until).getTime() - 1), bucket);
  const out: string[] = [];
  for (let at = new Date(`${bucketOf(new Date(since), bucket)}T00:00:00Z`).getTime(); ; at += step) {
    const key = new Date(at).toISOString().slice(0, 10);
    out.push(key);
    if (key >= last) return out;
  }
}
