// The report page's query string (?since&until&version&bucket) → the ReportQuery for the service,
// and the values the range form shows again. The form's end date is inclusive (the whole day).
import { z } from 'zod';
import { parseReportDate } from '../analytics/range';
import type { JourneyReport, ReportQuery } from '../analytics/types';

const DAY_MS = 86_400_000;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** What the range form shows: dates as typed (the end date is inclusive there). */
export interface RangeForm {
  since: string;
  until: string;
  version: string;
  bucket: 'day' | 'week';
}

const text = z
  .string()
  .trim()
  .max(64)
  .optional()
  .transform((v) => (v ? v : undefined));

const QuerySchema = z.object({
  since: text,
  until: text,
  version: text,
  bucket: z.enum(['day', 'week'], 'Per is "day" or "week".').optional(),
});

/**
 * The service query for a journey from the page's query string. Dates are YYYY-MM-DD (UTC), an ISO
 * time, or a duration back from now (30d); a bad one throws a ZodError a person can read (400).
 */
export function parseReportQuery(journeyId: string, query: unknown, now: Date): ReportQuery {
  const parsed = QuerySchema.parse(query ?? {});
  const since = instant('since', parsed.since, now, 0);
  // A date typed as the end is inclusive: the range ends at the next midnight.
  const until = instant('until', parsed.until, now, parsed.until !== undefined && DATE_ONLY.test(parsed.until) ? DAY_MS : 0);
  if (since !== undefined && until !== undefined && Date.parse(since) >= Date.parse(until)) {
    throw new z.ZodError([{ code: 'custom', path: ['since'], input: parsed.since, message: `The range starts (${parsed.since}) after it ends (${parsed.until}); pick a From date before the To date.` }]);
  }
  return {
    journeyId,
    ...(since ? { since } : {}),
    ...(until ? { until } : {}),
    ...(parsed.version ? { version: parsed.version } : {}),
    ...(parsed.bucket ? { bucket: parsed.bucket } : {}),
  };
}

/** The form as the report answered it: the range the service used, the end shown as the last day included. */
export function rangeForm(report: Pick<JourneyReport, 'since' | 'until' | 'version'>, bucket: 'day' | 'week' = 'day'): RangeForm {
  return {
    since: new Date(report.since).toISOString().slice(0, 10),
    until: new Date(Date.parse(report.until) - 1).toISOString().slice(0, 10),
    version: report.version ?? '',
    bucket,
  };
}

function instant(field: 'since' | 'until', value: string | undefined, now: Date, plusMs: number): string | undefined {
  if (value === undefined) return undefined;
  const date = parseReportDate(value, now);
  if (!date) {
    const label = field === 'since' ? 'From' : 'To';
    throw new z.ZodError([{ code: 'custom', path: [field], input: value, message: `${label} "${value}" is not a date: write it as YYYY-MM-DD (e.g. 2025-03-01) or as a time back from now (30d).` }]);
  }
  return new Date(date.getTime() + plusMs).toISOString();
}
