// The hosted survey page over real HTTP: the scale per kind, answers stored once and updated,
// `survey.responded` sent through the event path, and bad links refused with a friendly page.
import Fastify from 'fastify';
import { surveyRoutes } from '../../api/routes/surveys';
import { signSurveyToken, surveyLink, type SurveyClaims } from '../../surveys/tokens';
import type { LoggedEventInput, Store } from '../../store/types';
import { createTestStore, type TestStore } from '../support/db';

const SECRET = 'survey-test-secret-0123456789';
const NOW = new Date('2030-03-01T12:00:00.000Z');

const claims = (over: Partial<SurveyClaims> = {}): SurveyClaims => ({
  surveyId: 'post-purchase-nps',
  kind: 'nps',
  customerId: 'cust-42',
  journeyId: 'post-purchase',
  stepId: 'ask_nps',
  messageKey: 'msg-1',
  expiresAt: '2030-03-08T12:00:00.000Z',
  ...over,
});

describe('survey page', () => {
  let testStore: TestStore;
  let store: Store;
  let url: string;
  const events: LoggedEventInput[] = [];
  const app = Fastify();

  beforeAll(async () => {
    testStore = await createTestStore('pglite');
    store = testStore.store;
    await app.register(surveyRoutes({ store, secret: SECRET, now: () => NOW, ingest: async (e) => void events.push(e) }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(async () => {
    await app.close();
    await testStore?.dispose();
  });

  const get = async (path: string, headers: Record<string, string> = {}) => {
    const response = await fetch(`${url}${path}`, { headers });
    return { status: response.status, text: await response.text(), headers: response.headers };
  };
  const post = async (path: string, form: Record<string, string>) => {
    const response = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
    return { status: response.status, text: await response.text() };
  };
  const scores = (page: string) => [...page.matchAll(/name="score" value="(\d+)"/g)].map((m) => Number(m[1]));

  test('GET shows the scale of the kind: 0–10 for NPS, 1–5 for CSAT, 1–7 for CES', async () => {
    const nps = await get(`/s/${signSurveyToken(SECRET, claims())}`);
    expect(nps.status).toBe(200);
    expect(nps.headers.get('cache-control')).toBe('no-store');
    expect(scores(nps.text)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(nps.text).toContain('How likely are you to recommend us');
    expect(scores((await get(`/s/${signSurveyToken(SECRET, claims({ kind: 'csat' }))}`)).text)).toEqual([1, 2, 3, 4, 5]);
    expect(scores((await get(`/s/${signSurveyToken(SECRET, claims({ kind: 'ces' }))}`)).text)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  test('a one-click link preselects its score, and the page speaks Italian by ?lang or Accept-Language', async () => {
    const link = surveyLink('https://tp.example.com/', SECRET, claims({ messageKey: 'msg-click' }), 8);
    expect(link).toMatch(/^https:\/\/tp\.example\.com\/s\/[\w-]+\.[\w-]+\?score=8$/);
    const path = link.replace('https://tp.example.com', '');
    const page = await get(path, { 'accept-language': 'it-IT,it;q=0.9,en;q=0.8' });
    expect(page.text).toContain('value="8" required checked');
    expect(page.text.match(/ checked/g)).toHaveLength(1);
    expect(page.text).toContain('<html lang="it">');
    expect(page.text).toContain('Quanto è probabile che ci consiglieresti');
    expect((await get(`${path}&lang=en`, { 'accept-language': 'it' })).text).toContain('<html lang="en">');
    expect(() => surveyLink('https://x', SECRET, claims(), 11)).toThrow('11 is not on the nps scale');
  });

  test('POST stores the answer and sends survey.responded; a second POST updates the one row and sends a new event', async () => {
    const token = signSurveyToken(SECRET, claims({ messageKey: 'msg-answer' }));
    events.length = 0;
    const first = await post(`/s/${token}?lang=it`, { score: '3', comment: 'Il prodotto è arrivato rotto e il servizio clienti non mi ha mai risposto' });
    expect(first.status).toBe(200);
    expect(first.text).toContain('Grazie!');
    expect(await store.getSurveyResponse('msg-answer')).toMatchObject({ score: 3, category: 'detractor', revision: 1, customerId: 'cust-42', journeyId: 'post-purchase', stepId: 'ask_nps' });
    expect(events).toEqual([
      {
        messageId: 'survey:post-purchase-nps:msg-answer:1',
        type: 'track',
        customerId: 'cust-42',
        event: 'survey.responded',
        properties: {
          survey_id: 'post-purchase-nps',
          kind: 'nps',
          score: 3,
          category: 'detractor',
          comment: 'Il prodotto è arrivato rotto e il servizio clienti non mi ha mai risposto',
          sentiment: 'negative',
          sentiment_score: expect.any(Number),
          journey_id: 'post-purchase',
          step_id: 'ask_nps',
          message_key: 'msg-answer',
          revision: 1,
        },
        traits: {},
        timestamp: NOW.toISOString(),
      },
    ]);
    expect(events[0]?.properties.sentiment_score).toBeLessThan(0);

    const second = await post(`/s/${token}`, { score: '10', comment: '' });
    expect(second.status).toBe(200);
    const row = await store.getSurveyResponse('msg-answer');
    expect(row).toMatchObject({ score: 10, category: 'promoter', comment: null, sentimentScore: null, revision: 2 });
    expect(events.map((e) => e.messageId)).toEqual(['survey:post-purchase-nps:msg-answer:1', 'survey:post-purchase-nps:msg-answer:2']);
    expect(events[1]?.properties).toMatchObject({ score: 10, category: 'promoter', comment: null, sentiment: null });
    // The page reopened shows the latest answer.
    expect((await get(`/s/${token}`)).text).toContain('value="10" required checked');
  });

  test('a POST without a score (or off the scale) asks again and stores nothing', async () => {
    const token = signSurveyToken(SECRET, claims({ kind: 'csat', messageKey: 'msg-noscore' }));
    const before = events.length;
    const missing = await post(`/s/${token}`, { comment: 'hello <b>there</b>' });
    expect(missing.status).toBe(422);
    expect(missing.text).toContain('Please choose a score');
    expect(missing.text).toContain('hello &lt;b&gt;there&lt;/b&gt;');
    expect((await post(`/s/${token}`, { score: '9' })).status).toBe(422);
    expect(await store.getSurveyResponse('msg-noscore')).toBeNull();
    expect(events).toHaveLength(before);
  });

  test('a tampered, foreign or expired link is refused with a friendly page and nothing is stored', async () => {
    const token = signSurveyToken(SECRET, claims({ messageKey: 'msg-bad' }));
    const [payload = '', mac = ''] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), c: 'someone-else' })).toString('base64url');
    const before = events.length;
    const tampered = await post(`/s/${forged}.${mac}`, { score: '10' });
    expect(tampered.status).toBe(400);
    expect(tampered.text).toContain('This link is not valid');
    expect((await get(`/s/${signSurveyToken('another-secret', claims())}`)).status).toBe(400);
    const expired = signSurveyToken(SECRET, claims({ messageKey: 'msg-bad', expiresAt: '2030-03-01T11:59:59.000Z' }));
    const gone = await post(`/s/${expired}?lang=it`, { score: '10' });
    expect(gone.status).toBe(410);
    expect(gone.text).toContain('Questo sondaggio è chiuso');
    expect(await store.getSurveyResponse('msg-bad')).toBeNull();
    expect(events).toHaveLength(before);
  });
});
