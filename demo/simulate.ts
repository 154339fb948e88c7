// One made-up run of a journey: walks the journey's compiled plan as the interpreter would
// (real step ids, real split assignment, real branch conditions) on a simulated clock, and
// returns what the run would have left in the store. Pure: the seed writes it.
import type { RunProgressReport, RunRef, StepProgress } from '../activities/contract';
import { nextWallClockTime } from '../activities/local-time';
import type { JourneyEvent } from '../core/events';
import type { ReasonCode } from '../core/reasons';
import { evaluateCondition, type SurveyResult } from '../dsl/conditions';
import { durationMs } from '../dsl/duration';
import type { Channel, JourneySnapshot } from '../dsl/schema';
import { assignVariant } from '../dsl/split';
import { scoreSentiment } from '../sentiment';
import type { MessageCategory } from '../store/types';
import { categorize, SCALES, type SurveyKind } from '../surveys/scoring';
import type { JourneyPlan, PlanNode } from '../workflows/plan';
import { describeAnswer } from '../workflows/survey-answer';
import { npsScore, scaleScore, surveyComment, type DemoCustomer } from './people';
import type { Rng } from './random';
import { conversionAfterSplit, earliest, plannedEnd } from './endings';
import { decideSend, engagement, type Engagement } from './sends';

const DAY_MS = 86_400_000;

export interface SimMessage {
  messageKey: string;
  stepId: string;
  channel: Channel;
  template: string;
  category: MessageCategory;
  at: number;
  reason: ReasonCode;
  detail: string | null;
  retryAt: number | null;
  engagement: Engagement;
}

export interface SimAnswer {
  messageKey: string;
  stepId: string;
  kind: SurveyKind;
  score: number;
  comment: string | null;
  /** The offline lexicon's score of the comment (−1..1), as the survey page stores it. */
  sentimentScore: number | null;
  at: number;
}

export interface SimRun {
  run: RunRef;
  progress: RunProgressReport;
  messages: SimMessage[];
  answers: SimAnswer[];
}

export interface SimInput {
  snapshot: JourneySnapshot;
  plan: JourneyPlan;
  customer: DemoCustomer;
  run: RunRef;
  trigger: JourneyEvent;
  enteredAt: number;
  now: number;
  rng: Rng;
}

type Ending = NonNullable<RunProgressReport['ending']>;

/** Walk the plan from its first step until the run ends or reaches `now` (then it is still running). */
export function simulateRun(input: SimInput): SimRun {
  const { snapshot, plan, customer, run, rng, now } = input;
  const { journey } = snapshot;
  const steps: StepProgress[] = [];
  const messages: SimMessage[] = [];
  const answers: SimAnswer[] = [];
  const visits = new Map<string, number>();
  let survey: SurveyResult | null = null;
  let t = input.enteredAt;
  let end = plannedEnd(journey, plan, rng, t);

  const record = (node: PlanNode, enteredAt: number, finishedAt: number, outcome: string, result: string): void => {
    const visit = visits.get(node.step.id) ?? 1;
    steps.push({ stepId: node.step.id, kind: node.kind, visit, enteredAt: iso(enteredAt), finishedAt: iso(finishedAt), outcome, result });
  };
  const send = (stepId: string, channel: Channel, template: string, category: MessageCategory | undefined): SimMessage[] => {
    const base = `${run.workflowId}/${run.runId}/${stepId}/${visits.get(stepId) ?? 1}`;
    const decided = decideSend(rng, customer, { category: category ?? 'marketing', at: t });
    const made = decided.map((d, i) => ({ messageKey: i === 0 ? base : `${base}/attempt-${i + 1}`, stepId, channel, template, category: category ?? 'marketing', ...d, engagement: engagement(rng, customer, d, now) }));
    messages.push(...made);
    return made;
  };

  let cursor = plan.first;
  let ending: Ending | null = null;
  for (let guard = 0; cursor !== null && guard < 200; guard++) {
    const node = plan.nodes[cursor];
    if (!node) throw new Error(`demo: journey ${journey.id} has no step "${cursor}"`);
    visits.set(node.step.id, (visits.get(node.step.id) ?? 0) + 1);
    const enteredAt = t;
    // Time the step takes, then whether an end event or `now` came first.
    let next: string | null = node.next;
    let finish = t + 1000;
    let outcome = '';
    let result = '';
    switch (node.kind) {
      case 'send': {
        const made = send(node.step.id, node.step.send.channel, node.step.send.template, node.step.send.category);
        const last = made[made.length - 1];
        finish = last ? last.at + 1000 : finish;
        break;
      }
      case 'wait': {
        const wait = node.step.wait;
        finish = typeof wait === 'object' && 'until' in wait ? untilLocal(t, wait.until, customer.timezone) : t + durationMs(typeof wait === 'string' ? wait : wait.for);
        outcome = `waited until ${iso(finish)}`;
        result = 'waited';
        break;
      }
      case 'wait_for': {
        const timeout = durationMs(node.step.wait_for.timeout);
        const arrives = rng.chance(0.8);
        finish = arrives ? t + rng.between(0.1, 0.6) * Math.min(timeout, 10 * DAY_MS) : t + timeout;
        outcome = arrives ? `received ${node.step.wait_for.event} (demo-${rng.int(100000, 999999)})` : 'timeout';
        result = arrives ? 'event' : 'timeout';
        next = arrives ? node.onEvent : node.onTimeout;
        break;
      }
      case 'branch': {
        const ctx = { traits: customer.traits, customerId: customer.customerId, trigger: input.trigger, received: [], survey };
        const index = node.step.branch.cases.findIndex((c) => evaluateCondition(c.when, ctx));
        outcome = index < 0 ? 'else' : `case ${index + 1}`;
        result = index < 0 ? 'else' : `case-${index + 1}`;
        next = index < 0 ? node.otherwise : (node.cases[index] ?? null);
        break;
      }
      case 'split': {
        const variant = assignVariant(customer.customerId, journey.id, node.step.id, node.step.split.variants);
        outcome = `variant ${variant}`;
        result = variant;
        next = node.variants[variant] ?? node.next;
        end = conversionAfterSplit(journey, node, variant, customer.mood, rng, t, end);
        break;
      }
      case 'survey': {
        const { kind, wait } = node.step.survey;
        const deadline = t + durationMs(wait);
        const sent = send(node.step.id, node.step.survey.channel, node.step.survey.template, node.step.survey.category).find((m) => m.reason === 'sent');
        const answerAt = sent && rng.chance(0.35 + customer.mood * 0.3) ? sent.at + rng.between(0.02, Math.min(3, durationMs(wait) / DAY_MS)) * DAY_MS : null;
        if (sent && answerAt !== null && answerAt < now) {
          const score = kind === 'nps' ? npsScore(rng, customer.mood) : scaleScore(rng, customer.mood, SCALES[kind].min, SCALES[kind].max);
          const category = categorize(kind, score);
          const comment = surveyComment(rng, customer.locale, category);
          const sentiment = comment ? scoreSentiment(comment, customer.locale) : null;
          answers.push({ messageKey: sent.messageKey, stepId: node.step.id, kind, score, comment, sentimentScore: sentiment?.score ?? null, at: answerAt });
          survey = { step: node.step.id, kind, answered: true, score, category, comment, sentiment: sentiment?.label ?? null, sentiment_score: sentiment?.score ?? null };
          finish = answerAt;
          outcome = describeAnswer(survey);
          result = category;
        } else {
          survey = { step: node.step.id, kind, answered: false };
          finish = sent ? deadline : t + 1000;
          outcome = sent ? `no answer by ${iso(deadline)}` : 'not sent; no answer to wait for';
          result = 'no_response';
        }
        break;
      }
      case 'webhook': {
        const ok = rng.chance(0.95);
        outcome = ok ? 'HTTP 200 (demo)' : 'failed: HTTP 503 after 5 attempts (demo)';
        result = ok ? '200' : 'failed';
        break;
      }
      case 'goto':
        outcome = `goto ${node.target}`;
        result = 'goto';
        next = node.target;
        break;
      case 'exit': {
        const why = node.step.exit === true ? '' : `: ${node.step.exit.reason}`;
        outcome = `exit${why}`;
        result = 'exit';
        end = earliest(end, { at: finish, status: 'exited', reason: `exit step ${node.step.id}${why}` });
        next = null;
        break;
      }
    }
    if (end !== null && end.at < finish && end.at < now) {
      ending = { status: end.status, reason: end.reason, at: iso(Math.max(end.at, enteredAt)) };
      break;
    }
    if (finish >= now) break;
    if (result !== '') record(node, enteredAt, finish, outcome, result);
    if (end !== null && end.at <= finish) {
      ending = { status: end.status, reason: end.reason, at: iso(end.at) };
      break;
    }
    t = finish;
    cursor = next;
  }
  if (ending === null && cursor === null && t < now) ending = { status: 'completed', reason: 'completed', at: iso(t) };
  return { run, progress: { run, steps, ...(ending ? { ending } : {}) }, messages: messages.filter((m) => m.at < now), answers };
}

function untilLocal(after: number, hhmm: string, zone: string): number {
  const [hour, minute] = hhmm.split(':').map(Number);
  return nextWallClockTime(after, hour ?? 9, minute ?? 0, zone);
}

function iso(ms: number): string {
  return new Date(Math.round(ms)).toISOString();
}
