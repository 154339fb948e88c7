// seedDemo: fills the store with a few hundred made-up customers (demo-0001…, @example.com) and
// six weeks of their runs of the loaded journeys — entries, step results, endings, messages with
// opens and clicks, survey answers with sentiment — so the reports have something to show.
// Deterministic (seeded per customer from its id) and idempotent (a seeded customer is skipped).
import { resolve } from 'node:path';
import type { RunRef } from '../activities/contract';
import { journeyWorkflowId } from '../core/ids';
import { loadJourneys } from '../dsl/load';
import { formatProblem } from '../dsl/problems';
import type { JourneySnapshot } from '../dsl/schema';
import { stableHash32 } from '../dsl/split';
import type { JourneyEvent } from '../core/events';
import type { Store } from '../store/types';
import { categorize } from '../surveys/scoring';
import { compilePlan } from '../workflows/plan';
import { backdateMessages } from './backdate';
import { demoCustomerId, makeCustomer, type DemoCustomer } from './people';
import { fakeUuid, seededRng, type Rng } from './random';
import { simulateRun, type SimMessage, type SimRun } from './simulate';

const DAY_MS = 86_400_000;
/**
 * Entries are spread over this many days before `now`: more than a report's 30 days, so runs that
 * entered earlier reach their later steps (surveys, splits) inside the range, as in a live system.
 */
export const DEMO_DAYS = 45;

export interface SeedDemoOptions {
  /** The end of the demo period: every made-up time is before it. */
  now: Date;
  /** How many demo customers there should be (ids demo-0001 … demo-N). @default 300 */
  customers?: number;
  /** The journeys to make runs of. @default loaded with the DSL loader from `journeysDir` and `templatesDir` */
  journeys?: readonly JourneySnapshot[];
  /** @default 'journeys' (from the working directory) */
  journeysDir?: string;
  /** @default 'templates' */
  templatesDir?: string;
}

export interface SeedDemoResult {
  /** Demo customers in the store now. */
  customers: number;
  /** Of those, added by this call (0 on a second call). */
  added: number;
  runs: number;
  messages: number;
  responses: number;
}

export async function seedDemo(store: Store, options: SeedDemoOptions): Promise<SeedDemoResult> {
  const now = options.now.getTime();
  const journeys = options.journeys ?? (await loadDemoJourneys(options));
  const plans = journeys.map((snapshot) => ({ snapshot, plan: compilePlan(snapshot.journey) }));
  const result: SeedDemoResult = { customers: 0, added: 0, runs: 0, messages: 0, responses: 0 };
  const count = options.customers ?? 300;
  for (let index = 1; index <= count; index++) {
    result.customers++;
    // The contact is written last, with `demo: true`: a customer whose contact is there is complete.
    const existing = await store.getContact(demoCustomerId(index));
    if (existing?.traits.demo === true) continue;
    const rng = seededRng(`touchpoint-demo\u0000${demoCustomerId(index)}`);
    const customer = makeCustomer(index, rng, now);
    for (const { snapshot, plan } of plans) {
      for (const [n, enteredAt] of entryTimes(snapshot, customer, rng, now).entries()) {
        const identity = runIdentity(snapshot, customer, rng, n, enteredAt);
        const run = simulateRun({ snapshot, plan, customer, rng, now, enteredAt, ...identity });
        await writeRun(store, snapshot, customer, run, { enteredAt, entryKey: identity.entryKey ?? '', triggerId: identity.trigger.id }, result);
      }
    }
    if (customer.unsubscribedAt !== null && customer.unsubscribedAt < now) {
      await store.setConsent({ customerId: customer.customerId, channel: 'email', status: 'unsubscribed', source: 'unsubscribe_link', reason: 'clicked unsubscribe (demo data)', by: null, at: iso(customer.unsubscribedAt) });
    }
    await store.upsertContact({ customerId: customer.customerId, traits: customer.traits, at: iso(customer.signedUpAt) });
    result.added++;
  }
  return result;
}

async function loadDemoJourneys(options: SeedDemoOptions): Promise<JourneySnapshot[]> {
  const loaded = await loadJourneys({ paths: [resolve(options.journeysDir ?? 'journeys')], templatesDir: resolve(options.templatesDir ?? 'templates') });
  if (loaded.problems.length > 0) {
    throw new Error(`demo data: the journeys have ${loaded.problems.length} problem(s); fix them first (touchpoint validate):\n${loaded.problems.map(formatProblem).join('\n')}`);
  }
  return loaded.journeys;
}

/** When this customer entered this journey in the demo period: once, several orders, or not at all. */
function entryTimes(snapshot: JourneySnapshot, customer: DemoCustomer, rng: Rng, now: number): number[] {
  const { journey } = snapshot;
  const from = Math.max(customer.signedUpAt, now - DEMO_DAYS * DAY_MS);
  const reentry = journey.entry.reentry;
  const times = reentry === 'always' ? rng.weighted([[0, 15], [1, 55], [2, 22], [3, 8]] as const) : rng.chance(reentry === 'once' ? 0.6 : 0.55) ? 1 : 0;
  return Array.from({ length: times }, () => rng.between(from, now - 3_600_000)).filter((t) => t > from).sort((a, b) => a - b);
}

function runIdentity(snapshot: JourneySnapshot, customer: DemoCustomer, rng: Rng, n: number, enteredAt: number): { run: RunRef; trigger: JourneyEvent; entryKey: string | undefined } {
  const { journey } = snapshot;
  const entryKey = journey.entry.key ? `D-${customer.customerId.slice(5)}-${n + 1}` : undefined;
  const event = 'event' in journey.trigger ? journey.trigger.event : journey.trigger.inactivity.event;
  const workflowId = journeyWorkflowId(journey.id, customer.customerId, entryKey);
  const trigger = { id: `demo-${journey.id}-${customer.customerId}-${n + 1}`, name: event, properties: entryKey ? { order_id: entryKey, total: Math.round(rng.between(15, 180) * 100) / 100, currency: 'EUR' } : {}, timestamp: iso(enteredAt) };
  return { run: { workflowId, runId: fakeUuid(rng), journeyId: journey.id, journeyVersion: snapshot.version, customerId: customer.customerId }, trigger, entryKey };
}

interface Entry {
  enteredAt: number;
  /** '' for a journey without an entry key. */
  entryKey: string;
  triggerId: string;
}

async function writeRun(store: Store, snapshot: JourneySnapshot, customer: DemoCustomer, sim: SimRun, entry: Entry, result: SeedDemoResult): Promise<void> {
  const { run } = sim;
  await store.recordEntry({
    journeyId: run.journeyId, customerId: run.customerId, entryKey: entry.entryKey, workflowId: run.workflowId,
    triggerMessageId: entry.triggerId, enteredAt: iso(entry.enteredAt), journeyVersion: run.journeyVersion,
  });
  const claimed = new Set<string>();
  for (const message of sim.messages) {
    if (await writeMessage(store, snapshot, customer, sim, entry.triggerId, message)) claimed.add(message.messageKey);
  }
  // Only for messages this call created: a second engagement or answer would count twice.
  for (const answer of sim.answers.filter((a) => claimed.has(a.messageKey))) {
    await store.saveSurveyResponse({
      messageKey: answer.messageKey, surveyId: `${run.journeyId}.${answer.stepId}`, customerId: run.customerId, journeyId: run.journeyId, stepId: answer.stepId,
      kind: answer.kind, score: answer.score, category: categorize(answer.kind, answer.score), comment: answer.comment, sentimentScore: answer.sentimentScore, at: iso(answer.at),
    });
    result.responses++;
  }
  await store.recordRunProgress(sim.progress);
  await backdateMessages(store, sim.messages.filter((m) => claimed.has(m.messageKey)).map((m) => ({ messageKey: m.messageKey, at: iso(m.at) })));
  result.runs++;
  result.messages += claimed.size;
}

async function writeMessage(store: Store, snapshot: JourneySnapshot, customer: DemoCustomer, sim: SimRun, triggerId: string, m: SimMessage): Promise<boolean> {
  const address = typeof customer.traits.email === 'string' ? customer.traits.email : null;
  const { claimed } = await store.claimMessage({
    ...sim.run, messageKey: m.messageKey, stepId: m.stepId, channel: m.channel, template: m.template,
    templateVersion: snapshot.templates[m.template] ?? '', address, category: m.category, triggerId,
  });
  if (!claimed) return false;
  const sent = m.reason === 'sent';
  await store.finishMessage(m.messageKey, {
    reason: m.reason, detail: m.detail, at: iso(m.at), retryAt: m.retryAt === null ? null : iso(m.retryAt),
    providerId: sent ? `<demo-${stableHash32(m.messageKey).toString(16)}@demo.example.com>` : null,
    content: sent ? { subject: `[demo] ${m.template}`, text: `Demo data from touchpoint start --demo: this ${m.template} message was never sent.` } : null,
  });
  for (const open of m.engagement.opens) await store.recordEngagement({ messageKey: m.messageKey, kind: 'opened', at: iso(open.at), proxied: open.proxied });
  for (const at of m.engagement.clicks) await store.recordEngagement({ messageKey: m.messageKey, kind: 'clicked', at: iso(at) });
  return true;
}

function iso(ms: number): string {
  return new Date(Math.round(ms)).toISOString();
}
