// Benchmark: the journey report (store.journeyReport) over 1,000,000 message rows on
// PostgreSQL, against the same report over 100,000 rows in the same run (how it scales). Rows
// are generated in SQL (generate_series, a deterministic hash for every "random" choice) in a
// database of its own, vacuumed and analysed, and the report is timed; the slowest query's EXPLAIN ANALYZE
// goes into the JSON. The rows go in through the rollup triggers (store/report-rollups.ts) like any write;
// the first compaction after the bulk load is timed on its own, and the same report counted from the rows
// (the live queries, as before the rollups) is the second comparison.
import { performance } from 'node:perf_hooks';
import { Client as PgClient } from 'pg';
import { resolveReportQuery, type ResolvedReportQuery } from '../../analytics/range';
import { openStore } from '../../store';
import type { Db, Queryable } from '../../store/db';
import { openPgDb } from '../../store/pg-db';
import { compactReportRollups, journeyReport, reportParts } from '../../store/sql-reports';
import { summarize, type Metric, type Scenario, type ScenarioContext } from '../lib';

const JOURNEY = 'bench-report';
const DATABASE = 'touchpoint_bench_report';
/** Messages per run: welcome (email), tips (push), an offer (SMS) and an NPS survey (email). */
const MESSAGES_PER_RUN = 4;
const VERSIONS = ['9f2c4e1a7b3d5f60a8c2e4b6d8f0a1c3e5b7d9f1a3c5e7b9d1f3a5c7e9b1d3f5', '4b6d8f0a2c4e6a8c0e2a4c6e8a0c2e4a6c8e0a2c4e6a8c0e2a4c6e8a0c2e4a6c'];

/** The server's admin URL (for CREATE/DROP DATABASE) and the bench database's URL on it. */
function databaseUrls(): { admin: string; bench: string } {
  const server = new URL(process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  const admin = new URL(server);
  admin.pathname = '/postgres';
  const bench = new URL(server);
  bench.pathname = `/${DATABASE}`;
  return { admin: admin.toString(), bench: bench.toString() };
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new PgClient({ connectionString: url });
  try {
    await client.connect();
    await client.query(sql);
  } catch (error) {
    throw new Error(`report bench: "${sql}" failed on ${url.replace(/:[^:@/]*@/, ':***@')} (${error instanceof Error ? error.message : String(error)}); set BENCH_DATABASE_URL to a PostgreSQL server where this user may create databases`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

// u(i, salt) in [0, 1): the same for the same run and salt, so every table agrees on a run's fate.
const HASH_FN = `
  create or replace function bench_u(i bigint, salt int) returns float8 language sql immutable parallel safe as
  $$ select (hashint8extended(i * 1009 + salt, 0) >> 11)::float8 / 9007199254740992 + 0.5 $$`;
const IN_RANGE = (salt: string) => `$3::timestamptz - bench_u(i, ${salt}) * interval '30 days'`;
const RUN = `'journey/${JOURNEY}/c' || i`;
const RUN_ID = `md5(i::text)::uuid::text`;
const VERSION = `(case when bench_u(i, 1) < 0.3 then '${VERSIONS[0]}' else '${VERSIONS[1]}' end)`;

/** One statement per table for runs $1..$2; $3 is the end of the report range. */
const SEED = [
  `insert into journey_entries (journey_id, customer_id, entry_key, workflow_id, trigger_message_id, entered_at, journey_version)
   select '${JOURNEY}', 'c' || i, '', ${RUN}, 'evt-' || i, ${IN_RANGE('2')}, ${VERSION}
   from generate_series($1::bigint, $2::bigint) i`,
  `insert into messages (message_key, workflow_id, run_id, journey_id, journey_version, step_id, customer_id, channel, template,
     template_version, status, reason, detail, address, provider_id, content, attempts, created_at, updated_at, category,
     trigger_id, sent_at, delivery_status, open_count, proxied_open_count, click_count, opened_at, clicked_at)
   select ${RUN} || '/' || ${RUN_ID} || '/' || step || '/1', ${RUN}, ${RUN_ID}, '${JOURNEY}', ${VERSION}, step, 'c' || i, channel,
     step, md5(step), 'done', reason, detail, address, md5(i::text || step), content, 1, at, at, 'marketing',
     'evt-' || i, case when reason = 'sent' then at + interval '150 ms' end,
     case when channel = 'sms' and reason = 'sent' then (case when bench_u(i, 50) < 0.95 then 'delivered' else 'undelivered' end) end,
     opens, proxied, clicks, case when opens + proxied > 0 then at + interval '2 hours' end, case when clicks > 0 then at + interval '3 hours' end
   from (
     select i, k, step, channel, at, reason,
       case when reason <> 'sent' then 'Not sent: ' || reason || ' (customer c' || i || ')' else 'Accepted by the provider as ' || md5(i::text || k) end as detail,
       case when channel = 'sms' then '+1415' || lpad((i % 10000000)::text, 7, '0') else 'c' || i || '@example.com' end as address,
       jsonb_build_object('to', 'c' || i || '@example.com', 'subject', 'Your Ferncroft update, c' || i,
         'text', 'Hi there, here is what is new at Ferncroft this week: slow-grown goods for your home and garden. Reply STOP to opt out.') as content,
       case when reason = 'sent' and channel = 'email' and e < 0.35 then 1 + (e * 10)::int else 0 end as opens,
       case when reason = 'sent' and channel = 'email' and e >= 0.35 and e < 0.47 then 1 else 0 end as proxied,
       case when reason = 'sent' and channel in ('email', 'push') and e < 0.06 then 1 else 0 end as clicks
     from (
       select i, k,
         (array['welcome', 'tips', case when bench_u(i, 3) < 0.3 then 'pro-tips' else 'first-order-nudge' end, 'nps'])[k] as step,
         (array['email', 'push', 'sms', 'email'])[k] as channel,
         ${IN_RANGE('10 + k')} as at,
         case
           when bench_u(i, 20 + k) < 0.88 then 'sent' when bench_u(i, 20 + k) < 0.92 then 'skipped:unsubscribed'
           when bench_u(i, 20 + k) < 0.95 then 'skipped:frequency_cap' when bench_u(i, 20 + k) < 0.96 then 'skipped:suppressed'
           when bench_u(i, 20 + k) < 0.98 then 'skipped:no_address' when bench_u(i, 20 + k) < 0.99 then 'failed:invalid_address'
           else 'failed:provider' end as reason,
         bench_u(i, 30 + k) as e
       from generate_series($1::bigint, $2::bigint) i, generate_series(1, ${MESSAGES_PER_RUN}) k
     ) decided
   ) m`,
  `insert into run_steps (run_id, step_id, visit, workflow_id, journey_id, journey_version, customer_id, kind, entered_at, finished_at, outcome, result)
   select ${RUN_ID}, step, 1, ${RUN}, '${JOURNEY}', ${VERSION}, 'c' || i, kind, at - interval '1 day', at, 'finished: ' || result, result
   from (
     select i, (array['wait-1d', 'wait-2d', 'plan-check', 'offer-split', 'nps'])[k] as step,
       (array['wait', 'wait', 'branch', 'split', 'survey'])[k] as kind,
       ${IN_RANGE('40 + k')} as at,
       (array['done', 'done',
         case when bench_u(i, 3) < 0.3 then 'case-1' else 'else' end,
         case when bench_u(i, 4) < 0.5 then 'control' else 'discount' end,
         case when bench_u(i, 70) < 0.25 then (case when bench_u(i, 71) > 0.6 then 'promoter' when bench_u(i, 71) > 0.35 then 'passive' else 'detractor' end) else 'no_response' end])[k] as result
     from generate_series($1::bigint, $2::bigint) i, generate_series(1, 5) k
   ) s`,
  `insert into journey_runs (run_id, workflow_id, journey_id, journey_version, customer_id, status, end_reason, ended_at)
   select ${RUN_ID}, ${RUN}, '${JOURNEY}', ${VERSION}, 'c' || i,
     case when bench_u(i, 61) < 0.12 then 'converted' when bench_u(i, 61) < 0.2 then 'exited' else 'completed' end,
     case when bench_u(i, 61) < 0.12 then 'goal order.completed' when bench_u(i, 61) < 0.2 then 'exit_on user.deleted' else 'completed' end,
     ${IN_RANGE('62')}
   from generate_series($1::bigint, $2::bigint) i where bench_u(i, 60) < 0.85`,
  `insert into survey_responses (message_key, survey_id, customer_id, journey_id, step_id, kind, score, category, comment, sentiment_score, revision, answered_at, updated_at)
   select ${RUN} || '/' || ${RUN_ID} || '/nps/1', '${JOURNEY}.nps', 'c' || i, '${JOURNEY}', 'nps', 'nps', score,
     case when score >= 9 then 'promoter' when score >= 7 then 'passive' else 'detractor' end,
     case when bench_u(i, 72) < 0.4 then (array['Great service, fast delivery.', 'The plants arrived damaged, very disappointed.', 'Ok, nothing special.', 'Consegna veloce, prodotti bellissimi!'])[1 + (bench_u(i, 74) * 4)::int % 4] end,
     case when bench_u(i, 72) < 0.4 then bench_u(i, 73) * 2 - 1 end, 1, at, at
   from (select i, least(10, floor(sqrt(bench_u(i, 71)) * 11))::int as score, ${IN_RANGE('75')} as at
         from generate_series($1::bigint, $2::bigint) i
         where bench_u(i, 70) < 0.25 and bench_u(i, 24) < 0.88) r`,
];

interface TimedQuery {
  sql: string;
  params: unknown[];
  ms: number;
}

/** The database, timing every statement run on it or in its transactions. */
function timing(db: Db, seen: TimedQuery[]): Db {
  const timed = (q: Queryable): Queryable => ({
    async query<T>(sql: string, params: unknown[] = []) {
      const t0 = performance.now();
      const rows = await q.query<T>(sql, params);
      seen.push({ sql, params, ms: performance.now() - t0 });
      return rows;
    },
  });
  return { kind: db.kind, query: timed(db).query, transaction: (fn) => db.transaction((tx) => fn(timed(tx))), close: () => db.close() };
}

/** EXPLAIN (ANALYZE, BUFFERS) of one statement, run as the report runs it (JIT off). */
async function explain(db: Db, query: TimedQuery): Promise<string[]> {
  const rows = await db.transaction(async (tx) => {
    await tx.query('set local jit = off');
    return tx.query<Record<string, string>>(`explain (analyze, buffers) ${query.sql}`, query.params);
  });
  return rows.map((row) => row['QUERY PLAN'] ?? JSON.stringify(row));
}

interface Measured {
  rows: { messages: number; entries: number; runSteps: number; journeyRuns: number; surveyResponses: number };
  samplesMs: number[];
  /** Each statement of one report, slowest first. */
  queries: { ms: number; sql: string }[];
  explain: string[];
  tookMs: number;
}

/** The same report counted from the rows (no rollups), p50 of `repeats`. */
async function measureLive(ctx: ScenarioContext, db: Db, range: ResolvedReportQuery, repeats: number): Promise<number[]> {
  const query = { journeyId: range.journeyId, since: range.since, until: range.until };
  const samplesMs: number[] = [];
  ctx.progress.start('the same report from the rows (live queries)', repeats, 'reports');
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    await journeyReport(db, query, undefined, { live: true });
    samplesMs.push(performance.now() - t0);
    ctx.progress.tick(1, `${Math.round(samplesMs[r]!)} ms`);
  }
  ctx.progress.done();
  return samplesMs;
}

/** Fold the rollup changes the seeding's triggers wrote (once, after a bulk load); seconds and rows folded. */
async function compactAfterSeeding(db: Db): Promise<{ seconds: number; changes: number; rollupRows: number }> {
  const [pending] = await db.query<{ n: string }>('select count(*)::text as n from report_rollup_changes');
  const t0 = performance.now();
  await compactReportRollups(db);
  const seconds = Math.round((performance.now() - t0) / 100) / 10;
  const [rollup] = await db.query<{ n: string }>('select count(*)::text as n from report_rollup');
  return { seconds, changes: Number(pending?.n), rollupRows: Number(rollup?.n) };
}

async function measure(ctx: ScenarioContext, store: Awaited<ReturnType<typeof openStore>>, db: ReturnType<typeof openPgDb>, range: ResolvedReportQuery, repeats: number): Promise<Measured> {
  const [counts] = await db.query<Record<string, string>>(
    `select (select count(*) from messages) as messages, (select count(*) from journey_entries) as entries, (select count(*) from run_steps) as run_steps,
       (select count(*) from journey_runs) as journey_runs, (select count(*) from survey_responses) as survey_responses`,
  );
  const query = { journeyId: range.journeyId, since: range.since, until: range.until };
  await store.journeyReport(query); // warm the cache and the plans
  const samplesMs: number[] = [];
  let tookMs = 0;
  ctx.progress.start(`report over ${Number(counts?.messages).toLocaleString('en-US')} messages`, repeats, 'reports');
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    const report = await store.journeyReport(query);
    samplesMs.push(performance.now() - t0);
    tookMs = report.tookMs;
    if (report.steps.length === 0 || report.entered === 0) throw new Error(`report bench: the report over the seeded rows is empty (${JSON.stringify(report).slice(0, 300)})`);
    ctx.progress.tick(1, `${Math.round(samplesMs[r]!)} ms`);
  }
  ctx.progress.done();
  const seen: TimedQuery[] = [];
  await journeyReport(timing(db, seen), { journeyId: range.journeyId, since: range.since, until: range.until });
  const statements = seen.filter((q) => /^\s*(select|with)\b/i.test(q.sql)).sort((a, b) => b.ms - a.ms);
  const slowest = statements[0];
  const plan = slowest ? await explain(db, slowest) : [];
  return {
    rows: {
      messages: Number(counts?.messages),
      entries: Number(counts?.entries),
      runSteps: Number(counts?.run_steps),
      journeyRuns: Number(counts?.journey_runs),
      surveyResponses: Number(counts?.survey_responses),
    },
    samplesMs,
    queries: statements.map((q) => ({ ms: Math.round(q.ms * 10) / 10, sql: q.sql.replace(/\s+/g, ' ').trim() })),
    explain: plan,
    tookMs,
  };
}

/** Insert runs fromRun..toRun into every table, then ANALYZE; seconds spent per table. */
async function seed(ctx: ScenarioContext, db: ReturnType<typeof openPgDb>, fromRun: number, toRun: number, until: string): Promise<Record<string, number>> {
  const seconds: Record<string, number> = {};
  const chunk = 25_000;
  ctx.progress.start(`seed runs ${fromRun.toLocaleString('en-US')}–${toRun.toLocaleString('en-US')}`, toRun - fromRun + 1, 'runs');
  for (let first = fromRun; first <= toRun; first += chunk) {
    const last = Math.min(toRun, first + chunk - 1);
    for (const sql of SEED) {
      const table = /insert into (\w+)/.exec(sql)?.[1] ?? '?';
      const t0 = performance.now();
      await db.query(sql, [first, last, until]);
      seconds[table] = (seconds[table] ?? 0) + (performance.now() - t0) / 1000;
    }
    ctx.progress.update(last - fromRun + 1, `${((last - fromRun + 1) * MESSAGES_PER_RUN).toLocaleString('en-US')} messages`);
  }
  // What autovacuum does soon after a bulk load: statistics, and the visibility map index-only scans need.
  const t0 = performance.now();
  await db.query('vacuum analyze');
  seconds.vacuumAnalyze = (performance.now() - t0) / 1000;
  ctx.progress.done();
  return Object.fromEntries(Object.entries(seconds).map(([k, v]) => [k, Math.round(v * 10) / 10]));
}

const total = (seconds: Record<string, number>) => Math.round(Object.values(seconds).reduce((a, b) => a + b, 0));

export const scenario: Scenario = {
  name: 'report',
  title: 'journey report over 1,000,000 message rows on PostgreSQL vs the same report over 100,000 (scaling)',
  async run(ctx) {
    const big = ctx.pick(1_000_000, 100_000);
    const small = ctx.pick(100_000, 10_000);
    const repeats = ctx.pick(5, 3);
    const { admin, bench } = databaseUrls();
    await adminQuery(admin, `drop database if exists ${DATABASE} with (force)`);
    await adminQuery(admin, `create database ${DATABASE}`);
    const store = await openStore({ databaseUrl: bench, dataDir: '.' });
    const db = openPgDb(bench);
    try {
      await db.query(HASH_FN);
      const [settings] = await db.query<Record<string, string>>(
        `select version() as version, current_setting('shared_buffers') as shared_buffers, current_setting('work_mem') as work_mem,
           current_setting('max_parallel_workers_per_gather') as parallel_workers, current_setting('jit') as jit`,
      );
      // A fixed end (the whole hour), so both sizes are reported over the same 30 days.
      const until = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000).toISOString();
      const range = resolveReportQuery({ journeyId: JOURNEY, until }, new Date(until));

      const seedSmallS = await seed(ctx, db, 1, small / MESSAGES_PER_RUN, until);
      const compactSmall = await compactAfterSeeding(db);
      const baseline = await measure(ctx, store, db, range, repeats);
      const seedBigS = await seed(ctx, db, small / MESSAGES_PER_RUN + 1, big / MESSAGES_PER_RUN, until);
      const compactBig = await compactAfterSeeding(db);
      const engine = await measure(ctx, store, db, range, repeats);
      const live = await measureLive(ctx, db, range, ctx.pick(3, 2));
      const [size] = await db.query<{ size: string }>(`select pg_size_pretty(pg_total_relation_size('messages')) as size`);

      const p50 = (m: Measured) => summarize(m.samplesMs).p50;
      const parts = reportParts(range);
      const metrics: Metric[] = [
        {
          name: `report p50, ${big.toLocaleString('en-US')} vs ${small.toLocaleString('en-US')} messages`,
          unit: 'ms',
          engine: p50(engine),
          baseline: p50(baseline),
          targets: ctx.quick ? [] : [{ on: 'engine', op: '<=', value: 1000 }],
        },
        { name: `report p50 over ${big.toLocaleString('en-US')} messages, rollups vs counted from the rows`, unit: 'ms', engine: p50(engine), baseline: summarize(live).p50 },
        { name: 'report max', unit: 'ms', engine: summarize(engine.samplesMs).max, baseline: summarize(baseline.samplesMs).max },
        { name: 'slowest query', unit: 'ms', engine: engine.queries[0]?.ms ?? null, baseline: baseline.queries[0]?.ms ?? null },
      ];
      const slowestName = (m: Measured) => /from (\w+)/.exec(m.queries[0]?.sql ?? '')?.[1] ?? '?';
      const notes = [
        `PostgreSQL ${settings?.version?.split(' ')[1] ?? '?'} on 127.0.0.1 (shared_buffers ${settings?.shared_buffers}, work_mem ${settings?.work_mem}, ` +
          `${settings?.parallel_workers} parallel workers per gather, jit ${settings?.jit}); database ${DATABASE}, created and dropped by the run.`,
        `Rows: ${engine.rows.messages.toLocaleString('en-US')} messages (${size?.size} with indexes), ${engine.rows.entries.toLocaleString('en-US')} entries, ` +
          `${engine.rows.runSteps.toLocaleString('en-US')} run_steps, ${engine.rows.journeyRuns.toLocaleString('en-US')} journey_runs, ` +
          `${engine.rows.surveyResponses.toLocaleString('en-US')} survey_responses; every row in the report's journey and 30-day range (the worst case: nothing filtered out by the indexes).`,
        `Slowest statement: ${slowestName(engine)} (${engine.queries[0]?.ms} ms of ${engine.tookMs} ms); its EXPLAIN (ANALYZE, BUFFERS) is in the JSON (details.explain).`,
        `Seeding (generate_series through the rollup triggers + VACUUM ANALYZE): ${total(seedSmallS)} s + ${total(seedBigS)} s; ` +
          `the first compaction after each bulk load folded ${compactSmall.changes.toLocaleString('en-US')} and ${compactBig.changes.toLocaleString('en-US')} rollup changes in ` +
          `${compactSmall.seconds} s and ${compactBig.seconds} s (${compactBig.rollupRows.toLocaleString('en-US')} rollup rows in all).`,
        `Range ${range.since} – ${range.until}: ${parts.rolled ? `whole days ${parts.rolled.daysFrom} – ${parts.rolled.daysUntil} from the daily rollups, the whole hours ${parts.rolled.from} – ${parts.rolled.until} around them from the hourly ones` : 'no whole hour'}` +
          `, ${parts.edges.length} partial hour(s) at the edges counted from the rows.`,
      ];
      return {
        metrics,
        notes,
        database: 'PostgreSQL',
        details: {
          postgres: settings,
          query: range,
          big: { ...engine, samplesMs: engine.samplesMs.map((ms) => Math.round(ms * 10) / 10) },
          small: { ...baseline, samplesMs: baseline.samplesMs.map((ms) => Math.round(ms * 10) / 10) },
          explain: engine.explain,
          seedSeconds: { small: seedSmallS, big: seedBigS },
          compaction: { small: compactSmall, big: compactBig },
          liveSamplesMs: live.map((ms) => Math.round(ms * 10) / 10),
        },
      };
    } finally {
      await store.close().catch(() => undefined);
      await db.close().catch(() => undefined);
      await adminQuery(admin, `drop database if exists ${DATABASE} with (force)`);
    }
  },
};
