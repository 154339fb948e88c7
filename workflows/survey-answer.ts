// What a survey step makes of a `survey.responded` event (properties as the survey page sends
// them: score, category, comment, sentiment, sentiment_score, message_key), read defensively. Pure.
import type { JourneyEvent } from '../core/events';
import type { SurveyResult } from '../dsl/conditions';
import type { SurveyStep } from '../dsl/schema';
import { categorize, isValidScore } from '../surveys/scoring';

/** The event name survey answers arrive as. */
export const SURVEY_RESPONDED = 'survey.responded';

/** Whether `event` answers the survey carried by the message `messageKey`. */
export function answersMessage(event: JourneyEvent, messageKey: string): boolean {
  return event.name === SURVEY_RESPONDED && event.properties.message_key === messageKey;
}

const text = (x: unknown): string | null => (typeof x === 'string' && x !== '' ? x : null);
const number = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);

/** The survey result of an answer event; the category comes from the score when the event lacks it. */
export function answerOf(stepId: string, kind: SurveyStep['kind'], event: JourneyEvent): SurveyResult {
  const p = event.properties;
  const result: SurveyResult = { step: stepId, kind, answered: true };
  const score = number(p.score);
  if (score !== null) result.score = score;
  const category = text(p.category) ?? (score !== null && isValidScore(kind, score) ? categorize(kind, score) : null);
  if (category !== null) result.category = category;
  result.comment = text(p.comment);
  result.sentiment = text(p.sentiment);
  result.sentiment_score = number(p.sentiment_score);
  return result;
}

/** "answered 3 (detractor), negative comment" — the step's outcome for support staff. */
export function describeAnswer(answer: SurveyResult): string {
  const score = answer.score === undefined ? 'answered' : `answered ${answer.score}`;
  const category = answer.category === undefined ? '' : ` (${answer.category})`;
  const comment = answer.comment ? `, ${answer.sentiment ?? 'unscored'} comment` : ', no comment';
  return `${score}${category}${comment}`;
}
