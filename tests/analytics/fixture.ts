// A hand-countable journey history for report tests: rows inserted straight into the analytics
// tables (entries, endings, run steps, messages, survey answers) of a real migrated database,
// PGlite or PostgreSQL (tests/store/analytics-db.ts opens one). Every expected number in the
// tests is counted from the lists below.
import type { Db } from '../../store/db';
import { JourneySchema, type JourneyInput, type JourneySnapshot } from '../../dsl/schema';

export const JOURNEY_ID = 'feedback';
/** The range every fixture row is placed around: [SINCE, UNTIL), Sunday 1 to Sunday 8 November 2026. */
export const SINCE = '2026-11-01T00:00:00.000Z';
export const UNTIL = '2026-11-08T00:00:00.000Z';

/** thanks, offer (control | discount → coupon), wait_review, ask_nps, ask_csat, ask_ces, route (→ crm), done. */
export const JOURNEY: JourneyInput = {
  id: JOURNEY_ID,
  name: 'Feedback',
  trigger: { event: 'order.completed' },
  exit_on: ['order.refunded'],
  goal: 'review.left',
  steps: [
    { id: 'thanks', send: { channel: 'email', template: 'thanks' } },
    {
      id: 'offer',
      split: {
        variants: [
          { id: 'control', weight: 50, control: true },
          { id: 'discount', weight: 50, steps: [{ id: 'coupon', send: { channel: 'sms', template: 'coupon' } }] },
        ],
      },
    },
    { id: 'wait_review', wait_for: { event: 'review.left', timeout: '3d' } },
    { id: 'ask_nps', survey: { kind: 'nps', channel: 'email', template: 'nps-email', wait: '3d' } },
    { id: 'ask_csat', survey: { kind: 'csat', channel: 'email', template: 'csat-email', wait: '3d' } },
    { id: 'ask_ces', survey: { kind: 'ces', channel: 'sms', template: 'ces-sms', wait: '3d' } },
    {
      id: 'route',
      branch: { cases: [{ when: { field: 'survey.category', op: 'eq', value: 'detractor' }, steps: [{ id: 'crm', webhook: { url: 'https://crm.example.com/notes' } }] }] },
    },
    { id: 'done', exit: { reason: 'finished' } },
  ],
};

export const SNAPSHOT: JourneySnapshot = { journey: JourneySchema.parse(JOURNEY), version: 'v1', templates: {}, source: 'tests/analytics/fixture.ts' };

const day = (d: number, time = '10:00:00.000') => `2026-11-${String(d).padStart(2, '0')}T${time}Z`;

export async function entry(db: Db, customer: string, at: string, version: string | null = 'v1', journeyId = JOURNEY_ID): Promise<void> {
  await db.query(
    `insert into journey_entries (journey_id, customer_id, entry_key, workflow_id, trigger_message_id, entered_at, journey_version)
     values ($1, $2, '', $3, $4, $5, $6)`,
    [journeyId, customer, `journey/${journeyId}/${customer}`, `trigger-${customer}-${at}`, at, version],
  );
}

export async function ending(db: Db, run: string, status: 'completed' | 'exited' | 'converted', reason: string, at: string, version = 'v1', journeyId = JOURNEY_ID): Promise<void> {
  await db.query(
    `insert into journey_runs (run_id, workflow_id, journey_id, journey_version, customer_id, status, end_reason, ended_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [run, `journey/${journeyId}/${run}`, journeyId, version, `cus-${run}`, status, reason, at],
  );
}

export async function step(db: Db, run: string, stepId: string, kind: string, result: string, at: string, opts: { visit?: number; version?: string; journeyId?: string } = {}): Promise<void> {
  const journeyId = opts.journeyId ?? JOURNEY_ID;
  await db.query(
    `insert into run_steps (run_id, step_id, visit, workflow_id, journey_id, journey_version, customer_id, kind, entered_at, finished_at, outcome, result)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10, $10)`,
    [run, stepId, opts.visit ?? 1, `journey/${journeyId}/${run}`, journeyId, opts.version ?? 'v1', `cus-${run}`, kind, at, result],
  );
}

export interface MessageFixture {
  key: string;
  step: string;
  template: string;
  channel?: 'email' | 'sms' | 'push';
  /** null: still being decided. */
  reason: string | null;
  at: string;
  version?: string;
  delivery?: string;
  opens?: number;
  proxiedOpens?: number;
  clicks?: number;
}

export async function message(db: Db, m: MessageFixture): Promise<void> {
  await db.query(
    `insert into messages (message_key, workflow_id, run_id, journey_id, journey_version, step_id, customer_id, channel, template, template_version,
       status, reason, created_at, delivery_status, open_count, proxied_open_count, click_count)
     values ($1, 'journey/feedback/x', 'run-x', $2, $3, $4, 'cus-x', $5, $6, 'h', $7, $8, $9, $10, $11, $12, $13)`,
    [m.key, JOURNEY_ID, m.version ?? 'v1', m.step, m.channel ?? 'email', m.template, m.reason === null ? 'deciding' : 'done', m.reason, m.at,
      m.delivery ?? null, m.opens ?? 0, m.proxiedOpens ?? 0, m.clicks ?? 0],
  );
}

export async function answer(db: Db, key: string, stepId: string, kind: string, score: number, at: string, comment: string | null = null, sentiment: number | null = null): Promise<void> {
  await db.query(
    `insert into survey_responses (message_key, survey_id, customer_id, journey_id, step_id, kind, score, category, comment, sentiment_score, answered_at, updated_at)
     values ($1, $2, 'cus-x', $3, $4, $5, $6, 'n/a', $7, $8, $9, $9)`,
    [key, `${JOURNEY_ID}.${stepId}`, JOURNEY_ID, stepId, kind, score, comment, sentiment, at],
  );
}

/** The whole history; the tests' comments count from it. */
export async function seedFeedback(db: Db): Promise<void> {
  // Entries: v1 at the first instant of the range, twice more on the 1st, twice on the 2nd, once at the last millisecond;
  // v2 twice on the 3rd; outside: the millisecond before and the until instant itself.
  await entry(db, 'e1', SINCE);
  await entry(db, 'e2', day(1));
  await entry(db, 'e3', day(1));
  await entry(db, 'e4', day(2));
  await entry(db, 'e5', day(2));
  await entry(db, 'e6', day(7, '23:59:59.999'));
  await entry(db, 'e7', day(3), 'v2');
  await entry(db, 'e8', day(3), 'v2');
  await entry(db, 'e9', '2026-10-31T23:59:59.999Z');
  await entry(db, 'e10', UNTIL);

  // Endings: r1 converted (2nd), r2 exited by order.refunded (3rd), r3 completed (6th), r4 converted after the range (9th),
  // r5 converted (5th), r6 exited by order.refunded (4th), r7 (v2) exited by support (3rd), r8 converted (1st; split before the range).
  await ending(db, 'r1', 'converted', 'goal review.left', day(2));
  await ending(db, 'r2', 'exited', 'exit_on order.refunded', day(3));
  await ending(db, 'r3', 'completed', 'end of steps', day(6));
  await ending(db, 'r4', 'converted', 'goal review.left', '2026-11-09T10:00:00.000Z');
  await ending(db, 'r5', 'converted', 'goal review.left', day(5));
  await ending(db, 'r6', 'exited', 'exit_on order.refunded', day(4));
  await ending(db, 'r7', 'exited', 'exitRun by desk: customer asked', day(3), 'v2');
  await ending(db, 'r8', 'converted', 'goal review.left', day(1));

  // Split: r1-r3 control, r4-r6 discount (v1), r7 discount (v2); r8 control but before the range.
  for (const run of ['r1', 'r2', 'r3']) await step(db, run, 'offer', 'split', 'control', day(1));
  for (const run of ['r4', 'r5', 'r6']) await step(db, run, 'offer', 'split', 'discount', day(1));
  await step(db, 'r7', 'offer', 'split', 'discount', day(3), { version: 'v2' });
  await step(db, 'r8', 'offer', 'split', 'control', '2026-10-31T12:00:00.000Z');
  // wait_review: r1, r2 got the event; r3 timed out twice (a goto loop brought it back).
  await step(db, 'r1', 'wait_review', 'wait_for', 'event', day(2));
  await step(db, 'r2', 'wait_review', 'wait_for', 'event', day(2));
  await step(db, 'r3', 'wait_review', 'wait_for', 'timeout', day(4));
  await step(db, 'r3', 'wait_review', 'wait_for', 'timeout', day(7), { visit: 2 });
  await step(db, 'r1', 'ask_nps', 'survey', 'promoter', day(3));
  await step(db, 'r2', 'ask_nps', 'survey', 'detractor', day(3));
  await step(db, 'r3', 'ask_nps', 'survey', 'no_response', day(5));
  await step(db, 'r1', 'route', 'branch', 'else', day(3));
  await step(db, 'r2', 'route', 'branch', 'case-1', day(3));
  await step(db, 'r3', 'route', 'branch', 'else', UNTIL);
  await step(db, 'r2', 'crm', 'webhook', '200', day(3));
  await step(db, 'r1', 'done', 'exit', 'exit', day(3));

  // thanks (email, 1st): 3 sent (2 opens + a click; proxy only; a person and a proxy), 2 unsubscribed, 1 provider failure,
  // 1 deferred by quiet hours, 1 still deciding; outside: before and at until; v2: one sent on the 3rd.
  await message(db, { key: 't1', step: 'thanks', template: 'thanks', reason: 'sent', at: day(1), opens: 2, clicks: 1 });
  await message(db, { key: 't2', step: 'thanks', template: 'thanks', reason: 'sent', at: day(1), proxiedOpens: 1 });
  await message(db, { key: 't3', step: 'thanks', template: 'thanks', reason: 'sent', at: day(1), opens: 1, proxiedOpens: 3 });
  await message(db, { key: 't4', step: 'thanks', template: 'thanks', reason: 'skipped:unsubscribed', at: day(1) });
  await message(db, { key: 't5', step: 'thanks', template: 'thanks', reason: 'skipped:unsubscribed', at: day(1) });
  await message(db, { key: 't6', step: 'thanks', template: 'thanks', reason: 'failed:provider', at: day(1) });
  await message(db, { key: 't7', step: 'thanks', template: 'thanks', reason: 'deferred:quiet_hours', at: day(1) });
  await message(db, { key: 't8', step: 'thanks', template: 'thanks', reason: null, at: day(1) });
  await message(db, { key: 't9', step: 'thanks', template: 'thanks', reason: 'sent', at: '2026-10-31T23:59:59.999Z' });
  await message(db, { key: 't10', step: 'thanks', template: 'thanks', reason: 'sent', at: UNTIL });
  await message(db, { key: 't11', step: 'thanks', template: 'thanks', reason: 'sent', at: day(3), version: 'v2' });

  // coupon (SMS, 2nd): delivered + clicked, undelivered, no status yet; one without a phone number.
  await message(db, { key: 'c1', step: 'coupon', template: 'coupon', channel: 'sms', reason: 'sent', at: day(2), delivery: 'delivered', clicks: 1 });
  await message(db, { key: 'c2', step: 'coupon', template: 'coupon', channel: 'sms', reason: 'sent', at: day(2), delivery: 'undelivered' });
  await message(db, { key: 'c3', step: 'coupon', template: 'coupon', channel: 'sms', reason: 'sent', at: day(2) });
  await message(db, { key: 'c4', step: 'coupon', template: 'coupon', channel: 'sms', reason: 'skipped:no_address', at: day(2) });

  // NPS (2nd): 12 sent (n1-n8 template nps-email, n9-n12 nps-email-b), one capped; v2: n13 sent on the 3rd.
  for (let i = 1; i <= 12; i++) await message(db, { key: `n${i}`, step: 'ask_nps', template: i <= 8 ? 'nps-email' : 'nps-email-b', reason: 'sent', at: day(2) });
  await message(db, { key: 'n-cap', step: 'ask_nps', template: 'nps-email', reason: 'skipped:frequency_cap', at: day(2) });
  await message(db, { key: 'n13', step: 'ask_nps', template: 'nps-email', reason: 'sent', at: day(3), version: 'v2' });
  // Answers: n1-n6 on the 2nd (10, 10, 9, 9, 9, 8), n9-n12 on the 4th (7, 6, 3, 0); n7 answered at until (outside); n8 never;
  // n13 (v2) 10 on the 3rd. Comments: 0.8 and exactly +0.05 positive, 0.049 neutral, exactly −0.05 and −0.6 negative,
  // a blank comment and no comment do not count.
  const nps: Array<[string, number, string, string | null, number | null]> = [
    ['n1', 10, day(2), 'Fantastico, grazie', 0.8],
    ['n2', 10, day(2), 'ok', 0.05],
    ['n3', 9, day(2), 'arrived', 0.049],
    ['n4', 9, day(2), 'meh', -0.05],
    ['n5', 9, day(2), '   ', null],
    ['n6', 8, day(2), null, null],
    ['n9', 7, day(4), null, null],
    ['n10', 6, day(4), null, null],
    ['n11', 3, day(4), 'arrivato rotto', -0.6],
    ['n12', 0, day(4), null, null],
    ['n7', 0, UNTIL, 'too late', -0.9],
    ['n13', 10, day(3), null, null],
  ];
  for (const [key, score, at, comment, sentiment] of nps) await answer(db, key, 'ask_nps', 'nps', score, at, comment, sentiment);

  // CSAT (5th): 5 sent, answers 5, 4, 3, 1.  CES (SMS, 6th): 4 sent, answers 7, 5, 2.
  for (let i = 1; i <= 5; i++) await message(db, { key: `s${i}`, step: 'ask_csat', template: 'csat-email', reason: 'sent', at: day(5) });
  for (const [key, score] of [['s1', 5], ['s2', 4], ['s3', 3], ['s4', 1]] as const) await answer(db, key, 'ask_csat', 'csat', score, day(5));
  for (let i = 1; i <= 4; i++) await message(db, { key: `e${i}`, step: 'ask_ces', template: 'ces-sms', channel: 'sms', reason: 'sent', at: day(6) });
  for (const [key, score] of [['e1', 7], ['e2', 5], ['e3', 2]] as const) await answer(db, key, 'ask_ces', 'ces', score, day(6));
}

/**
 * Journey `ab`: split `test` with 1000 runs in `a` (the first variant, so the control), 200 of them converted,
 * and 1000 in `b`, 250 converted — inserted by generate_series.
 */
export async function seedAb(db: Db): Promise<void> {
  const day1 = '2026-11-01T12:00:00Z';
  for (const [variant, offset, converted] of [['a', 0, 200], ['b', 1000, 250]] as const) {
    await db.query(
      `insert into run_steps (run_id, step_id, visit, workflow_id, journey_id, journey_version, customer_id, kind, entered_at, finished_at, outcome, result)
       select 'ab-' || (i + $2::int), 'test', 1, 'journey/ab/c' || (i + $2::int), 'ab', 'v1', 'c' || (i + $2::int), 'split', $3::timestamptz, $3::timestamptz, $1::text, $1::text
       from generate_series(1, 1000) as i`,
      [variant, offset, day1],
    );
    await db.query(
      `insert into journey_runs (run_id, workflow_id, journey_id, journey_version, customer_id, status, end_reason, ended_at)
       select 'ab-' || (i + $1::int), 'journey/ab/c' || (i + $1::int), 'ab', 'v1', 'c' || (i + $1::int),
         case when i <= $2::int then 'converted' else 'completed' end, 'done', $3::timestamptz
       from generate_series(1, 1000) as i`,
      [offset, converted, day1],
    );
  }
}
