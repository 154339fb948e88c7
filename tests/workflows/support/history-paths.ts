// The main paths through the sample journeys (journeys/*.yaml) that the recorder runs on the
// time-skipping server and saves under tests/histories/ for the replay test.
import { join, resolve } from 'node:path';
import type { JourneyEvent } from '../../../core/events';
import type { RunStatus } from '../../../core/run-state';
import { loadJourneys } from '../../../dsl/load';
import { formatProblem } from '../../../dsl/problems';
import type { JourneySnapshot } from '../../../dsl/schema';
import { journeyEventSignal, RUN_REVISION, type JourneyRunLimits } from '../../../workflows/definitions';
import type { Harness, RunHandle } from './harness';

const ROOT = resolve(__dirname, '../../..');
export const HISTORIES_DIR = join(ROOT, 'tests', 'histories');
const DAY = 86_400_000;

export interface HistoryPath {
  journeyId: string;
  /** Names the path; the files are `<journeyId>--<path>[--run-<n>].json`. */
  path: string;
  customerId: string;
  traits?: Record<string, unknown>;
  trigger: JourneyEvent;
  entryKey?: string;
  limits?: JourneyRunLimits;
  /** input.revision, as routing sets it (absent: a run started before revisions, asking patched()). */
  revision?: number;
  /** The first send of the run is deferred by quiet hours (exercises the durable retry timer). */
  deferFirstSend?: boolean;
  /** Signals and time travel while the run goes. */
  drive?(h: Harness, handle: RunHandle): Promise<void>;
  /** How the run must end, or the recording is wrong. */
  expectStatus: RunStatus;
  /** Steps the path must have gone through (in this order, others may come between). */
  expectSteps: string[];
}

const at = (id: string, name: string, properties: Record<string, unknown> = {}): JourneyEvent => ({
  id,
  name,
  properties,
  timestamp: '2030-03-01T09:00:00.000Z',
});

/** The order is delivered once the run waits for it. */
async function deliver(h: Harness, handle: RunHandle, id: string, orderId: string): Promise<void> {
  await h.waitForState(handle, (s) => s.currentStep === 'await-delivery', 'waiting for delivery');
  await handle.signal(journeyEventSignal, at(id, 'order.delivered', { order_id: orderId }));
}

async function waitForSurvey(h: Harness, handle: RunHandle): Promise<void> {
  // Delivered → 3 days → care tips → 7 days → the survey.
  await h.env.sleep(11 * DAY);
  await h.waitForState(handle, (s) => s.currentStep === 'nps' && s.waitingFor === 'survey.responded', 'waiting for the NPS answer');
}

/** Answer the NPS survey as the survey page does: a survey.responded event naming the survey message. */
async function answerSurvey(h: Harness, handle: RunHandle, customerId: string, answer: Record<string, unknown>): Promise<void> {
  const messageKey = h.activities.sent(customerId).findLast((s) => s.survey !== undefined)?.messageKey;
  if (messageKey === undefined) throw new Error(`no NPS survey was sent to ${customerId}`);
  const properties = { survey_id: 'post-purchase.nps', kind: 'nps', ...answer, journey_id: 'post-purchase', step_id: 'nps', message_key: messageKey, revision: 1 };
  await handle.signal(journeyEventSignal, at(`sr-${customerId}-1`, 'survey.responded', properties));
}

const signUp = (id: string) => at(id, 'user.signed_up', { source: 'homepage' });
const order = (id: string, orderId: string) => at(id, 'order.completed', { order_id: orderId, total: 59.9, currency: 'EUR' });

const PATHS: HistoryPath[] = [
  {
    journeyId: 'onboarding',
    path: 'pro-tips',
    customerId: 'ada',
    traits: { plan: 'pro' },
    trigger: signUp('su-ada'),
    expectStatus: 'completed',
    expectSteps: ['welcome', 'plan-check', 'pro-tips'],
  },
  {
    journeyId: 'onboarding',
    path: 'first-order-nudge',
    customerId: 'bob',
    traits: { plan: 'free' },
    trigger: signUp('su-bob'),
    expectStatus: 'completed',
    expectSteps: ['plan-check', 'first-order-nudge'],
  },
  {
    journeyId: 'onboarding',
    path: 'converted',
    customerId: 'cy',
    trigger: signUp('su-cy'),
    async drive(h, handle) {
      await h.env.sleep(1.5 * DAY);
      await h.waitForState(handle, (s) => s.currentStep === 'wait-2d', 'the two-day wait');
      await handle.signal(journeyEventSignal, order('ord-cy-1', 'C-1'));
    },
    expectStatus: 'converted',
    expectSteps: ['welcome', 'getting-started-tips', 'wait-2d'],
  },
  {
    journeyId: 'onboarding',
    path: 'continue-as-new',
    customerId: 'dee',
    traits: { plan: 'pro' },
    trigger: signUp('su-dee'),
    limits: { maxHistoryEvents: 16 },
    async drive(h, handle) {
      await h.waitForState(handle, (s) => s.currentStep === 'wait-1d', 'the one-day wait');
      // Unrelated and duplicated events grow the history mid-wait, past the limit.
      await handle.signal(journeyEventSignal, at('pv-dee-1', 'page.viewed'));
      await handle.signal(journeyEventSignal, at('pv-dee-1', 'page.viewed'));
      await handle.signal(journeyEventSignal, at('pv-dee-2', 'page.viewed'));
    },
    expectStatus: 'completed',
    expectSteps: ['welcome', 'wait-1d', 'getting-started-tips', 'wait-2d', 'plan-check', 'pro-tips'],
  },
  {
    journeyId: 'post-purchase',
    path: 'delivered',
    customerId: 'grace',
    entryKey: 'A-1042',
    trigger: order('ord-grace-1', 'A-1042'),
    async drive(h, handle) {
      await h.waitForState(handle, (s) => s.currentStep === 'await-delivery', 'waiting for delivery');
      await h.env.sleep(2 * DAY);
      await handle.signal(journeyEventSignal, at('dl-grace-1', 'order.delivered', { order_id: 'A-1042' }));
    },
    expectStatus: 'completed',
    expectSteps: ['thank-you', 'await-delivery', 'settle-in', 'care-tips', 'before-feedback', 'nps', 'act-on-score'],
  },
  {
    journeyId: 'post-purchase',
    path: 'late-delivery',
    customerId: 'hal',
    entryKey: 'B-7',
    trigger: order('ord-hal-1', 'B-7'),
    expectStatus: 'completed',
    expectSteps: ['thank-you', 'await-delivery', 'where-is-my-order', 'nps', 'act-on-score'],
  },
  {
    journeyId: 'post-purchase',
    path: 'nps-detractor',
    customerId: 'nora',
    entryKey: 'D-12',
    traits: { first_name: 'Nora', email: 'nora@example.com' },
    trigger: order('ord-nora-1', 'D-12'),
    async drive(h, handle) {
      await deliver(h, handle, 'dl-nora-1', 'D-12');
      await waitForSurvey(h, handle);
      await answerSurvey(h, handle, 'nora', { score: 2, category: 'detractor', comment: 'The pot arrived cracked and nobody replied', sentiment: 'negative', sentiment_score: -0.7 });
    },
    expectStatus: 'completed',
    expectSteps: ['thank-you', 'await-delivery', 'care-tips', 'before-feedback', 'nps', 'act-on-score', 'helpdesk-ticket'],
  },
  {
    journeyId: 'post-purchase',
    path: 'nps-promoter',
    customerId: 'omar',
    entryKey: 'E-3',
    trigger: order('ord-omar-1', 'E-3'),
    async drive(h, handle) {
      await deliver(h, handle, 'dl-omar-1', 'E-3');
      await waitForSurvey(h, handle);
      await answerSurvey(h, handle, 'omar', { score: 10, category: 'promoter', comment: null, sentiment: null, sentiment_score: null });
    },
    expectStatus: 'completed',
    expectSteps: ['care-tips', 'nps', 'act-on-score', 'review-request'],
  },
  {
    journeyId: 'post-purchase',
    path: 'nps-continue-as-new',
    customerId: 'pia',
    entryKey: 'F-8',
    trigger: order('ord-pia-1', 'F-8'),
    limits: { maxHistoryEvents: 60 },
    async drive(h, handle) {
      await deliver(h, handle, 'dl-pia-1', 'F-8');
      await waitForSurvey(h, handle);
      // Unrelated events grow the history mid-wait, past the limit: the run continues as new inside the survey step.
      const { runId } = await handle.describe();
      for (let n = 1; (await handle.describe()).runId === runId; n++) {
        if (n > 20) throw new Error('the run did not continue as new inside the survey wait');
        await handle.signal(journeyEventSignal, at(`pv-pia-${n}`, 'page.viewed'));
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      await h.waitForState(handle, (s) => s.waitingFor === 'survey.responded', 'the survey wait in the new run');
      await answerSurvey(h, handle, 'pia', { score: 5, category: 'detractor', comment: 'Slow delivery', sentiment: 'neutral', sentiment_score: 0 });
    },
    expectStatus: 'completed',
    expectSteps: ['care-tips', 'nps', 'act-on-score', 'crm-follow-up'],
  },
  {
    journeyId: 'post-purchase',
    path: 'refunded',
    customerId: 'ivy',
    entryKey: 'C-9',
    trigger: order('ord-ivy-1', 'C-9'),
    async drive(h, handle) {
      await h.waitForState(handle, (s) => s.currentStep === 'await-delivery', 'waiting for delivery');
      await handle.signal(journeyEventSignal, at('rf-ivy-1', 'order.refunded', { order_id: 'C-9' }));
    },
    expectStatus: 'exited',
    expectSteps: ['thank-you', 'await-delivery'],
  },
  {
    journeyId: 'win-back',
    path: 'lapsed',
    customerId: 'linus',
    trigger: order('ord-linus-1', 'L-1'),
    deferFirstSend: true,
    async drive(h, handle) {
      // As signalWithStart does: the trigger arrives as a signal too.
      await handle.signal(journeyEventSignal, order('ord-linus-1', 'L-1'));
      await h.env.sleep(30 * DAY);
      await handle.signal(journeyEventSignal, order('ord-linus-2', 'L-2'));
      await h.waitForState(handle, (s) => s.eventsReceived === 1, 'the second order restarting the clock');
    },
    expectStatus: 'completed',
    expectSteps: ['we-miss-you', 'wait-7d', 'morning', 'incentive', 'wait-another-7d', 'last-chance'],
  },
  {
    journeyId: 'win-back',
    path: 'converted',
    customerId: 'mo',
    trigger: order('ord-mo-1', 'M-1'),
    async drive(h, handle) {
      await h.env.sleep(61 * DAY);
      await h.waitForState(handle, (s) => s.currentStep === 'wait-7d', 'the week after the first email');
      await handle.signal(journeyEventSignal, order('ord-mo-2', 'M-2'));
    },
    expectStatus: 'converted',
    expectSteps: ['we-miss-you', 'wait-7d'],
  },
];

/**
 * Every path, and three of them again started as routing starts runs, once per revision up to
 * RUN_REVISION (input.revision = N: the changes behind patch markers up to N taken without the
 * markers), named `<path>-revN`: runs started by each earlier release keep replaying.
 */
export const HISTORY_PATHS: HistoryPath[] = [
  ...PATHS,
  ...Array.from({ length: RUN_REVISION }, (_, i) => i + 1).flatMap((revision) =>
    PATHS.filter((p) => ['onboarding converted', 'onboarding continue-as-new', 'post-purchase nps-detractor'].includes(`${p.journeyId} ${p.path}`)).map(
      (p): HistoryPath => ({ ...p, path: `${p.path}-rev${revision}`, revision }),
    ),
  ),
];

/** File name of one run of a path (runs after the first come from continue-as-new). */
export function historyFileName(p: Pick<HistoryPath, 'journeyId' | 'path'>, run: number, runs: number): string {
  return runs === 1 ? `${p.journeyId}--${p.path}.json` : `${p.journeyId}--${p.path}--run-${run}.json`;
}

/** The sample journeys as the product loads them; throws the loader's problems if any. */
export async function loadSampleJourneys(): Promise<Map<string, JourneySnapshot>> {
  const loaded = await loadJourneys({ paths: [join(ROOT, 'journeys')], templatesDir: join(ROOT, 'templates'), cwd: ROOT });
  if (loaded.problems.length > 0) throw new Error(`journeys/ has problems:\n${loaded.problems.map(formatProblem).join('\n')}`);
  return new Map(loaded.journeys.map((s) => [s.journey.id, s]));
}
