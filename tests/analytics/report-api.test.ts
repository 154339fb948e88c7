// GET /v1/reports/journeys/:id over real HTTP and through the typed client: roles, the known-journey
// check, query validation, and the same numbers the store computes (tests/analytics/fixture.ts).
import { createTouchpointClient, TouchpointApiError } from '../../client';
import { SINCE, SNAPSHOT, UNTIL } from './fixture';
import { REPORT_KEYS, startReportWorld, type ReportWorld } from './report-world';

const RANGE = `since=${SINCE}&until=${UNTIL}`;

describe('the journey report API', () => {
  let world: ReportWorld;
  beforeAll(async () => {
    world = await startReportWorld();
  });
  afterAll(() => world?.stop());

  test('a support key gets the report the store computes, with the defined step order', async () => {
    const { status, body } = await world.api.call('GET', `/v1/reports/journeys/feedback?${RANGE}`, { key: REPORT_KEYS.support.key });
    expect(status).toBe(200);
    const direct = await world.rdb.store.journeyReport({ journeyId: 'feedback', since: SINCE, until: UNTIL }, SNAPSHOT.journey);
    expect({ ...body, generatedAt: 0, tookMs: 0 }).toEqual({ ...direct, generatedAt: 0, tookMs: 0 });
    expect(body).toMatchObject({ entered: 8, conversions: { count: 3, of: 8, rate: 0.375 } });
    expect(body.steps[0]).toMatchObject({ stepId: 'thanks', kind: 'send', sent: 4 });
  });

  test('an admin key may read it too; an ingest key gets 403 and no key 401', async () => {
    expect((await world.api.call('GET', `/v1/reports/journeys/feedback?${RANGE}`, { key: REPORT_KEYS.admin.key })).status).toBe(200);
    const ingest = await world.api.call('GET', `/v1/reports/journeys/feedback?${RANGE}`, { key: REPORT_KEYS.ingest.key });
    expect(ingest.status).toBe(403);
    expect(ingest.body.error.message).toMatch(/read journey reports/);
    expect((await world.api.call('GET', `/v1/reports/journeys/feedback?${RANGE}`, { key: null })).status).toBe(401);
  });

  test('version and bucket filter the report', async () => {
    const { body } = await world.api.call('GET', `/v1/reports/journeys/feedback?${RANGE}&version=v1&bucket=week`, { key: REPORT_KEYS.support.key });
    expect(body).toMatchObject({ version: 'v1', entered: 6, conversions: { count: 3, of: 6 } });
    expect(body.overTime.map((b: { bucket: string }) => b.bucket)).toEqual(['2026-10-26', '2026-11-02']);
  });

  test('an unknown journey is a 404 listing the known ones; bad dates are 400s naming the field', async () => {
    const missing = await world.api.call('GET', '/v1/reports/journeys/feedbak', { key: REPORT_KEYS.support.key });
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ code: 'not_found', message: expect.stringContaining('No journey "feedbak". Known journeys: feedback.') });
    const badDate = await world.api.call('GET', '/v1/reports/journeys/feedback?since=last%20week', { key: REPORT_KEYS.support.key });
    expect(badDate.status).toBe(400);
    expect(badDate.body.error.issues).toEqual([expect.objectContaining({ path: ['since'], message: expect.stringContaining('since must be an ISO date or time') })]);
    const empty = await world.api.call('GET', '/v1/reports/journeys/feedback?since=2026-11-08&until=2026-11-01', { key: REPORT_KEYS.support.key });
    expect(empty.status).toBe(400);
    expect(empty.body.error).toMatchObject({ code: 'invalid', message: expect.stringContaining('must be before until') });
    const badBucket = await world.api.call('GET', '/v1/reports/journeys/feedback?bucket=month', { key: REPORT_KEYS.support.key });
    expect(badBucket.status).toBe(400);
  });

  test('the typed client returns the checked report, and a TouchpointApiError for an unknown journey', async () => {
    const client = createTouchpointClient({ baseUrl: world.api.url, apiKey: REPORT_KEYS.support.key });
    const report = await client.journeyReport('feedback', { since: SINCE, until: UNTIL, version: 'v1' });
    expect(report.surveys.find((s) => s.kind === 'nps')).toMatchObject({ score: 20, responses: 10, sent: 12 });
    expect(report.splits[0]!.variants.map((v) => [v.variantId, v.runs, v.conversions])).toEqual([['control', 3, 1], ['discount', 3, 2]]);
    const error = await client.journeyReport('nope').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TouchpointApiError);
    expect(error).toMatchObject({ status: 404, code: 'not_found' });
  });

  test('the OpenAPI document describes the route and the report', async () => {
    const { body } = await world.api.call('GET', '/openapi.json', { key: null });
    const route = body.paths['/v1/reports/journeys/{journeyId}'].get;
    expect(route.parameters.map((p: { name: string }) => p.name)).toEqual(['journeyId', 'since', 'until', 'version', 'bucket']);
    expect(Object.keys(route.responses).sort()).toEqual(['200', '400', '401', '403', '404']);
    expect(body.components.schemas.JourneyReport.required).toEqual(expect.arrayContaining(['steps', 'splits', 'surveys', 'conversions']));
    // What each number counts: in the route's description and on the fields.
    expect(route.description).toMatch(/^- entered: runs started in the range \(a trigger event handed to a run already in progress is no new entry\)$/m);
    expect(route.description).toMatch(/^- reached: runs that reached the step .*still waiting in it \(result waiting\).*interrupted/m);
    const schema = body.components.schemas.JourneyReport;
    expect(schema.properties.entered.description).toMatch(/^Runs started in the range/);
    const step = schema.properties.steps.items.$ref ? body.components.schemas[schema.properties.steps.items.$ref.split('/').pop()] : schema.properties.steps.items;
    expect(step.properties.reached.description).toMatch(/still waiting in it \(result waiting\) and those that ended there/);
  });
});
