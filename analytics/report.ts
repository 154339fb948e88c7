// Builds the JourneyReport from the aggregates SQL returns (store/sql-reports.ts): rows already
// grouped by step, reason, variant, score and bucket, so nothing here touches one row per run.
import type { Journey } from '../dsl/schema';
import { bucketsBetween, type ResolvedReportQuery } from './range';
import { splitReports } from './splits';
import { stepReports } from './steps';
import { surveyReports } from './surveys';
import { rate, sortedByCount, type ReportData } from './report-data';
import type { JourneyReport } from './types';

/** The report of `range` from its aggregates; `journey` gives step order, kinds and split controls. */
export function buildJourneyReport(range: ResolvedReportQuery, data: ReportData, journey: Journey | undefined, timing: { generatedAt: string; tookMs: number }): JourneyReport {
  const buckets = bucketsBetween(range.since, range.until, range.bucket);
  const entered = sum(data.entries);
  const ended = { completed: 0, exited: 0, converted: 0 };
  const exitsByReason: Record<string, number> = {};
  const convertedBy = new Map<string, number>();
  for (const row of data.endings) {
    ended[row.status] += row.count;
    if (row.status === 'exited') exitsByReason[row.reason] = (exitsByReason[row.reason] ?? 0) + row.count;
    if (row.status === 'converted') convertedBy.set(row.bucket, (convertedBy.get(row.bucket) ?? 0) + row.count);
  }
  const enteredBy = byBucket(data.entries);
  const sentBy = byBucket(data.messages.filter((m) => m.reason === 'sent'));
  const steps = stepReports(data, journey);
  return {
    journeyId: range.journeyId,
    version: range.version,
    since: range.since,
    until: range.until,
    generatedAt: timing.generatedAt,
    entered,
    ended,
    exitsByReason: sortedByCount(exitsByReason),
    conversions: rate(ended.converted, entered),
    steps,
    splits: splitReports(data.variants, journey),
    surveys: surveyReports(data, steps, journey, buckets),
    overTime: buckets.map((bucket) => ({ bucket, entered: enteredBy.get(bucket) ?? 0, converted: convertedBy.get(bucket) ?? 0, sent: sentBy.get(bucket) ?? 0 })),
    tookMs: timing.tookMs,
  };
}

function sum(rows: readonly { count: number }[]): number {
  return rows.reduce((total, row) => total + row.count, 0);
}

function byBucket(rows: readonly { bucket: string; count: number }[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const row of rows) out.set(row.bucket, (out.get(row.bucket) ?? 0) + row.count);
  return out;
}
