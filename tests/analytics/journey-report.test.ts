// The journey report from SQL on both engines: every number below is counted by hand from the
// rows tests/analytics/fixture.ts inserts (its comments list them), with the range's edges and
// the version filter.
import type { JourneyReport } from '../../analytics/types';
import { STORE_KINDS } from '../support/db';
import { openAnalyticsDb, type AnalyticsDb } from '../store/analytics-db';
import { seedAb, seedFeedback, SINCE, SNAPSHOT, UNTIL } from './fixture';

describe.each(STORE_KINDS)('the journey report on %s', (kind) => {
  let rdb: AnalyticsDb;
  let all: JourneyReport;
  let v1: JourneyReport;
  beforeAll(async () => {
    rdb = await openAnalyticsDb(kind);
    await seedFeedback(rdb.db);
    await seedAb(rdb.db);
    all = await rdb.store.journeyReport({ journeyId: 'feedback', since: SINCE, until: UNTIL }, SNAPSHOT.journey);
    v1 = await rdb.store.journeyReport({ journeyId: 'feedback', since: SINCE, until: UNTIL, version: 'v1' }, SNAPSHOT.journey);
  });
  afterAll(() => rdb?.dispose());

  test('entries and endings count inside [since, until) only, each by its own time column', () => {
    // Entries e1-e8 (e1 at `since` itself, e6 at the last millisecond); e9 a millisecond early and e10 at `until` are out.
    expect(all).toMatchObject({ journeyId: 'feedback', version: null, since: SINCE, until: UNTIL, entered: 8 });
    // Converted r1, r5, r8; exited r2, r6, r7; completed r3; r4 converted on the 9th is out.
    expect(all.ended).toEqual({ completed: 1, exited: 3, converted: 3 });
    expect(all.exitsByReason).toEqual({ 'exit_on order.refunded': 2, 'exitRun by desk: customer asked': 1 });
    expect(Object.keys(all.exitsByReason)).toEqual(['exit_on order.refunded', 'exitRun by desk: customer asked']);
    // 3 conversions over 8 entries.
    expect(all.conversions).toEqual({ count: 3, of: 8, rate: 0.375 });
  });

  test('the version filter keeps one journey version in every table', () => {
    // v1: e1-e6; r7 (v2) drops out of the endings; 3 conversions of 6 entries.
    expect(v1).toMatchObject({ version: 'v1', entered: 6, ended: { completed: 1, exited: 2, converted: 3 }, exitsByReason: { 'exit_on order.refunded': 2 } });
    expect(v1.conversions).toEqual({ count: 3, of: 6, rate: 0.5 });
    // t11 and n13 are v2 messages; r7's split step is v2.
    expect(v1.steps.find((s) => s.stepId === 'thanks')).toMatchObject({ reached: 6, sent: 3, delivered: 3 }); // t1-t6 (t7 deferred)
    expect(v1.steps.find((s) => s.stepId === 'ask_nps')).toMatchObject({ reached: 13, sent: 12 });
    expect(v1.steps.find((s) => s.stepId === 'offer')).toEqual({ stepId: 'offer', kind: 'split', reached: 6, results: { control: 3, discount: 3 } });
  });

  test('steps come in journey order with their kinds; sends count decided messages by reason and engagement', () => {
    expect(all.steps.map((s) => `${s.stepId}:${s.kind}`)).toEqual([
      'thanks:send', 'offer:split', 'coupon:send', 'wait_review:wait_for', 'ask_nps:survey', 'ask_csat:survey', 'ask_ces:survey', 'route:branch', 'crm:webhook', 'done:exit',
    ]);
    const byId = Object.fromEntries(all.steps.map((s) => [s.stepId, s]));
    // t1-t6 and t11 decided (t7 deferred: it is decided again under a new key, so it is no visit of its own; t8 still
    // deciding); sent t1, t2, t3, t11; opened by a person t1, t3; proxy only t2; clicked t1.
    expect(byId.thanks).toEqual({
      stepId: 'thanks', kind: 'send', reached: 7, sent: 4, failed: 1, delivered: 4, opened: 2, openedByProxy: 1, clicked: 1,
      skipped: { 'skipped:unsubscribed': 2, 'deferred:quiet_hours': 1, 'failed:provider': 1 },
    });
    // SMS counts as delivered only when the carrier said so (c1).
    expect(byId.coupon).toEqual({
      stepId: 'coupon', kind: 'send', reached: 4, sent: 3, failed: 0, delivered: 1, opened: 0, openedByProxy: 0, clicked: 1, skipped: { 'skipped:no_address': 1 },
    });
    // Distinct runs reached; results count visits (r3 timed out twice).
    expect(byId.wait_review).toEqual({ stepId: 'wait_review', kind: 'wait_for', reached: 3, results: { event: 2, timeout: 2 } });
    expect(byId.offer).toEqual({ stepId: 'offer', kind: 'split', reached: 7, results: { discount: 4, control: 3 } });
    // r3's branch finished at `until`: out.
    expect(byId.route).toEqual({ stepId: 'route', kind: 'branch', reached: 2, results: { 'case-1': 1, else: 1 } });
    expect(byId.crm).toEqual({ stepId: 'crm', kind: 'webhook', reached: 1, results: { '200': 1 } });
    expect(byId.done).toEqual({ stepId: 'done', kind: 'exit', reached: 1, results: { exit: 1 } });
    // A survey step has its messages (n1-n13 sent, one capped) and its run_steps results.
    expect(byId.ask_nps).toMatchObject({ reached: 14, sent: 13, delivered: 13, skipped: { 'skipped:frequency_cap': 1 }, results: { detractor: 1, no_response: 1, promoter: 1 } });
  });

  test('the split compares each variant with the control: runs assigned in range, conversions whenever they happened', () => {
    expect(all.splits).toHaveLength(1);
    const [split] = all.splits;
    // control r1-r3 (r8 split before the range), 1 converted (r1); discount r4-r7, 2 converted (r4 after the range counts, r5).
    expect(split).toMatchObject({ stepId: 'offer', controlId: 'control' });
    const [control, discount] = split!.variants;
    expect(control).toEqual({ variantId: 'control', control: true, runs: 3, conversions: 1, conversionRate: 1 / 3, lift: null, diffCi95: null, pValue: null, significant: false });
    expect(discount).toMatchObject({ variantId: 'discount', control: false, runs: 4, conversions: 2, conversionRate: 0.5, significant: false });
    // lift = (1/2 − 1/3) / (1/3) = 0.5.
    expect(discount!.lift).toBeCloseTo(0.5, 12);
    // pooled p = 3/7, SE = √(3/7 · 4/7 · (1/3 + 1/4)) = √(1/7); z = (1/6)/√(1/7) = √7/6 = 0.44096; p = 2·Φ(−0.44096) = 0.65924.
    expect(discount!.pValue).toBeCloseTo(0.65924, 4);
    // Wald: √((1/3)(2/3)/3 + (1/2)(1/2)/4) = √(2/27 + 1/16) = 0.369559; ± 1.959964 · 0.369559 = ± 0.724322 around 1/6.
    expect(discount!.diffCi95![0]).toBeCloseTo(1 / 6 - 0.724322, 5);
    expect(discount!.diffCi95![1]).toBeCloseTo(1 / 6 + 0.724322, 5);
    expect(split!.sampleSizeWarning).toContain('fewer than 100: control has 3 runs, discount has 4 runs');
  });

  test('satisfaction per kind: NPS, CSAT %, CES mean, response rate, distribution, sentiment, per template and over time (v1)', () => {
    const nps = v1.surveys.find((s) => s.kind === 'nps');
    // 10 answers in range: 10, 10, 9, 9, 9 promoters (5); 8, 7 passives (2); 6, 3, 0 detractors (3).
    // NPS = (5 − 3) / 10 × 100 = 20; response rate 10 answers / 12 sent. n7 was answered at `until`: out.
    expect(nps).toMatchObject({ sent: 12, responses: 10, score: 20, categories: { promoter: 5, passive: 2, detractor: 3 } });
    expect(nps!.responseRate).toBeCloseTo(10 / 12, 12);
    expect(nps!.distribution).toEqual({ 0: 1, 1: 0, 2: 0, 3: 1, 4: 0, 5: 0, 6: 1, 7: 1, 8: 1, 9: 3, 10: 2 });
    // 5 comments (n5's blank one is none): −0.05 and −0.6 negative, 0.049 neutral, 0.8 and 0.05 positive.
    expect(nps!.sentiment).toEqual({ comments: 5, negative: 0.4, neutral: 0.2, positive: 0.4 });
    // nps-email: 10, 10, 9, 9, 9, 8 → (5 − 0)/6 = 83.3; nps-email-b: 7, 6, 3, 0 → (0 − 3)/4 = −75.
    expect(nps!.byTemplate).toEqual([
      { template: 'nps-email', responses: 6, score: (5 / 6) * 100 },
      { template: 'nps-email-b', responses: 4, score: -75 },
    ]);
    expect(nps!.overTime.filter((b) => b.responses > 0)).toEqual([
      { bucket: '2026-11-02', responses: 6, score: (5 / 6) * 100 },
      { bucket: '2026-11-04', responses: 4, score: -75 },
    ]);
    expect(nps!.overTime).toHaveLength(7);
    // CSAT: 5, 4 satisfied of 5, 4, 3, 1 → 50%; 4 answers of 5 sent.
    expect(v1.surveys.find((s) => s.kind === 'csat')).toMatchObject({
      sent: 5, responses: 4, responseRate: 0.8, score: 50, distribution: { 1: 1, 2: 0, 3: 1, 4: 1, 5: 1 }, categories: { satisfied: 2, neutral: 1, unsatisfied: 1 },
      sentiment: { comments: 0, negative: 0, neutral: 0, positive: 0 },
    });
    // CES: (7 + 5 + 2) / 3 = 4.667; 3 answers of 4 sent.
    const ces = v1.surveys.find((s) => s.kind === 'ces');
    expect(ces).toMatchObject({ sent: 4, responses: 3, responseRate: 0.75, categories: { easy: 2, neutral: 0, hard: 1 } });
    expect(ces!.score).toBeCloseTo(14 / 3, 12);
    expect(v1.surveys.map((s) => s.kind)).toEqual(['nps', 'csat', 'ces']);
    // Every version: n13 (v2, a 10) joins: (6 − 3) / 11 × 100 = 27.27, 11 answers of 13 sent.
    const npsAll = all.surveys.find((s) => s.kind === 'nps');
    expect(npsAll).toMatchObject({ sent: 13, responses: 11 });
    expect(npsAll!.score).toBeCloseTo(300 / 11, 10);
  });

  test('the time series has every day of the range, with entries, conversions and sends per day', () => {
    expect(all.overTime).toEqual([
      { bucket: '2026-11-01', entered: 3, converted: 1, sent: 3 },
      { bucket: '2026-11-02', entered: 2, converted: 1, sent: 15 },
      { bucket: '2026-11-03', entered: 2, converted: 0, sent: 2 },
      { bucket: '2026-11-04', entered: 0, converted: 0, sent: 0 },
      { bucket: '2026-11-05', entered: 0, converted: 1, sent: 5 },
      { bucket: '2026-11-06', entered: 0, converted: 0, sent: 4 },
      { bucket: '2026-11-07', entered: 1, converted: 0, sent: 0 },
    ]);
    expect(all.tookMs).toBeGreaterThanOrEqual(0);
  });

  test('weekly buckets start on Monday (1 November 2026 is a Sunday)', async () => {
    const weekly = await rdb.store.journeyReport({ journeyId: 'feedback', since: SINCE, until: UNTIL, bucket: 'week' }, SNAPSHOT.journey);
    expect(weekly.overTime).toEqual([
      { bucket: '2026-10-26', entered: 3, converted: 1, sent: 3 },
      { bucket: '2026-11-02', entered: 5, converted: 2, sent: 26 },
    ]);
  });

  test('a narrower range moves every count with it; without the journey, steps are listed as the data has them', async () => {
    // The 2nd only: e4, e5 entered; r1 converted; coupon c1-c4 and NPS n1-n12 + cap decided; wait_review r1, r2.
    const day2 = await rdb.store.journeyReport({ journeyId: 'feedback', since: '2026-11-02', until: '2026-11-03' });
    expect(day2).toMatchObject({ entered: 2, ended: { completed: 0, exited: 0, converted: 1 }, conversions: { count: 1, of: 2, rate: 0.5 } });
    expect(day2.steps.map((s) => `${s.stepId}:${s.kind}:${s.reached}`)).toEqual(['ask_nps:send:13', 'coupon:send:4', 'wait_review:wait_for:2']);
    // The answers say ask_nps asks NPS: n1-n6 answered that day, of 12 sent.
    expect(day2.surveys).toMatchObject([{ kind: 'nps', sent: 12, responses: 6 }]);
    expect(day2.splits).toEqual([]);
  });

  test('a journey without data reports zeros, its steps still listed', async () => {
    const empty = await rdb.store.journeyReport({ journeyId: 'feedback', since: '2027-01-01', until: '2027-01-02' }, SNAPSHOT.journey);
    expect(empty).toMatchObject({ entered: 0, ended: { completed: 0, exited: 0, converted: 0 }, conversions: { count: 0, of: 0, rate: null }, exitsByReason: {} });
    expect(empty.steps).toHaveLength(10);
    expect(empty.splits[0]).toMatchObject({ controlId: 'control', sampleSizeWarning: expect.stringContaining('no runs in this range') });
    expect(empty.surveys.map((s) => [s.kind, s.sent, s.responses, s.score, s.responseRate])).toEqual([['nps', 0, 0, null, null], ['csat', 0, 0, null, null], ['ces', 0, 0, null, null]]);
  });

  test('an A/B split of 200/1000 vs 250/1000 (control: the first variant, no journey given): lift, CI, p-value and the power warning', async () => {
    const report = await rdb.store.journeyReport({ journeyId: 'ab', since: SINCE, until: UNTIL });
    expect(report.ended).toEqual({ completed: 1550, exited: 0, converted: 450 });
    const [split] = report.splits;
    expect(split).toMatchObject({ stepId: 'test', controlId: 'a' });
    const [a, b] = split!.variants;
    expect(a).toMatchObject({ variantId: 'a', control: true, runs: 1000, conversions: 200, conversionRate: 0.2, pValue: null });
    expect(b).toMatchObject({ variantId: 'b', control: false, runs: 1000, conversions: 250, conversionRate: 0.25, significant: true });
    // lift (0.25 − 0.2)/0.2 = 0.25; z = 0.05/√(0.225·0.775·0.002) = 2.677398 → p = 0.0074196;
    // CI 0.05 ± 1.959964·√(0.16/1000 + 0.1875/1000) = [0.013464, 0.086536].
    expect(b!.lift).toBeCloseTo(0.25, 12);
    expect(b!.pValue).toBeCloseTo(0.0074196, 7);
    expect(b!.diffCi95![0]).toBeCloseTo(0.013464, 6);
    expect(b!.diffCi95![1]).toBeCloseTo(0.086536, 6);
    // 1094 per group are needed to see 20% → 25% with 80% power.
    expect(split!.sampleSizeWarning).toBe('b vs a: telling 20.0% from 25.0% with 80% power at α = 0.05 needs 1,094 runs per group; a has 1,000 and b 1,000.');
  });
});
