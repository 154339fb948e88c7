// The inspector's routes over real HTTP with an in-memory SupportService (and a real store for
// signed-out sessions): sign-in, sessions, CSRF, escaping, the preview's sandbox and the actions it
// hands to the service.
import { createApiServer } from '../../api';
import { inspectorRoutes } from '../../inspector';
import { html } from '../../api/html';
import { sessionToken } from '../../inspector/session';
import type { Router } from '../../routing/router';
import type { Store } from '../../store/types';
import { JourneySchema } from '../../dsl/schema';
import { buildSnapshot } from '../../dsl/snapshot';
import { listen, type Api } from '../api/http';
import { createTestStore, type TestStore } from '../support/db';
import { createFakeService, HOSTILE_STEP, REPORT_JOURNEY, WORKFLOW_ID, type FakeService } from './fake-support-service';

const SECRET = 'inspector-test-secret';
const JOURNEY = buildSnapshot(
  JourneySchema.parse({ id: REPORT_JOURNEY, name: 'Win back <lapsed>', trigger: { inactivity: { event: 'order.completed', for: '60d' } }, steps: [{ id: 'hello', send: { channel: 'email', template: 'hello' } }] }),
  { hello: 'abc' },
  'tests/inspector/inspector-routes.test.ts',
);
const KEYS = [
  { key: 'support-key-0123456789', name: 'grace', role: 'support' as const },
  { key: 'ingest-key-0123456789a', name: 'orders', role: 'ingest' as const },
];

describe('the inspector routes', () => {
  let service: FakeService;
  let api: Api;
  let db: TestStore;
  let clock = Date.parse('2025-03-01T12:00:00Z');

  beforeAll(async () => {
    service = createFakeService();
    db = await createTestStore('pglite');
    const sessions = db.store.inspectorSessions;
    const app = createApiServer({
      store: {} as Store, router: {} as Router, apiKeys: [], health: async () => ({}),
      plugins: [inspectorRoutes({ service, keys: KEYS, secret: SECRET, sessions, secureCookies: true, now: () => clock, journeys: [JOURNEY] })],
    });
    api = await listen(app);
  });
  afterAll(async () => {
    await api?.close();
    await db?.dispose();
  });

  const get = (path: string, cookie?: string) => fetch(`${api.url}${path}`, { redirect: 'manual', headers: cookie ? { cookie } : {} });
  const post = (path: string, form: Record<string, string>, cookie?: string) =>
    fetch(`${api.url}${path}`, { method: 'POST', redirect: 'manual', body: new URLSearchParams(form), headers: cookie ? { cookie } : {} });
  async function signIn(key = KEYS[0]!.key): Promise<string> {
    const response = await post('/inspector/login', { key, next: '/inspector' });
    expect(response.status).toBe(303);
    return (response.headers.get('set-cookie') ?? '').split(';')[0]!;
  }
  const csrfOf = (page: string) => /name="csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';

  it('sends a visitor without a session to the sign-in page, keeping where they were going', async () => {
    const response = await get(`/inspector/runs/${encodeURIComponent(WORKFLOW_ID)}`);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`/inspector/login?next=${encodeURIComponent(`/inspector/runs/${encodeURIComponent(WORKFLOW_ID)}`)}`);
  });

  it('signs in with a support key and sets an HttpOnly, SameSite=Strict, 8-hour, Secure cookie on /inspector', async () => {
    const response = await post('/inspector/login', { key: KEYS[0]!.key, next: '/inspector/customers/ada' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/inspector/customers/ada');
    const cookie = response.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^touchpoint_inspector=[\w-]+\.[\w-]+; /);
    expect(cookie.split('; ').slice(1).sort()).toEqual(['HttpOnly', 'Max-Age=28800', 'Path=/inspector', 'SameSite=Strict', 'Secure']);
    expect(cookie).not.toContain(KEYS[0]!.key);
  });

  it('refuses an ingest key with a message saying which role is needed, and a wrong key', async () => {
    const ingest = await post('/inspector/login', { key: KEYS[1]!.key });
    expect(ingest.status).toBe(403);
    expect(ingest.headers.get('set-cookie')).toBeNull();
    expect(await ingest.text()).toContain('has the role ingest');
    const wrong = await post('/inspector/login', { key: 'nope' });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('This key is not valid');
  });

  it('never redirects a sign-in to another site', async () => {
    const response = await post('/inspector/login', { key: KEYS[0]!.key, next: '//evil.example/inspector' });
    expect(response.headers.get('location')).toBe('/inspector');
  });

  it('rejects a tampered, expired or ingest-role session cookie', async () => {
    const cookie = await signIn();
    expect((await get('/inspector', `${cookie}x`)).status).toBe(303);
    const forged = sessionToken(SECRET, { sid: 'a'.repeat(20), name: 'orders', role: 'ingest', exp: clock + 1000 });
    expect((await get('/inspector', `touchpoint_inspector=${forged}`)).status).toBe(303);
    clock += 8 * 60 * 60 * 1000 + 1;
    try {
      expect((await get('/inspector', cookie)).status).toBe(303);
    } finally {
      clock -= 8 * 60 * 60 * 1000 + 1;
    }
    expect((await get('/inspector', cookie)).status).toBe(200);
  });

  it('finds a customer by email in any case and shows their page with every value escaped', async () => {
    const cookie = await signIn();
    const search = await get('/inspector?q=ADA%40example.com', cookie);
    expect(search.status).toBe(303);
    expect(search.headers.get('location')).toBe('/inspector/customers/ada');
    const page = await (await get('/inspector/customers/ada', cookie)).text();
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(page).not.toContain('<img src=x');
    expect(page).toContain(`href="/inspector/runs/${encodeURIComponent(WORKFLOW_ID)}"`);
    const missing = await get('/inspector?q=nobody%40example.com', cookie);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('No customer has the id, email or phone &quot;nobody@example.com&quot;');
  });

  it('refuses a POST whose CSRF token is missing or from another session, and acts with a valid one', async () => {
    const cookie = await signIn();
    const other = await signIn();
    const runPath = `/inspector/runs/${encodeURIComponent(WORKFLOW_ID)}`;
    const page = await (await get(runPath, cookie)).text();
    expect(page).toContain('skipped:unsubscribed');
    expect((await post(`${runPath}/exit`, { reason: 'asked us' }, cookie)).status).toBe(403);
    const otherCsrf = csrfOf(await (await get(runPath, other)).text());
    expect((await post(`${runPath}/exit`, { reason: 'asked us', csrf: otherCsrf }, cookie)).status).toBe(403);
    expect(service.actions).toEqual([]);

    const noReason = await post(`${runPath}/exit`, { reason: '  ', csrf: csrfOf(page) }, cookie);
    expect(noReason.status).toBe(400);
    expect(await noReason.text()).toContain('Give a reason');

    const done = await post(`${runPath}/exit`, { reason: 'asked us', csrf: csrfOf(page) }, cookie);
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe(`${runPath}?notice=exited`);
    expect(service.actions).toEqual([{ action: 'exit', target: WORKFLOW_ID, reason: 'asked us', actor: { name: 'grace', role: 'support' } }]);
    const after = await (await get(`${runPath}?notice=exited`, cookie)).text();
    expect(after).toContain('The run was exited.');
    expect(after).not.toContain('Exit run</button>');
  });

  it('changes consent and exits all runs in the name of the signed-in key', async () => {
    const cookie = await signIn();
    const csrf = csrfOf(await (await get('/inspector/customers/ada', cookie)).text());
    service.actions.length = 0;
    expect((await post('/inspector/customers/ada/consent', { channel: 'email', status: 'subscribed', reason: 'asked by phone', csrf }, cookie)).status).toBe(303);
    expect((await post('/inspector/customers/ada/exit-all', { reason: 'account closed', csrf }, cookie)).status).toBe(303);
    expect(service.actions.map((a) => [a.action, a.reason, a.actor.name])).toEqual([
      ['consent.email.subscribed', 'asked by phone', 'grace'],
      ['exit-all', 'account closed', 'grace'],
    ]);
  });

  it('shows an email in a sandboxed frame whose HTML is served with a sandbox CSP', async () => {
    const cookie = await signIn();
    const key = encodeURIComponent(`${WORKFLOW_ID}/run-1/thank-you/1`);
    const page = await (await get(`/inspector/messages/${key}`, cookie)).text();
    expect(page).toContain(`<iframe class="preview" title="Email as sent: Thanks &lt;Ada&gt;" sandbox="" referrerpolicy="no-referrer" src="/inspector/messages/${key}/preview">`);
    const preview = await get(`/inspector/messages/${key}/preview`, cookie);
    expect(preview.status).toBe(200);
    expect(preview.headers.get('content-security-policy')).toBe("sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'");
    expect(await preview.text()).toBe('<h1>Thanks</h1><script>alert(1)</script>');
    expect((await get(`/inspector/messages/${key}/preview`)).status).toBe(303);
    expect((await get(`/inspector/messages/${encodeURIComponent(`${WORKFLOW_ID}/run-1/offer/1`)}/preview`, cookie)).status).toBe(404);
  });

  it('lists the journeys with links to their reports, from the nav of every page', async () => {
    const cookie = await signIn();
    expect(await (await get('/inspector', cookie)).text()).toContain('<a href="/inspector/journeys">Journeys</a>');
    const page = await (await get('/inspector/journeys', cookie)).text();
    expect(page).toContain(`<a href="/inspector/journeys/${REPORT_JOURNEY}/report">${REPORT_JOURNEY}<span class="sr-only"> report</span></a>`);
    expect(page).toContain('Win back &lt;lapsed&gt;');
    expect(page).toContain('no order.completed for 60d');
    expect(page).toContain(JOURNEY.version);
  });

  it('renders the report with its charts and their numbers, escaped, under the strict CSP', async () => {
    const cookie = await signIn();
    const response = await get(`/inspector/journeys/${REPORT_JOURNEY}/report?since=2025-02-01&until=2025-02-27&bucket=week`, cookie);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(service.reportQueries.at(-1)).toEqual({ journeyId: REPORT_JOURNEY, since: '2025-02-01T00:00:00.000Z', until: '2025-02-28T00:00:00.000Z', bucket: 'week' });
    const page = await response.text();
    expect(page).not.toMatch(/<script/i);
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(HOSTILE_STEP).toContain('<script>');
    const charts = [...page.matchAll(/<svg class="chart" id="([^"]+)"/g)].map((m) => m[1]);
    expect(charts).toEqual(['funnel', 'nps-over-time', 'distribution-nps', 'variants-incentive', 'exits']);
    expect(page).toContain('<dt>Entered</dt><dd>200 runs</dd>');
    expect(page).toContain('34 of 200 (17.0%)');
    // NPS of 30 promoters and 10 detractors: (30 − 10) / 40 = 50.
    expect(page).toContain('<strong>NPS 50</strong>');
    expect(page).toContain('discount-10');
    expect(page).toContain('<td>+133.3%</td>');
    expect(page).toContain('exit_on user.deleted');
    expect(page).toContain('<input id="since" name="since" type="date" value="2025-02-01">');
    expect(page).toContain('<input id="until" name="until" type="date" value="2025-02-27">');
    expect(page).toContain('<option value="week" selected>week</option>');
    // Under the funnel: what each number counts, reached including runs waiting in a step or cut short there.
    expect(page).toContain('<details><summary>What the numbers count</summary>');
    expect(page).toMatch(/<dt>reached<\/dt><dd>runs that reached the step in the range, counted once per run [^<]*still waiting in it \(result waiting\)[^<]*interrupted/);
    expect(page).toMatch(/<dt>entered<\/dt><dd>runs started in the range \(a trigger event handed to a run already in progress is no new entry\)/);
  });

  it('answers a bad range or an unknown journey with a page saying what to fix', async () => {
    const cookie = await signIn();
    const bad = await get(`/inspector/journeys/${REPORT_JOURNEY}/report?since=last+tuesday`, cookie);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('From &quot;last tuesday&quot; is not a date: write it as YYYY-MM-DD');
    const reversed = await get(`/inspector/journeys/${REPORT_JOURNEY}/report?since=2025-02-10&until=2025-02-01`, cookie);
    expect(reversed.status).toBe(400);
    expect(await reversed.text()).toContain('pick a From date before the To date');
    const unknown = await get('/inspector/journeys/nope/report', cookie);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain(`No journey &quot;nope&quot;. Known journeys: ${REPORT_JOURNEY}.`);
    const signedOut = await get(`/inspector/journeys/${REPORT_JOURNEY}/report`);
    expect(signedOut.status).toBe(303);
    expect(signedOut.headers.get('location')).toBe(`/inspector/login?next=${encodeURIComponent(`/inspector/journeys/${REPORT_JOURNEY}/report`)}`);
  });

  it('signs out with a POST that carries the CSRF token, and ends the session on the server: the old cookie replayed is refused', async () => {
    const cookie = await signIn();
    const other = await signIn();
    const csrf = csrfOf(await (await get('/inspector', cookie)).text());
    expect((await post('/inspector/logout', {}, cookie)).status).toBe(403);
    const out = await post('/inspector/logout', { csrf }, cookie);
    expect(out.status).toBe(303);
    expect(out.headers.get('set-cookie')).toContain('Max-Age=0');
    // Someone who kept (or copied) the cookie cannot use it any more: pages and actions send them to sign in.
    for (const path of ['/inspector', '/inspector/customers/ada', `/inspector/runs/${encodeURIComponent(WORKFLOW_ID)}`, '/inspector/journeys']) {
      const replayed = await get(path, cookie);
      expect({ path, status: replayed.status, location: replayed.headers.get('location') }).toEqual({ path, status: 303, location: expect.stringMatching(/^\/inspector\/login\?next=/) });
    }
    service.actions.length = 0;
    expect((await post(`/inspector/runs/${encodeURIComponent(WORKFLOW_ID)}/exit`, { reason: 'replayed', csrf }, cookie)).status).toBe(303);
    expect(service.actions).toEqual([]);
    expect((await get('/inspector/login', cookie)).status).toBe(200);
    // Signing out again with the old cookie is harmless; another session of the same key goes on.
    expect((await post('/inspector/logout', { csrf }, cookie)).headers.get('location')).toMatch(/^\/inspector\/login/);
    expect((await get('/inspector', other)).status).toBe(200);
  });
});

describe('the html template', () => {
  it('escapes interpolated text but keeps nested templates as markup', () => {
    const inner = html`<b>${'<i>'}</b>`;
    expect(html`<p title="${'"x"'}">${inner}${['&', null, false, 3]}</p>`.value).toBe('<p title="&quot;x&quot;"><b>&lt;i&gt;</b>&amp;3</p>');
  });
});
