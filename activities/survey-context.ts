// What a survey message's template reads as `survey`: the signed page link and one link per
// score of the scale (one-click buttons), bound to this message, customer, step and deadline.
import { SCALES } from '../surveys/scoring';
import { surveyLink, type SurveyClaims } from '../surveys/tokens';
import type { ActivityDeps, SendRequest } from './contract';

/** `{{survey.url}}`, `{{#each survey.scores}}<a href="{{url}}">{{score}}</a>{{/each}}` in a template. */
export interface SurveyRenderContext {
  kind: 'nps' | 'csat' | 'ces';
  /** The survey page without a preselected score. */
  url: string;
  min: number;
  max: number;
  /** Every point of the scale, lowest first: its page link with `?score=N`. */
  scores: { score: number; url: string }[];
}

/** The survey id of a survey step: `<journeyId>.<stepId>`. */
export function surveyIdOf(journeyId: string, stepId: string): string {
  return `${journeyId}.${stepId}`;
}

export function surveyContext(links: NonNullable<ActivityDeps['links']>, request: SendRequest & { survey: NonNullable<SendRequest['survey']> }): SurveyRenderContext {
  const { kind, expiresAt } = request.survey;
  const claims: SurveyClaims = {
    surveyId: surveyIdOf(request.journeyId, request.stepId),
    kind,
    customerId: request.customerId,
    journeyId: request.journeyId,
    stepId: request.stepId,
    messageKey: request.messageKey,
    expiresAt,
  };
  const { min, max } = SCALES[kind];
  const scores: SurveyRenderContext['scores'] = [];
  for (let score = min; score <= max; score++) scores.push({ score, url: surveyLink(links.publicUrl, links.secret, claims, score) });
  return { kind, url: surveyLink(links.publicUrl, links.secret, claims), min, max, scores };
}

/** Why a survey cannot be sent without signed links, and what to set. */
export function surveyLinksMissingDetail(request: SendRequest): string {
  return (
    `Survey step "${request.stepId}" of journey "${request.journeyId}" needs signed survey links, and this worker has none: ` +
    'run it with PUBLIC_URL (where customers reach the /s/ survey page) and TOUCHPOINT_SECRET (or the generated secret under the data dir).'
  );
}
