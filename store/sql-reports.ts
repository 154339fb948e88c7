// The journey report's queries, run on PostgreSQL and PGlite alike; analytics/report.ts shapes the result.
// Whole UTC days come from the daily rollups and whole hours from the hourly ones (store/report-rollups.ts:
// a few rows per step and hour, kept by triggers); the minutes before the first whole hour and after the
// last, if any, from the rows themselves with the live queries below (a handful of GROUP BYs over the report indexes). Both agree by construction,
// and tests/analytics/report-rollups.test.ts checks it.
import { bucketsBetween, resolveReportQuery, type ResolvedReportQuery } from '../analytics/range';
import { buildJourneyReport } from '../analytics/report';
import type { EndStatus, ReportData } from '../analytics/report-data';
import type { JourneyReport, ReportQuery } from '../analytics/types';
import type { Journey } from '../dsl/schema';
import { NEUTRAL_BAND } from '../sentiment/score';
import type { Db } from './db';
import { COMPACT_ROLLUP, REACHED_AT, ROLLUP_COMPACTION_LOCK_KEY, VACUUM_AFTER_CHANGES } from './report-rollups';
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

// Runs entered: a trigger event handed to a run in progress (joined_run) is no new entry.
const ENTRIES = `
  select ${BUCKET} as bucket, count(*)::int as count
  from ${BUCKETS} join journey_entries e on e.journey_id = $1 and ${inBucket('e.entered_at')}
  where not e.joined_run and ${versionIs('e.journey_version')}
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

// Visits per result; `runs` counts first visits only, so a goto loop does not count a run twice. A step the
// run still waits in counts from when it was entered (result `waiting`), a finished one from its finish.
const STEPS = `
  select step_id, kind, result, count(*)::int as visits, count(*) filter (where visit = 1)::int as runs
  from run_steps
  where journey_id = $1 and ${inRange(REACHED_AT())} and ${versionIs('journey_version')}
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

// The rollups of one family over [$5, $6), two whole UTC hours: the daily counts of the whole days
// [$2, $3) in it, the hourly counts of the hours before and after them, and the changes not folded yet
// (kept per hour); in the version asked ($4, null: all), by bucket ($7: 'day' | 'week'). With no whole day, $2 = $3 = $6.
const rollup = (family: string) => `(
    select at, journey_version, k1, k2, k3, k4, n1, n2, n3, n4, n5 from report_rollup
    where journey_id = $1 and family = '${family}' and span = 'day' and at >= $2::timestamptz and at < $3::timestamptz
    union all
    select at, journey_version, k1, k2, k3, k4, n1, n2, n3, n4, n5 from report_rollup
    where journey_id = $1 and family = '${family}' and span = 'hour'
      and (at >= $5::timestamptz and at < $2::timestamptz or at >= $3::timestamptz and at < $6::timestamptz)
    union all
    select hour, journey_version, k1, k2, k3, k4, n1, n2, n3, n4, n5 from report_rollup_changes
    where journey_id = $1 and family = '${family}' and hour >= $5::timestamptz and hour < $6::timestamptz
  ) x where ($4::text is null or x.journey_version = $4::text)`;
const DAY_BUCKET = `to_char(date_trunc(case when $7::text = 'week' then 'week' else 'day' end, x.at at time zone 'UTC'), 'YYYY-MM-DD')`;
// A group whose rows all moved elsewhere (a deferred message later sent) sums to 0: not a group any more.
const ROLLUP_SQL = {
  entries: `select ${DAY_BUCKET} as bucket, sum(n1)::int as count from ${rollup('entries')} group by 1 having sum(n1) <> 0`,
  endings: `select k1 as status, k2 as reason, ${DAY_BUCKET} as bucket, sum(n1)::int as count from ${rollup('endings')} group by 1, 2, 3 having sum(n1) <> 0`,
  messages: `select k1 as step_id, k2 as reason, ${DAY_BUCKET} as bucket, sum(n1)::int as count, sum(n2)::int as delivered,
      sum(n3)::int as opened, sum(n4)::int as opened_by_proxy, sum(n5)::int as clicked
    from ${rollup('messages')} group by 1, 2, 3 having sum(n1) <> 0`,
  steps: `select k1 as step_id, k2 as kind, k3 as result, sum(n1)::int as visits, sum(n2)::int as runs from ${rollup('steps')} group by 1, 2, 3 having sum(n1) <> 0`,
  variants: `select k1 as step_id, k2 as variant_id, sum(n1)::int as runs, sum(n2)::int as conversions from ${rollup('variants')} group by 1, 2 having sum(n1) <> 0`,
  answers: `select k1 as step_id, k2 as kind, k3 as template, k4::int as score, ${DAY_BUCKET} as bucket, sum(n1)::int as count,
      sum(n2)::int as comments, sum(n3)::int as negative, sum(n4)::int as neutral, sum(n5)::int as positive
    from ${rollup('answers')} group by 1, 2, 3, 4, 5 having sum(n1) <> 0`,
};
const LIVE_SQL = { entries: ENTRIES, endings: ENDINGS, messages: MESSAGES, steps: STEPS, variants: VARIANTS, answers: ANSWERS };
type Family = keyof typeof LIVE_SQL;
const FAMILIES = Object.keys(LIVE_SQL) as Family[];
type Rows = Record<Family, DbRow[]>;

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** How a range is read: `rolled` from the rollups (null: none), `edges` from the rows. */
export interface ReportParts {
  /** Whole UTC hours [from, until), of which the whole UTC days [daysFrom, daysUntil) (equal: none). */
  rolled: { from: string; until: string; daysFrom: string; daysUntil: string } | null;
  /** The minutes before the first whole hour and after the last, if any. */
  edges: ResolvedReportQuery[];
}

/** Whole days from the daily rollups, whole hours around them from the hourly ones, the rest from the rows. */
export function reportParts(range: ResolvedReportQuery): ReportParts {
  const since = Date.parse(range.since);
  const until = Date.parse(range.until);
  const firstHour = Math.ceil(since / HOUR_MS) * HOUR_MS;
  const endHour = Math.floor(until / HOUR_MS) * HOUR_MS;
  if (firstHour >= endHour) return { rolled: null, edges: [range] };
  const firstDay = Math.ceil(firstHour / DAY_MS) * DAY_MS;
  const endDay = Math.floor(endHour / DAY_MS) * DAY_MS;
  const [daysFrom, daysUntil] = firstDay < endDay ? [firstDay, endDay] : [endHour, endHour];
  const iso = (ms: number) => new Date(ms).toISOString();
  const edges: ResolvedReportQuery[] = [];
  if (since < firstHour) edges.push({ ...range, until: iso(firstHour) });
  if (endHour < until) edges.push({ ...range, since: iso(endHour) });
  return { rolled: { from: iso(firstHour), until: iso(endHour), daysFrom: iso(daysFrom), daysUntil: iso(daysUntil) }, edges };
}

/**
 * Fold the rollup changes written since the last compaction into the rollups; returns how many were
 * folded, or null when another process is compacting right now (its report and this one read the
 * pending changes anyway).
 */
export async function compactReportRollups(db: Db): Promise<number | null> {
  const moved = await db.transaction(async (tx) => {
    const [lock] = await tx.query<DbRow>('select pg_try_advisory_xact_lock($1) as locked', [ROLLUP_COMPACTION_LOCK_KEY]);
    if (lock?.locked !== true) return null;
    const [fold, dropZeroGroups] = COMPACT_ROLLUP;
    const [counts] = await tx.query<DbRow>(fold!);
    await tx.query(dropZeroGroups!);
    return Number(counts?.moved ?? 0);
  });
  if (moved !== null && moved >= VACUUM_AFTER_CHANGES) await db.query('vacuum (analyze) report_rollup_changes');
  return moved;
}

export interface ReportReadOptions {
  /** Count every row with the live queries instead of the rollups (slow on big journeys; tests compare both). */
  live?: boolean;
}

/**
 * The report for `query` (defaults: the 30 days before now, by day); `journey` orders the steps and
 * names split controls. Throws an Error saying what to fix for a date that is not one or an empty range.
 */
export async function journeyReport(db: Db, query: ReportQuery, journey?: Journey, options: ReportReadOptions = {}): Promise<JourneyReport> {
  const started = performance.now();
  const range = resolveReportQuery(query, new Date());
  const parts: ReportParts = options.live ? { rolled: null, edges: [range] } : reportParts(range);
  if (parts.rolled) await compactReportRollups(db);
  const rows = await db.transaction(async (tx) => {
    // One snapshot for every number (an answer is never counted without its message, a change is in
    // the rollups or still pending, never both), and no JIT: compiling these plans takes longer than
    // the few hundred milliseconds it could save on a million rows.
    await tx.query('set transaction isolation level repeatable read, read only');
    await tx.query('set local jit = off');
    // Rollup reads and edge minutes are a few thousand rows: starting parallel workers would cost
    // more than the read (seen: 4 ms of work behind 250 ms of Gather on a busy machine).
    if (parts.rolled) await tx.query('set local max_parallel_workers_per_gather = 0');
    const all: Rows = { entries: [], endings: [], messages: [], steps: [], variants: [], answers: [] };
    for (const edge of parts.edges) {
      const values = params(edge);
      // A statement must get exactly the parameters it uses ($1…$n).
      for (const family of FAMILIES) all[family].push(...(await tx.query<DbRow>(LIVE_SQL[family], values.slice(0, highestParameter(LIVE_SQL[family])))));
    }
    if (parts.rolled) {
      const { from, until, daysFrom, daysUntil } = parts.rolled;
      const values = [range.journeyId, daysFrom, daysUntil, range.version, from, until, range.bucket];
      for (const family of FAMILIES) all[family].push(...(await tx.query<DbRow>(ROLLUP_SQL[family], values.slice(0, highestParameter(ROLLUP_SQL[family])))));
    }
    return all;
  });
  const data: ReportData = {
    entries: merged(rows.entries.map((r) => ({ bucket: text(r.bucket), count: int(r.count) })), ['bucket']),
    endings: merged(rows.endings.map((r) => ({ status: endStatus(r.status), reason: text(r.reason), bucket: text(r.bucket), count: int(r.count) })), ['status', 'reason', 'bucket']),
    messages: merged(
      rows.messages.map((r) => ({
        stepId: text(r.step_id), reason: text(r.reason), bucket: text(r.bucket), count: int(r.count), delivered: int(r.delivered), opened: int(r.opened), openedByProxy: int(r.opened_by_proxy), clicked: int(r.clicked),
      })),
      ['stepId', 'reason', 'bucket'],
    ),
    steps: merged(rows.steps.map((r) => ({ stepId: text(r.step_id), kind: text(r.kind), result: text(r.result), visits: int(r.visits), runs: int(r.runs) })), ['stepId', 'kind', 'result']),
    variants: merged(rows.variants.map((r) => ({ stepId: text(r.step_id), variantId: text(r.variant_id), runs: int(r.runs), conversions: int(r.conversions) })), ['stepId', 'variantId']),
    answers: merged(
      rows.answers.map((r) => ({
        stepId: text(r.step_id), kind: text(r.kind), template: text(r.template), score: int(r.score), bucket: text(r.bucket),
        count: int(r.count), comments: int(r.comments), negative: int(r.negative), neutral: int(r.neutral), positive: int(r.positive),
      })),
      ['stepId', 'kind', 'template', 'score', 'bucket'],
    ),
  };
  const tookMs = Math.round((performance.now() - started) * 10) / 10;
  return buildJourneyReport(range, data, journey, { generatedAt: new Date().toISOString(), tookMs });
}

function highestParameter(sql: string): number {
  return Math.max(...[...sql.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])));
}

/** Rows of the same group (an edge day and the rollups share a week bucket) summed into one, in first-seen order. */
function merged<T extends Record<string, string | number>>(rows: T[], keys: (keyof T)[]): T[] {
  const groups = new Map<string, T>();
  for (const row of rows) {
    const id = JSON.stringify(keys.map((k) => row[k]));
    const seen = groups.get(id);
    if (!seen) {
      groups.set(id, { ...row });
      continue;
    }
    for (const [field, value] of Object.entries(row)) {
      if (!keys.includes(field as keyof T) && typeof value === 'number') (seen as Record<string, string | number>)[field] = (seen[field] as number) + value;
    }
  }
  return [...groups.values()];
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
