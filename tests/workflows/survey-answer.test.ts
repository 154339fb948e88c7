// What a survey step makes of a survey.responded event: fields read defensively, the category
// from the score when the event lacks it, and the outcome support staff read.
import type { JourneyEvent } from '../../core/events';
import { answerOf, answersMessage, describeAnswer } from '../../workflows/survey-answer';

const responded = (properties: Record<string, unknown>, name = 'survey.responded'): JourneyEvent => ({
  id: 'sr-1',
  name,
  properties,
  timestamp: '2030-05-01T10:00:00.000Z',
});

test('an answer matches only the survey.responded event of its own message', () => {
  expect(answersMessage(responded({ message_key: 'k/1' }), 'k/1')).toBe(true);
  expect(answersMessage(responded({ message_key: 'k/1/attempt-2' }), 'k/1')).toBe(false);
  expect(answersMessage(responded({ message_key: 'k/1' }, 'email.clicked'), 'k/1')).toBe(false);
});

test('the result takes score, category, comment and sentiment from the event', () => {
  const answer = answerOf('nps', 'nps', responded({ score: 2, category: 'detractor', comment: 'Broken', sentiment: 'negative', sentiment_score: -0.5 }));
  expect(answer).toEqual({ step: 'nps', kind: 'nps', answered: true, score: 2, category: 'detractor', comment: 'Broken', sentiment: 'negative', sentiment_score: -0.5 });
  expect(describeAnswer(answer)).toBe('answered 2 (detractor), negative comment');
});

test('a missing category comes from the score; malformed fields are left out or null', () => {
  const answer = answerOf('csat', 'csat', responded({ score: 5, comment: '', sentiment: 3, sentiment_score: 'high' }));
  expect(answer).toEqual({ step: 'csat', kind: 'csat', answered: true, score: 5, category: 'satisfied', comment: null, sentiment: null, sentiment_score: null });
  expect(describeAnswer(answer)).toBe('answered 5 (satisfied), no comment');
  expect(answerOf('ces', 'ces', responded({ score: 99 }))).toEqual({ step: 'ces', kind: 'ces', answered: true, score: 99, comment: null, sentiment: null, sentiment_score: null });
});
