// Report rollups: the journey report's counts per UTC hour and per UTC day, kept by triggers as the rows
// they count are written, so a report over a million messages reads a few thousand rollup rows instead
// of the million: whole days from the daily counts, the whole hours at the edges of its range from the
// hourly ones, and only the minutes before the first whole hour and after the last from the rows.
//
// Writers never touch a shared counter: each trigger appends its change (+1 for a new row, -1 and +1
// when an update moves a row from one group to another) to report_rollup_changes, an append-only
// table with no unique key, so concurrent sends, batches of engagement events and erasures never wait
// on each other nor deadlock. A compaction (one at a time, under an advisory lock) folds the pending
// changes into report_rollup in key order; the report runs one first, then reads both tables in one
// snapshot, so a change is counted exactly once whether or not it was folded yet.
//
// Families, their time column, keys and counts (k and n columns of report_rollup):
//   entries   journey_entries.entered_at  —                                 n1 entries (rows that started a run:
//             joined_run false; migration 10, REPORT_COUNTS_MIGRATION)
//   endings   journey_runs.ended_at       k1 status, k2 end_reason          n1 runs
//   messages  messages.created_at         k1 step_id, k2 reason             n1 decided, n2 delivered, n3 opened,
//                                                                           n4 opened only by a proxy, n5 clicked
//   steps     run_steps.finished_at       k1 step_id, k2 kind, k3 result    n1 visits, n2 first visits
//             (a step the run still waits in: entered_at, result 'waiting'; migration 10, REACHED_AT)
//   variants  run_steps.finished_at       k1 split step_id, k2 variant      n1 runs, n2 of those converted
//             (first visits of split steps; n2 follows the run's journey_runs.status, whenever it ends)
//   answers   survey_responses.answered_at k1 step_id, k2 kind, k3 template, n1 answers, n2 with a comment,
//             (version and template are     k4 score                          n3 negative, n4 neutral,
//              the surveyed message's)                                        n5 positive comments
// The definitions match store/sql-reports.ts's live queries, which still count the partial hours at
// the edges of a range; tests/analytics/report-rollups.test.ts checks the two agree.
import { NEUTRAL_BAND } from '../sentiment/score';

/** Arbitrary but fixed: the advisory lock key of a rollup compaction. */
export const ROLLUP_COMPACTION_LOCK_KEY = 7_140_051_007;

/** The UTC hour holding a time, as a timestamptz (date_trunc alone would follow the session's time zone). */
const hour = (column: string) => `(date_trunc('hour', (${column}) at time zone 'UTC') at time zone 'UTC')`;

/**
 * One change row. `row` is `old` or `new`; `sign` 1 or -1. Keys are text ('' for none), counts are
 * the row's contribution (0 or 1 each) times the sign.
 */
const change = (family: string, row: string, timeColumn: string, version: string, keys: string[], counts: string[], sign: '1' | '-1') =>
  changeAt(family, row, `${row}.${timeColumn}`, version, keys, counts, sign);

/** `change` with the row's time as an expression (e.g. `coalesce(new.finished_at, new.entered_at)`). */
const changeAt = (family: string, row: string, time: string, version: string, keys: string[], counts: string[], sign: '1' | '-1') => {
  const k = [...keys, "''", "''", "''", "''"].slice(0, 4);
  const n = [...counts, '0', '0', '0', '0', '0'].slice(0, 5).map((c) => (c === '0' ? '0' : `${sign} * (${c})`));
  return `insert into report_rollup_changes (journey_id, family, hour, journey_version, k1, k2, k3, k4, n1, n2, n3, n4, n5)
      values (${row}.journey_id, '${family}', ${hour(time)}, ${version}, ${k.join(', ')}, ${n.join(', ')});`;
};

/** A boolean as 0/1, null counting as false (as `count(*) filter (where …)` does). */
const flag = (condition: string) => `(coalesce(${condition}, false))::int`;

// messages: decided rows only (reason set).
const messageCounts = (r: string) => [
  '1',
  flag(`${r}.reason = 'sent' and (${r}.channel <> 'sms' or ${r}.delivery_status = 'delivered')`),
  flag(`${r}.open_count > 0`),
  flag(`${r}.open_count = 0 and ${r}.proxied_open_count > 0`),
  flag(`${r}.click_count > 0`),
];
const messageGroup = (r: string) => `row(${r}.journey_id, ${r}.journey_version, ${r}.step_id, ${r}.reason, ${hour(`${r}.created_at`)}, ${messageCounts(r).slice(1).join(', ')})`;

// survey_responses: the sentiment classes as the report defines them (sentiment/score.ts's neutral band).
const HAS_COMMENT = (r: string) => `${r}.comment is not null and btrim(${r}.comment) <> ''`;
const answerCounts = (r: string) => [
  '1',
  flag(HAS_COMMENT(r)),
  flag(`${HAS_COMMENT(r)} and coalesce(${r}.sentiment_score, 0) <= -${NEUTRAL_BAND}::float8`),
  flag(`${HAS_COMMENT(r)} and coalesce(${r}.sentiment_score, 0) > -${NEUTRAL_BAND}::float8 and coalesce(${r}.sentiment_score, 0) < ${NEUTRAL_BAND}::float8`),
  flag(`${HAS_COMMENT(r)} and coalesce(${r}.sentiment_score, 0) >= ${NEUTRAL_BAND}::float8`),
];

/** Migration 7's statements: the tables, the triggers, and the rollup of the rows already there. */
export const ROLLUP_MIGRATION: string[] = [
  // Each group twice: per UTC hour (span 'hour', for the ragged edges of a range) and per UTC day ('day').
  `create table report_rollup (
    journey_id text not null,
    family text not null,
    span text not null check (span in ('hour', 'day')),
    at timestamptz not null,
    journey_version text not null,
    k1 text not null, k2 text not null, k3 text not null, k4 text not null,
    n1 bigint not null, n2 bigint not null, n3 bigint not null, n4 bigint not null, n5 bigint not null,
    primary key (journey_id, family, span, at, journey_version, k1, k2, k3, k4)
  )`,
  // Append-only; read by journey and family between compactions.
  `create table report_rollup_changes (
    journey_id text not null,
    family text not null,
    hour timestamptz not null,
    journey_version text not null,
    k1 text not null, k2 text not null, k3 text not null, k4 text not null,
    n1 bigint not null, n2 bigint not null, n3 bigint not null, n4 bigint not null, n5 bigint not null
  )`,
  `create index report_rollup_changes_idx on report_rollup_changes (journey_id, family, hour)`,
  // Emptied by every compaction: vacuumed and analysed after every thousand rows, not a fifth of the table.
  `alter table report_rollup_changes set (autovacuum_vacuum_threshold = 1000, autovacuum_vacuum_scale_factor = 0,
    autovacuum_analyze_threshold = 1000, autovacuum_analyze_scale_factor = 0, autovacuum_vacuum_insert_threshold = 1000,
    autovacuum_vacuum_insert_scale_factor = 0)`,

  `create function report_rollup_entries() returns trigger language plpgsql as $$
  begin
    if tg_op = 'UPDATE' and row(old.journey_id, old.journey_version, ${hour('old.entered_at')}) is not distinct from row(new.journey_id, new.journey_version, ${hour('new.entered_at')}) then
      return null;
    end if;
    if tg_op <> 'INSERT' then ${change('entries', 'old', 'entered_at', "coalesce(old.journey_version, '')", [], ['1'], '-1')} end if;
    if tg_op <> 'DELETE' then ${change('entries', 'new', 'entered_at', "coalesce(new.journey_version, '')", [], ['1'], '1')} end if;
    return null;
  end $$`,
  `create trigger report_rollup after insert or update or delete on journey_entries for each row execute function report_rollup_entries()`,

  `create function report_rollup_messages() returns trigger language plpgsql as $$
  begin
    if tg_op = 'UPDATE' and (old.reason is null) = (new.reason is null) and ${messageGroup('old')} is not distinct from ${messageGroup('new')} then
      return null;
    end if;
    if tg_op <> 'INSERT' and old.reason is not null then
      ${change('messages', 'old', 'created_at', 'old.journey_version', ['old.step_id', 'old.reason'], messageCounts('old'), '-1')}
    end if;
    if tg_op <> 'DELETE' and new.reason is not null then
      ${change('messages', 'new', 'created_at', 'new.journey_version', ['new.step_id', 'new.reason'], messageCounts('new'), '1')}
    end if;
    return null;
  end $$`,
  `create trigger report_rollup after insert or delete on messages for each row execute function report_rollup_messages()`,
  // Most updates (status, attempts, a second open) change no count: Postgres skips the function for them.
  `create trigger report_rollup_update after update on messages for each row when (
      old.reason is distinct from new.reason or old.step_id is distinct from new.step_id or old.journey_id is distinct from new.journey_id
      or old.journey_version is distinct from new.journey_version or old.created_at is distinct from new.created_at
      or old.channel is distinct from new.channel or old.delivery_status is distinct from new.delivery_status
      or (old.open_count > 0) is distinct from (new.open_count > 0) or (old.proxied_open_count > 0) is distinct from (new.proxied_open_count > 0)
      or (old.click_count > 0) is distinct from (new.click_count > 0)
    ) execute function report_rollup_messages()`,

  // run_steps: every visit (steps), and a split's first visit (variants; converted if its run already ended so).
  `create function report_rollup_run_steps() returns trigger language plpgsql as $$
  declare
    converted int;
  begin
    if tg_op = 'UPDATE' and row(old.journey_id, old.journey_version, old.step_id, old.kind, old.result, old.visit, old.run_id, ${hour('old.finished_at')})
        is not distinct from row(new.journey_id, new.journey_version, new.step_id, new.kind, new.result, new.visit, new.run_id, ${hour('new.finished_at')}) then
      return null;
    end if;
    if tg_op <> 'INSERT' then
      ${change('steps', 'old', 'finished_at', 'old.journey_version', ['old.step_id', 'old.kind', 'old.result'], ['1', flag('old.visit = 1')], '-1')}
      if old.kind = 'split' and old.visit = 1 then
        select count(*) into converted from journey_runs where run_id = old.run_id and status = 'converted';
        ${change('variants', 'old', 'finished_at', 'old.journey_version', ['old.step_id', 'old.result'], ['1', 'converted'], '-1')}
      end if;
    end if;
    if tg_op <> 'DELETE' then
      ${change('steps', 'new', 'finished_at', 'new.journey_version', ['new.step_id', 'new.kind', 'new.result'], ['1', flag('new.visit = 1')], '1')}
      if new.kind = 'split' and new.visit = 1 then
        select count(*) into converted from journey_runs where run_id = new.run_id and status = 'converted';
        ${change('variants', 'new', 'finished_at', 'new.journey_version', ['new.step_id', 'new.result'], ['1', 'converted'], '1')}
      end if;
    end if;
    return null;
  end $$`,
  `create trigger report_rollup after insert or update or delete on run_steps for each row execute function report_rollup_run_steps()`,
  // Splits are found by run: the primary key (run_id, step_id, visit) serves the lookup.

  // journey_runs: the ending, and the conversion of the run's split visits.
  `create function report_rollup_journey_runs() returns trigger language plpgsql as $$
  declare
    s record;
    was int := case when tg_op <> 'INSERT' and old.status = 'converted' then 1 else 0 end;
    now_converted int := case when tg_op <> 'DELETE' and new.status = 'converted' then 1 else 0 end;
  begin
    if tg_op = 'UPDATE' and row(old.journey_id, old.journey_version, old.status, old.end_reason, ${hour('old.ended_at')}, old.run_id)
        is not distinct from row(new.journey_id, new.journey_version, new.status, new.end_reason, ${hour('new.ended_at')}, new.run_id) then
      return null;
    end if;
    if tg_op <> 'INSERT' then ${change('endings', 'old', 'ended_at', 'old.journey_version', ['old.status', 'old.end_reason'], ['1'], '-1')} end if;
    if tg_op <> 'DELETE' then ${change('endings', 'new', 'ended_at', 'new.journey_version', ['new.status', 'new.end_reason'], ['1'], '1')} end if;
    if was <> now_converted or (tg_op = 'UPDATE' and old.run_id <> new.run_id) then
      for s in select * from run_steps where run_id = case when tg_op = 'DELETE' then old.run_id else new.run_id end and kind = 'split' and visit = 1 loop
        insert into report_rollup_changes (journey_id, family, hour, journey_version, k1, k2, k3, k4, n1, n2, n3, n4, n5)
          values (s.journey_id, 'variants', ${hour('s.finished_at')}, s.journey_version, s.step_id, s.result, '', '', 0, now_converted - was, 0, 0, 0);
      end loop;
    end if;
    return null;
  end $$`,
  `create trigger report_rollup after insert or update or delete on journey_runs for each row execute function report_rollup_journey_runs()`,

  // survey_responses: counted with the surveyed message's version and template, as the live query joins them.
  `create function report_rollup_answers() returns trigger language plpgsql as $$
  declare
    m record;
  begin
    if tg_op = 'UPDATE' and row(old.message_key, old.journey_id, old.step_id, old.kind, old.score, ${hour('old.answered_at')}, ${answerCounts('old').slice(1).join(', ')})
        is not distinct from row(new.message_key, new.journey_id, new.step_id, new.kind, new.score, ${hour('new.answered_at')}, ${answerCounts('new').slice(1).join(', ')}) then
      return null;
    end if;
    if tg_op <> 'INSERT' then
      select journey_version, template into m from messages where message_key = old.message_key;
      if found then
        ${change('answers', 'old', 'answered_at', 'm.journey_version', ['old.step_id', 'old.kind', 'm.template', 'old.score::text'], answerCounts('old'), '-1')}
      end if;
    end if;
    if tg_op <> 'DELETE' then
      select journey_version, template into m from messages where message_key = new.message_key;
      if found then
        ${change('answers', 'new', 'answered_at', 'm.journey_version', ['new.step_id', 'new.kind', 'm.template', 'new.score::text'], answerCounts('new'), '1')}
      end if;
    end if;
    return null;
  end $$`,
  `create trigger report_rollup after insert or update or delete on survey_responses for each row execute function report_rollup_answers()`,
  // An answer needs its message to be counted; a message deleted after its answer takes the answer's count with it.
  `create function report_rollup_answered_messages() returns trigger language plpgsql as $$
  declare
    a record;
  begin
    for a in select * from survey_responses where message_key = old.message_key loop
      insert into report_rollup_changes (journey_id, family, hour, journey_version, k1, k2, k3, k4, n1, n2, n3, n4, n5)
        values (a.journey_id, 'answers', ${hour('a.answered_at')}, old.journey_version, a.step_id, a.kind, old.template, a.score::text,
          ${answerCounts('a').map((c) => `-1 * (${c})`).join(', ')});
    end loop;
    return null;
  end $$`,
  `create trigger report_rollup_answers after delete on messages for each row execute function report_rollup_answered_messages()`,

  // The rows already there, counted once (the live queries' definitions, grouped by hour).
  `insert into report_rollup_changes (journey_id, family, hour, journey_version, k1, k2, k3, k4, n1, n2, n3, n4, n5)
    select journey_id, 'entries', ${hour('entered_at')}, coalesce(journey_version, ''), '', '', '', '', count(*), 0, 0, 0, 0
    from journey_entries group by 1, 2, 3, 4`,
  `insert into report_rollup_changes (journey_id, family, hour, journey_version, k1, k2, k3, k4, n1, n2, n3, n4, n5)
    select journey_id, 'endings', ${hour('ended_at')}, journey_version, status, end_reason, '', '', count(*), 0, 0, 0, 0
    from journey_runs group by 1, 2, 3, 4, 5, 6`,
  `insert into report_rollup_changes (journey_id, family, hour, journey_version, k1, k2, k3, k4, n1, n2, n3, n4, n5)
    select m.journey_id, 'messages', ${hour('m.created_at')}, m.journey_version, m.step_id, m.reason, '', '',
      ${messageCounts('m').map((c) => `sum(${c})`).join(', ')}
    from messages m where m.reason is not null group by 1, 2, 3, 4, 5, 6`,
  `insert into report_rollup_changes (journey_id, family, hour, journey_version, k1, k2, k3, k4, n1, n2, n3, n4, n5)
    select journey_id, 'steps', ${hour('finished_at')}, journey_version, step_id, kind, result, '', count(*), sum(${flag('visit = 1')}), 0, 0, 0
    from run_steps group by 1, 2, 3, 4, 5, 6, 7`,
  `insert into report_rollup_changes (journey_id, family, hour, journey_version, k1, k2, k3, k4, n1, n2, n3, n4, n5)
    select s.journey_id, 'variants', ${hour('s.finished_at')}, s.journey_version, s.step_id, s.result, '', '', count(*), sum(${flag("r.status = 'converted'")}), 0, 0, 0
    from run_steps s left join journey_runs r on r.run_id = s.run_id
    where s.kind = 'split' and s.visit = 1 group by 1, 2, 3, 4, 5, 6`,
  `insert into report_rollup_changes (journey_id, family, hour, journey_version, k1, k2, k3, k4, n1, n2, n3, n4, n5)
    select r.journey_id, 'answers', ${hour('r.answered_at')}, m.journey_version, r.step_id, r.kind, m.template, r.score::text,
      ${answerCounts('r').map((c) => `sum(${c})`).join(', ')}
    from survey_responses r join messages m on m.message_key = r.message_key group by 1, 2, 3, 4, 5, 6, 7, 8`,
];

/** When a run_steps row counts: when the visit finished, or for a step the run still waits in, when it entered. */
export const REACHED_AT = (row?: string) => (row ? `coalesce(${row}.finished_at, ${row}.entered_at)` : 'coalesce(finished_at, entered_at)');

/**
 * Migration 10's statements. Entries: a trigger event handed to a run already in progress (entry
 * `always`, or the same entry key again) is recorded in journey_entries (the entry policy reads it) but
 * is no entry of the report. The router marks such rows joined_run; the rows stored before are marked
 * from what the tables know (the entry before it of the same workflow id, and no run of that id ending
 * between the two: then the run was still going on), and the entries rollups are counted again.
 */
export const REPORT_COUNTS_MIGRATION: string[] = [
  // No compaction folds entries while they are counted again (the report reads whatever is committed).
  `select pg_advisory_xact_lock(${ROLLUP_COMPACTION_LOCK_KEY})`,
  `alter table journey_entries add column joined_run boolean not null default false`,
  `create or replace function report_rollup_entries() returns trigger language plpgsql as $$
  begin
    if tg_op = 'UPDATE' and row(old.journey_id, old.journey_version, ${hour('old.entered_at')}, old.joined_run)
        is not distinct from row(new.journey_id, new.journey_version, ${hour('new.entered_at')}, new.joined_run) then
      return null;
    end if;
    if tg_op <> 'INSERT' and not old.joined_run then ${change('entries', 'old', 'entered_at', "coalesce(old.journey_version, '')", [], ['1'], '-1')} end if;
    if tg_op <> 'DELETE' and not new.joined_run then ${change('entries', 'new', 'entered_at', "coalesce(new.journey_version, '')", [], ['1'], '1')} end if;
    return null;
  end $$`,
  // Entries are event times and endings clock times: a run that ended at or after the entry before and
  // no later than this one closed the way for a new run; without such an ending this event joined it.
  `update journey_entries e set joined_run = true
    from (
      select journey_id, customer_id, entry_key, trigger_message_id, workflow_id, entered_at,
        lag(entered_at) over (partition by workflow_id order by entered_at, trigger_message_id) as previous_at
      from journey_entries
    ) p
    where p.journey_id = e.journey_id and p.customer_id = e.customer_id and p.entry_key = e.entry_key
      and p.trigger_message_id = e.trigger_message_id and p.previous_at is not null
      and not exists (select 1 from journey_runs r where r.workflow_id = p.workflow_id and r.ended_at >= p.previous_at and r.ended_at <= p.entered_at)`,
  `delete from report_rollup where family = 'entries'`,
  `delete from report_rollup_changes where family = 'entries'`,
  `insert into report_rollup_changes (journey_id, family, hour, journey_version, k1, k2, k3, k4, n1, n2, n3, n4, n5)
    select journey_id, 'entries', ${hour('entered_at')}, coalesce(journey_version, ''), '', '', '', '', count(*), 0, 0, 0, 0
    from journey_entries where not joined_run group by 1, 2, 3, 4`,

  // Steps a run waits in are reported when entered (finished_at null, result 'waiting') and counted
  // from then on, by entered_at until they finish; the rows already here all have a finished_at, so
  // the steps rollups stay as they are.
  `alter table run_steps alter column finished_at drop not null`,
  `create index run_steps_reached_idx on run_steps (journey_id, (${REACHED_AT()}))`,
  `create or replace function report_rollup_run_steps() returns trigger language plpgsql as $$
  declare
    converted int;
  begin
    if tg_op = 'UPDATE' and row(old.journey_id, old.journey_version, old.step_id, old.kind, old.result, old.visit, old.run_id, ${hour(REACHED_AT('old'))})
        is not distinct from row(new.journey_id, new.journey_version, new.step_id, new.kind, new.result, new.visit, new.run_id, ${hour(REACHED_AT('new'))}) then
      return null;
    end if;
    if tg_op <> 'INSERT' then
      ${changeAt('steps', 'old', REACHED_AT('old'), 'old.journey_version', ['old.step_id', 'old.kind', 'old.result'], ['1', flag('old.visit = 1')], '-1')}
      if old.kind = 'split' and old.visit = 1 then
        select count(*) into converted from journey_runs where run_id = old.run_id and status = 'converted';
        ${changeAt('variants', 'old', REACHED_AT('old'), 'old.journey_version', ['old.step_id', 'old.result'], ['1', 'converted'], '-1')}
      end if;
    end if;
    if tg_op <> 'DELETE' then
      ${changeAt('steps', 'new', REACHED_AT('new'), 'new.journey_version', ['new.step_id', 'new.kind', 'new.result'], ['1', flag('new.visit = 1')], '1')}
      if new.kind = 'split' and new.visit = 1 then
        select count(*) into converted from journey_runs where run_id = new.run_id and status = 'converted';
        ${changeAt('variants', 'new', REACHED_AT('new'), 'new.journey_version', ['new.step_id', 'new.result'], ['1', 'converted'], '1')}
      end if;
    end if;
    return null;
  end $$`,
];

const KEY = 'journey_id, family, span, at, journey_version, k1, k2, k3, k4';
const CHANGE_KEY = 'journey_id, family, hour, journey_version, k1, k2, k3, k4';
const COUNTS = ['n1', 'n2', 'n3', 'n4', 'n5'];
const SUMS = COUNTS.map((n) => `sum(${n})`).join(', ');

/**
 * Fold the pending changes into report_rollup, per hour and per day, in key order (two compactions
 * never deadlock), then drop the groups whose counts all came back to zero (a message deferred, then
 * sent, leaves its deferred group at 0). One transaction: `moved` deletes exactly the changes folded.
 */
export const COMPACT_ROLLUP = [
  `with moved as (delete from report_rollup_changes returning *),
    hours as (select ${CHANGE_KEY}, ${COUNTS.map((n) => `sum(${n}) as ${n}`).join(', ')} from moved group by ${CHANGE_KEY}),
    folded as (
      insert into report_rollup as r (${KEY}, ${COUNTS.join(', ')})
      select * from (
        select journey_id, family, 'hour', hour, journey_version, k1, k2, k3, k4, ${COUNTS.join(', ')} from hours
        union all
        select journey_id, family, 'day', date_trunc('day', hour at time zone 'UTC') at time zone 'UTC', journey_version, k1, k2, k3, k4, ${SUMS}
        from hours group by 1, 2, 3, 4, 5, 6, 7, 8, 9
      ) g order by 1, 2, 3, 4, 5, 6, 7, 8, 9
      on conflict (${KEY}) do update set ${COUNTS.map((n) => `${n} = r.${n} + excluded.${n}`).join(', ')}
      returning 1
    )
    select (select count(*) from moved)::int as moved, (select count(*) from folded)::int as folded`,
  `delete from report_rollup where ${COUNTS.map((n) => `${n} = 0`).join(' and ')}`,
];

/**
 * After a compaction that moved this many changes (a bulk load, or weeks without a report), the
 * changes table is vacuumed and analysed at once: its dead rows would otherwise slow every report's
 * read of it until autovacuum came by, and stale statistics make the planner expect thousands of rows.
 */
export const VACUUM_AFTER_CHANGES = 10_000;
