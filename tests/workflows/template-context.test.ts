// What the interpreter hands the send activity for templates, on the time-skipping server: a
// send after a survey step carries the answer (`survey.*`), and every send carries the latest
// event of each name the run received (`latest.[cart.updated]`), so a cart changed after the
// trigger shows its new content. The rendering of both is in tests/activities/template-context.test.ts.
import type { JourneyEvent } from '../../core/events';
import type { JourneyInput } from '../../dsl/schema';
import { journeyEventSignal } from '../../workflows/definitions';
import { event, startHarness, type Harness } from './support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

const at = (e: JourneyEvent, timestamp: string): JourneyEvent => ({ ...e, timestamp });

test('a send after a survey step carries the answer: score, category and comment', async () => {
  const journey: JourneyInput = {
    id: 'nps-thanks',
    name: 'NPS thanks',
    trigger: { event: 'order.delivered' },
    steps: [
      { id: 'nps', survey: { kind: 'nps', channel: 'email', template: 'nps-survey', wait: '7d' } },
      { id: 'thanks', send: { channel: 'email', template: 'nps-thanks' } },
    ],
  };
  const { handle, customerId } = await h.start(journey);
  await h.waitForState(handle, (s) => s.waitingFor === 'survey.responded', 'waiting for the answer');
  const messageKey = h.activities.sent(customerId)[0]!.messageKey;
  // The survey message itself has no answer yet.
  expect(h.activities.sent(customerId)[0]).not.toHaveProperty('surveyResult');
  await handle.signal(
    journeyEventSignal,
    event('survey.responded', { survey_id: 'nps-thanks.nps', kind: 'nps', score: 4, category: 'detractor', comment: 'Box arrived crushed', sentiment: 'negative', sentiment_score: -0.5, journey_id: 'nps-thanks', step_id: 'nps', message_key: messageKey, revision: 1 }),
  );
  await handle.result();
  const thanks = h.activities.sent(customerId).find((s) => s.stepId === 'thanks');
  expect(thanks?.surveyResult).toEqual({ step: 'nps', kind: 'nps', answered: true, score: 4, category: 'detractor', comment: 'Box arrived crushed', sentiment: 'negative', sentiment_score: -0.5 });
});

test('a reminder after a wait carries the latest cart.updated by event time, not the trigger nor a late-arriving older one', async () => {
  const journey: JourneyInput = {
    id: 'cart-reminder',
    name: 'Cart reminder',
    trigger: { event: 'cart.updated' },
    steps: [
      { id: 'later', wait: '4h' },
      { id: 'remind', send: { channel: 'email', template: 'cart-reminder' } },
    ],
  };
  const trigger = at(event('cart.updated', { items: ['mug'] }), '2030-01-01T10:00:00.000Z');
  const { handle, customerId } = await h.start(journey, { trigger });
  await h.waitForState(handle, (s) => s.currentStep === 'later', 'asleep in the wait');
  const newer = at(event('cart.updated', { items: ['mug', 'teapot'] }), '2030-01-01T10:05:00.000Z');
  // Sent before "newer" but arriving after it (a retried batch): it must not win.
  const older = at(event('cart.updated', { items: [] }), '2030-01-01T10:01:00.000Z');
  await handle.signal(journeyEventSignal, newer);
  await handle.signal(journeyEventSignal, older);
  await handle.signal(journeyEventSignal, at(event('page.viewed', { path: '/cart' }), '2030-01-01T10:06:00.000Z'));
  await handle.result();
  const [remind] = h.activities.sent(customerId);
  expect(remind?.trigger.properties).toEqual({ items: ['mug'] });
  expect(remind?.latest?.['cart.updated']).toEqual(newer);
  expect(remind?.latest?.['page.viewed']?.properties).toEqual({ path: '/cart' });
});
