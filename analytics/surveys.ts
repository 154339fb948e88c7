// Satisfaction per survey kind (NPS, CSAT, CES): surveys sent, response rate, the score and its
// distribution, categories, comment sentiment, and the score per template and over time.
import type { Journey } from '../dsl/schema';
import { allSteps } from '../dsl/walk';
import { SURVEY_KINDS, type SurveyKind } from '../surveys/scoring';
import { rate, type ReportData } from './report-data';
import { addCounts, categoryCounts, fullDistribution, surveyScore, type Distribution } from './satisfaction';
import type { StepReport, SurveyKindReport } from './types';

const isKind = (value: string): value is SurveyKind => SURVEY_KINDS.some((k) => k === value);

export function surveyReports(data: ReportData, steps: readonly StepReport[], journey: Journey | undefined, buckets: readonly string[]): SurveyKindReport[] {
  // Which kind each survey step asks: the journey says; for steps it no longer has, the answers do.
  const kindOf = new Map<string, SurveyKind>();
  for (const row of data.answers) if (isKind(row.kind)) kindOf.set(row.stepId, row.kind);
  for (const { step } of journey ? allSteps(journey) : []) if ('survey' in step) kindOf.set(step.id, step.survey.kind);
  const kinds = SURVEY_KINDS.filter((kind) => [...kindOf.values()].includes(kind));
  return kinds.map((kind) => kindReport(kind, data.answers.filter((a) => a.kind === kind), steps.filter((s) => kindOf.get(s.stepId) === kind), buckets));
}

function kindReport(kind: SurveyKind, answers: ReportData['answers'], steps: readonly StepReport[], buckets: readonly string[]): SurveyKindReport {
  const all: Distribution = {};
  const byTemplate = new Map<string, Distribution>();
  const byBucket = new Map<string, Distribution>();
  const sentiment = { comments: 0, negative: 0, neutral: 0, positive: 0 };
  for (const row of answers) {
    const one = { [row.score]: row.count };
    addCounts(all, one);
    byTemplate.set(row.template, addCounts(byTemplate.get(row.template) ?? {}, one));
    byBucket.set(row.bucket, addCounts(byBucket.get(row.bucket) ?? {}, one));
    sentiment.comments += row.comments;
    sentiment.negative += row.negative;
    sentiment.neutral += row.neutral;
    sentiment.positive += row.positive;
  }
  const total = (d: Distribution) => Object.values(d).reduce((n, c) => n + c, 0);
  const responses = total(all);
  const sent = steps.reduce((n, s) => n + (s.sent ?? 0), 0);
  const share = (n: number) => (sentiment.comments > 0 ? n / sentiment.comments : 0);
  return {
    kind,
    sent,
    responses,
    responseRate: rate(responses, sent).rate,
    score: surveyScore(kind, all),
    distribution: fullDistribution(kind, all),
    categories: categoryCounts(kind, all),
    sentiment: { comments: sentiment.comments, negative: share(sentiment.negative), neutral: share(sentiment.neutral), positive: share(sentiment.positive) },
    byTemplate: [...byTemplate].sort(([a], [b]) => (a < b ? -1 : 1)).map(([template, d]) => ({ template, responses: total(d), score: surveyScore(kind, d) })),
    overTime: buckets.map((bucket) => {
      const d = byBucket.get(bucket) ?? {};
      return { bucket, responses: total(d), score: surveyScore(kind, d) };
    }),
  };
}
