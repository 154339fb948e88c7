// Events out of order and duplicated (a fast-check generator over one journey's event
// sequence): the real workflow with the real activities on the time-skipping server (PGlite,
// SMTP) reaches the same outcome as with the clean sequence — the same steps, sends and emails —
// and ignores every repeated event id.
import fc from 'fast-check';
import type { JourneyEvent } from '../../core/events';
import type { RunState } from '../../core/run-state';
import { journeyEventSignal } from '../../workflows/definitions';
import { startWorld, type Steps, type World } from '../decision/support/world';
import { seeded } from './support/seeded';

const RUNS = 20;
const DAY = 86_400_000;

/** Three waits for three kinds of event; one of them only for a good review (stars ≥ 4). */
const STEPS: Steps = [
  { id: 'welcome', send: { channel: 'email', template: 'news' } },
  {
    id: 'ordered',
    wait_for: {
      event: 'order.completed',
      timeout: '30d',
      on_event: [{ id: 'thanks', send: { channel: 'email', template: 'receipt' } }],
      on_timeout: [{ id: 'nudge', send: { channel: 'email', template: 'tips' } }],
    },
  },
  {
    id: 'reviewed',
    wait_for: {
      event: 'review.posted',
      where: { field: 'event.properties.stars', op: 'gte', value: 4 },
      timeout: '30d',
      on_event: [{ id: 'fan', send: { channel: 'email', template: 'tips' } }],
      on_timeout: [{ id: 'ask', send: { channel: 'email', template: 'news' } }],
    },
  },
  { id: 'referred', wait_for: { event: 'friend.invited', timeout: '30d', on_event: [{ id: 'reward', send: { channel: 'email', template: 'receipt' } }] } },
  // Still running while the last copies arrive (at most 15 deliveries × 1 day), so each one reaches the run.
  { id: 'linger', wait: '20d' },
];

const event = (id: string, name: string, properties: Record<string, unknown> = {}): JourneyEvent => ({ id, name, properties, timestamp: '2030-01-01T00:00:00.000Z' });
/** The clean sequence, in the order the journey waits for them; `page.viewed` is noise no step waits for. */
const CLEAN: JourneyEvent[] = [
  event('order-1', 'order.completed', { order_id: 'A-1' }),
  event('review-1', 'review.posted', { stars: 2 }),
  event('review-2', 'review.posted', { stars: 5 }),
  event('view-1', 'page.viewed'),
  event('invite-1', 'friend.invited'),
];

interface Delivery {
  event: JourneyEvent;
  /** Time skipped before it is signalled. */
  delayMs: number;
}

/** What must not depend on the order: steps with their outcome, sends, and the emails that arrived. */
interface Outcome {
  status: RunState['status'];
  endReason: string | undefined;
  steps: string[];
  sends: string[];
  emails: string[];
}

describe('events out of order and duplicated', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld();
  });
  afterAll(async () => {
    await world?.stop();
  });

  /** One run fed `deliveries`; its outcome with the customer id written as "C". */
  async function runWith(deliveries: Delivery[]): Promise<{ outcome: Outcome; state: RunState }> {
    const email = `order-${Math.random().toString(36).slice(2)}@example.com`;
    const customerId = await world.customer({ email });
    const handle = await world.start(customerId, STEPS);
    for (const { event: next, delayMs } of deliveries) {
      if (delayMs > 0) await world.env.sleep(delayMs);
      await handle.signal(journeyEventSignal, next);
    }
    const state = await handle.result();
    const anonymous = (text: string) => text.split(customerId).join('C').replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, '<time>');
    return {
      state,
      outcome: {
        status: state.status,
        endReason: state.endReason,
        steps: state.stepsDone.map((s) => anonymous(`${s.stepId}: ${s.outcome ?? ''}`)),
        sends: state.sends.map((s) => `${s.stepId}: ${s.template} ${s.reason}`),
        emails: world.mail.to(email).map((m) => anonymous(m.subject ?? '')),
      },
    };
  }

  test('reach the same outcome as the clean sequence', async () => {
    const clean = await runWith(CLEAN.map((e) => ({ event: e, delayMs: 60 * 60_000 })));
    expect(clean.outcome.sends).toEqual(['welcome: news sent', 'thanks: receipt sent', 'fan: tips sent', 'reward: receipt sent']);

    // Any order, each event delivered 1–3 times (the same id), up to a day apart: well inside every 30-day timeout.
    const deliveries = fc
      .tuple(
        fc.shuffledSubarray(CLEAN, { minLength: CLEAN.length, maxLength: CLEAN.length }),
        fc.array(fc.integer({ min: 1, max: 3 }), { minLength: CLEAN.length, maxLength: CLEAN.length }),
      )
      .chain(([order, copies]) => {
        const sequence = order.flatMap((e, i) => Array.from({ length: copies[i] ?? 1 }, () => e));
        return fc.tuple(fc.shuffledSubarray(sequence, { minLength: sequence.length, maxLength: sequence.length }), fc.array(fc.constantFrom(0, 60_000, 3_600_000, DAY), { minLength: sequence.length, maxLength: sequence.length }));
      })
      .map(([sequence, delays]) => sequence.map((e, i): Delivery => ({ event: e, delayMs: delays[i] ?? 0 })));

    const { seed } = seeded();
    let duplicates = 0;
    let emails = 0;
    await fc.assert(
      fc.asyncProperty(deliveries, async (sequence) => {
        const { outcome, state } = await runWith(sequence);
        expect(outcome).toEqual(clean.outcome);
        expect(state.duplicateEvents).toBe(sequence.length - CLEAN.length);
        duplicates += state.duplicateEvents;
        emails += outcome.emails.length;
      }),
      { numRuns: RUNS, seed, endOnFailure: true },
    );
    console.log(`faults: events shuffled and duplicated, ${RUNS} runs (seed ${seed}) → ${RUNS}/${RUNS} same outcome as the clean sequence, ${emails} emails, ${duplicates} duplicate events ignored`);
  }, 300_000);
});
