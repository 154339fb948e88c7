// The journey report's queries: a handful of GROUP BYs over the report indexes (one journey, one
// date range each), run on PostgreSQL and PGlite alike; analytics/report.ts shapes the result.
import { bucketsBetween, resolveReportQuery, type ResolvedReportQuery } from '../analytics/range';
import { buildJourneyReport } from '../analytics/report';
import type { EndStatus, ReportData } from '../analytics/report-data';
import type { JourneyReport, ReportQuery } from '../analytics/types';
import type { Journey } from '../dsl/schema';
import { NEUTRAL_BAND } from '../sentiment/score';
import type { Db } from './db';
import type { DbRow } from './rows';

/**
 * The queries' parameters: $1 journey id, $2 since, $3 until, $4 version (null: all), $5 bucket ('day' | 'week'),
 * $6 the bucket starts, $7 the sentiment lexicon's neutral band. Each table is filtered by its own time column in [since, until).
 */
const params = (q: ResolvedReportQuery): unknown[] => [
  q.journeyId, q.since, q.until, q.version, q.bucket,
  bucketsBetween(q.since, q.until, q.bucket).map((day) => `${day}T00:00:00Z`),
  NEUTRAL_BAND,
];
const inRange = (column: string) => `${column} >= $2::timestamptz and ${column} < $3::timestamptz`;
const versionIs = (column: string) => `($4::text is null or ${column} = $4::text)`;

// Time series join the range's buckets (UTC days, or weeks from Monday) to the rows of each: one index range scan
// per bucket, and a grouping the planner knows is small. (Grouping by date_trunc(created_at) instead makes Postgres
// expect as many groups as timestamps, and sort a million rows on disk.)
const STEP = `('1 ' || $5::text)::interval`;
const BUCKETS = `unnest($6::timestamptz[]) as b(start)`;
const inBucket = (column: string) => `${column} >= greatest(b.start, $2::timestamptz) and ${column} < least(b.start + ${STEP}, $3::timestamptz)`;
const BUCKET = `to_char(b.start at time zone 'UTC', 'YYYY-MM-DD')`;

const ENTRIES = `
  select ${BUCKET} as bucket, count(*)::int as count
  from ${BUCKETS} join journey_entries e on e.journey_id = $1 and ${inBucket('e.entered_at')}
  where ${versionIs('e.journey_version')}
  group by b.start`;

const ENDINGS = `
  select r.status, r.end_reason as reason, ${BUCKET} as bucket, count(*)::int as count
  from ${BUCKETS} join journey_runs r on r.journey_id = $1 and ${inBucket('r.ended_at')}
  where ${versionIs('r.journey_version')}
  group by r.status, r.end_reason, b.start`;

// The funnel of send and survey steps and the sends over time in one pass: decided messages by step, reason and
// bucket. Delivered: an SMS the carrier confirmed; email and push when the server accepted them. Opened: at least
// one open by a person; openedByProxy: only privacy-proxy opens. messages_report_idx covers every column (migration 6).
const MESSAGES = `
  select m.step_id, m.reason, ${BUCKET} as bucket, count(*)::int as count,
    count(*) filter (where m.reason = 'sent' and (m.channel <> 'sms' or m.delivery_status = 'delivered'))::int as delivered,
    count(*) filter (where m.open_count > 0)::int as opened,
    count(*) filter (where m.open_count = 0 and m.proxied_open_count > 0)::int as opened_by_proxy,
    count(*) filter (where m.click_count > 0)::int as clicked
  from ${BUCKETS} join messages m on m.journey_id = $1 and ${inBucket('m.created_at')}
  where m.reason is not null and ${versionIs('m.journey_version')}
  group by m.step_id, m.reason, b.start`;

// Visits per result; `runs` counts first visits only, so a goto loop does not count a run twice.
const STEPS = `
  select step_id, kind, result, count(*)::int as visits, count(*) filter (where visit = 1)::int as runs
  from run_steps
  where journey_id = $1 and ${inRange('finished_at')} and ${versionIs('journey_version')}
  group by step_id, kind, result`;

// The variant of a run is its split step's result; it converted when its ending says so, whenever that was.
const VARIANTS = `
  select s.step_id, s.result as variant_id, count(*)::int as runs, count(*) filter (where r.status = 'converted')::int as conversions
  from run_steps s left join journey_runs r on r.run_id = s.run_id
  where s.journey_id = $1 and s.kind = 'split' and s.visit = 1 and ${inRange('s.finished_at')} and ${versionIs('s.journey_version')}
  group by s.step_id, s.result`;

const HAS_COMMENT = `r.comment is not null and btrim(r.comment) <> ''`;
// Answers by answered_at; the version and template are the surveyed message's.
const ANSWERS = `
  select r.step_id, r.kind, m.template, r.score, ${BUCKET} as bucket, count(*)::int as count,
    count(*) filter (where ${HAS_COMMENT})::int as comments,
    count(*) filter (where ${HAS_COMMENT} and coalesce(r.sentiment_score, 0) <= -$7::float8)::int as negative,
    count(*) filter (where ${HAS_COMMENT} and coalesce(r.sentiment_score, 0) > -$7::float8 and coalesce(r.sentiment_score, 0) < $7::float8)::int as neutral,
    count(*) filter (where ${HAS_COMMENT} and coalesce(r.sentiment_score, 0) >= $7::float8)::int as positive
  from ${BUCKETS}
    join survey_responses r on r.journey_id = $1 and ${inBucket('r.answered_at')}
    join messages m on m.message_key = r.message_key
  where ${versionIs('m.journey_version')}
  group by r.step_id, r.kind, m.template, r.score, b.start`;

/**
 * The report for `query` (defaults: the 30 days before now, by day); `journey` orders the steps and
 * names split controls. Throws an Error saying what to fix for a date that is not one or an empty range.
 */
export async function journeyReport(db: Db, query: ReportQuery, journey?: Journey): Promise<JourneyReport> {
  const started = performance.now();
  const range = resolveReportQuery(query, new Date());
  const all = params(range);
  const { entries, endings, messages, steps, variants, answers } = await db.transaction(async (tx) => {
    // One snapshot for every number (an answer is never counted without its message), and no JIT: compiling
    // these plans takes longer than the few hundred milliseconds it could save on a million rows.
    await tx.query('set transaction isolation level repeatable read, read only');
    await tx.query('set local jit = off');
    // A statement must get exactly the parameters it uses ($1…$n).
    const run = (sql: string) => tx.query<DbRow>(sql, all.slice(0, Math.max(...[...sql.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])))));
    return {
      entries: await run(ENTRIES),
      endings: await run(ENDINGS),
      messages: await run(MESSAGES),
      steps: await run(STEPS),
      variants: await run(VARIANTS),
      answers: await run(ANSWERS),
    };
  });
  const data: ReportData = {
    entries: entries.map((r) => ({ bucket: text(r.bucket), count: int(r.count) })),
    endings: endings.map((r) => ({ status: endStatus(r.status), reason: text(r.reason), bucket: text(r.bucket), count: int(r.count) })),
    messages: messages.map((r) => ({
      stepId: text(r.step_id), reason: text(r.reason), bucket: text(r.bucket), count: int(r.count), delivered: int(r.delivered), opened: int(r.opened), openedByProxy: int(r.opened_by_proxy), clicked: int(r.clicked),
    })),
    steps: steps.map((r) => ({ stepId: text(r.step_id), kind: text(r.kind), result: text(r.result), visits: int(r.visits), runs: int(r.runs) })),
    variants: variants.map((r) => ({ stepId: text(r.step_id), variantId: text(r.variant_id), runs: int(r.runs), conversions: int(r.conversions) })),
    answers: answers.map((r) => ({
      stepId: text(r.step_id), kind: text(r.kind), template: text(r.template), score: int(r.score), bucket: text(r.bucket),
      count: int(r.count), comments: int(r.comments), negative: int(r.negative), neutral: int(r.neutral), positive: int(r.positive),
    })),
  };
  const tookMs = Math.round((performance.now() - started) * 10) / 10;
  return buildJourneyReport(range, data, journey, { generatedAt: new Date().toISOString(), tookMs });
}

function text(value: unknown): string {
  if (typeof value !== 'string') throw new Error(`store: a report row has ${JSON.stringify(value)} where text was expected`);
  return value;
}

function int(value: unknown): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`store: a report row has ${JSON.stringify(value)} where a count was expected`);
  return n;
}

function endStatus(value: unknown): EndStatus {
  if (value === 'completed' || value === 'exited' || value === 'converted') return value;
  throw new Error(`store: journey_runs.status is ${JSON.stringify(value)}, expected completed, exited or converted`);
}
