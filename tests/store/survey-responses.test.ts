// Survey answers on both engines: one row per surveyed message, a second answer updates it.
import { randomUUID } from 'node:crypto';
import type { Store, SurveyResponseInput } from '../../store/types';
import { createTestStore, STORE_KINDS, type TestStore } from '../support/db';

describe.each(STORE_KINDS)('survey responses on %s', (kind) => {
  let testStore: TestStore;
  let store: Store;
  beforeAll(async () => {
    testStore = await createTestStore(kind);
    store = testStore.store;
  });
  afterAll(() => testStore?.dispose());

  const answer = (messageKey: string, over: Partial<SurveyResponseInput> = {}): SurveyResponseInput => ({
    messageKey,
    surveyId: 'post-purchase-nps',
    customerId: 'cust-1',
    journeyId: 'post-purchase',
    stepId: 'ask_nps',
    kind: 'nps',
    score: 3,
    category: 'detractor',
    comment: 'arrivato rotto',
    sentimentScore: -0.459,
    at: '2030-01-01T10:00:00.000Z',
    ...over,
  });

  test('a first answer is stored as revision 1 and read back by its message key', async () => {
    const key = `msg-${randomUUID()}`;
    const saved = await store.saveSurveyResponse(answer(key));
    expect(saved).toEqual({ ...answer(key), at: undefined, revision: 1, answeredAt: '2030-01-01T10:00:00.000Z', updatedAt: '2030-01-01T10:00:00.000Z' });
    expect(await store.getSurveyResponse(key)).toEqual(saved);
    expect(await store.getSurveyResponse('no-such-key')).toBeNull();
  });

  test('a second answer updates the same row: new score and comment, revision 2, first answer time kept', async () => {
    const key = `msg-${randomUUID()}`;
    await store.saveSurveyResponse(answer(key));
    const updated = await store.saveSurveyResponse(
      answer(key, { score: 9, category: 'promoter', comment: null, sentimentScore: null, at: '2030-01-02T08:30:00.000Z' }),
    );
    expect(updated).toMatchObject({ score: 9, category: 'promoter', comment: null, sentimentScore: null, revision: 2 });
    expect(updated.answeredAt).toBe('2030-01-01T10:00:00.000Z');
    expect(updated.updatedAt).toBe('2030-01-02T08:30:00.000Z');
    expect(await store.getSurveyResponse(key)).toEqual(updated);
  });
});
