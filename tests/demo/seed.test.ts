// The demo seed on PGlite with the repo's own journeys: made-up customers and 30 days of their
// runs that the reports read; the same data on every seed (deterministic), nothing added twice.
import { resolve } from 'node:path';
import type { JourneyReport } from '../../analytics/types';
import { seedDemo } from '../../demo/seed';
import { loadJourneys } from '../../dsl/load';
import type { JourneySnapshot } from '../../dsl/schema';
import { detectLanguage, scoreSentiment } from '../../sentiment';
import type { Store } from '../../store/types';
import { createTestStore, type TestStore } from '../support/db';

const ROOT = resolve(__dirname, '../..');
const NOW = new Date('2025-03-01T12:00:00Z');
const CUSTOMERS = 120;
const DAY_MS = 86_400_000;

describe('seedDemo', () => {
  let journeys: JourneySnapshot[];
  let first: TestStore;
  let second: TestStore;

  beforeAll(async () => {
    const loaded = await loadJourneys({ paths: [resolve(ROOT, 'journeys')], templatesDir: resolve(ROOT, 'templates'), cwd: ROOT });
    expect(loaded.problems).toEqual([]);
    journeys = loaded.journeys;
    [first, second] = await Promise.all([createTestStore('pglite'), createTestStore('pglite')]);
  });
  afterAll(async () => {
    await first?.dispose();
    await second?.dispose();
  });

  const reports = (store: Store): Promise<JourneyReport[]> =>
    Promise.all(journeys.map((s) => store.journeyReport({ journeyId: s.journey.id, until: NOW.toISOString() }, s.journey)));
  const withoutTiming = (list: JourneyReport[]) => list.map(({ generatedAt: _g, tookMs: _t, ...rest }) => rest);
  const report = (list: JourneyReport[], id: string): JourneyReport => {
    const found = list.find((r) => r.journeyId === id);
    if (!found) throw new Error(`no report for ${id}`);
    return found;
  };

  it('fills the store with demo customers and a realistic mix of runs, sends, engagement and answers', async () => {
    const result = await seedDemo(first.store, { now: NOW, customers: CUSTOMERS, journeys });
    expect(result).toEqual(expect.objectContaining({ customers: CUSTOMERS, added: CUSTOMERS }));
    expect(result.runs).toBeGreaterThan(CUSTOMERS);
    expect(result.messages).toBeGreaterThan(result.runs);

    const ada = await first.store.getContact('demo-0001');
    expect(ada?.traits).toEqual(expect.objectContaining({ demo: true, locale: expect.stringMatching(/^(en|it)$/), timezone: expect.stringMatching(/^[A-Z][a-z]+\/[A-Za-z_]+$/), first_name: expect.any(String) }));
    expect(ada?.email).toMatch(/^[a-z]+\.demo-0001@example\.com$/);
    expect(await first.store.getContact(`demo-${String(CUSTOMERS + 1).padStart(4, '0')}`)).toBeNull();

    const all = await reports(first.store);
    for (const r of all) expect(r.entered).toBeGreaterThan(10);
    const ended = all.reduce((sum, r) => ({ completed: sum.completed + r.ended.completed, exited: sum.exited + r.ended.exited, converted: sum.converted + r.ended.converted }), { completed: 0, exited: 0, converted: 0 });
    expect(ended.completed).toBeGreaterThan(ended.exited);
    expect(ended.exited).toBeGreaterThan(0);
    expect(ended.converted).toBeGreaterThan(0);

    const reasons = new Set(all.flatMap((r) => r.steps.flatMap((s) => Object.keys(s.skipped ?? {}))));
    for (const reason of ['skipped:unsubscribed', 'deferred:quiet_hours', 'failed:provider']) expect(reasons).toContain(reason);
    const sends = all.flatMap((r) => r.steps.filter((s) => s.sent !== undefined));
    const total = (key: 'sent' | 'opened' | 'clicked') => sends.reduce((sum, s) => sum + (s[key] ?? 0), 0);
    expect(total('sent')).toBeGreaterThan(total('opened'));
    expect(total('opened')).toBeGreaterThan(total('clicked'));
    expect(total('clicked')).toBeGreaterThan(0);
    // Mostly sent: the skips and failures are the exception.
    expect(total('sent') / sends.reduce((sum, s) => sum + s.reached, 0)).toBeGreaterThan(0.75);

    // Step ids and split variants are the journeys' own.
    const postPurchase = report(all, 'post-purchase');
    expect(postPurchase.steps.map((s) => s.stepId)).toEqual(expect.arrayContaining(['thank-you', 'await-delivery', 'nps']));
    const nps = postPurchase.surveys.find((s) => s.kind === 'nps');
    expect(nps?.responses).toBeGreaterThan(5);
    expect(nps?.sentiment.negative).toBeGreaterThan(0);
    expect(nps?.overTime.filter((p) => p.score !== null).length).toBeGreaterThan(3);
    const split = report(all, 'win-back').splits[0];
    expect(split?.variants.map((v) => v.variantId).sort()).toEqual(['control', 'discount-10', 'free-shipping']);
    expect(split?.variants.find((v) => v.control)?.variantId).toBe('control');
    expect(split?.variants.reduce((sum, v) => sum + v.runs, 0)).toBeGreaterThan(10);

    // Messages carry their made-up times, spread over the month, never after `now`.
    const created = (await first.store.listMessages({ customerId: 'demo-0002', limit: 100 })).concat(await first.store.listMessages({ customerId: 'demo-0003', limit: 100 })).map((m) => Date.parse(m.createdAt));
    expect(created.length).toBeGreaterThan(0);
    expect(Math.max(...created)).toBeLessThan(NOW.getTime());
    expect(Math.min(...created)).toBeLessThan(NOW.getTime() - 7 * DAY_MS);
  }, 240_000);

  it('writes Italian comments too, some of them negative, scored by the sentiment lexicon', async () => {
    let found: { comment: string | null; sentimentScore: number | null } | null = null;
    for (let i = 1; i <= CUSTOMERS && !found; i++) {
      const id = `demo-${String(i).padStart(4, '0')}`;
      if ((await first.store.getContact(id))?.traits.locale !== 'it') continue;
      for (const message of await first.store.listMessages({ customerId: id, limit: 100 })) {
        const answer = message.stepId === 'nps' ? await first.store.getSurveyResponse(message.messageKey) : null;
        if (answer?.comment && detectLanguage(answer.comment) === 'it' && (answer.sentimentScore ?? 0) < 0) found = answer;
      }
    }
    expect(found).not.toBeNull();
    expect(scoreSentiment(found?.comment ?? '').score).toBe(found?.sentimentScore);
  });

  it('adds nothing on a second run', async () => {
    const before = withoutTiming(await reports(first.store));
    const again = await seedDemo(first.store, { now: new Date(NOW.getTime() + DAY_MS), customers: CUSTOMERS, journeys });
    expect(again).toEqual({ customers: CUSTOMERS, added: 0, runs: 0, messages: 0, responses: 0 });
    expect(withoutTiming(await reports(first.store))).toEqual(before);
  });

  it('makes the same data from the same clock in another store', async () => {
    await seedDemo(second.store, { now: NOW, customers: CUSTOMERS, journeys });
    expect(withoutTiming(await reports(second.store))).toEqual(withoutTiming(await reports(first.store)));
    const keys = async (store: Store) => (await store.listMessages({ customerId: 'demo-0007', limit: 100 })).map((m) => [m.messageKey, m.reason, m.createdAt, m.sentAt]);
    expect(await keys(second.store)).toEqual(await keys(first.store));
  }, 240_000);
});
