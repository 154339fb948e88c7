// The support routes end to end: real dev server, real worker and activities, real HTTP with
// role-carrying API keys. Support staff find customers, read runs and act, with an audit trail.
import { KEYS, JOURNEY_ID, UI_URL, eventually, startSupportWorld, type SupportWorld } from './world';

describe('support API', () => {
  let world: SupportWorld;
  beforeAll(async () => {
    world = await startSupportWorld();
  }, 120_000);
  afterAll(() => world?.stop());

  const call = (method: string, path: string, body?: unknown, key: string | null = KEYS.support.key) =>
    world.api.call(method, path, { key, ...(body === undefined ? {} : { body }) });
  const runPath = (workflowId: string) => `/v1/runs/${encodeURIComponent(workflowId)}`;
  /** A run asleep in `rest` after its hello email (the state query shows it there). */
  const asleep = async (workflowId: string) =>
    eventually(() => call('GET', runPath(workflowId)), (r) => r.status === 200 && r.body.currentStep === 'rest', `${workflowId} asleep in rest`);
  const listed = (customerId: string, count: number) =>
    eventually(() => world.service.listRuns({ customerId }), (page) => page.runs.length === count, `${count} runs of ${customerId} in visibility`);

  test('finds a customer by id, by email in any case and by phone; an unknown one is a 404 that says how to search', async () => {
    const id = await world.customer({ email: 'Grace@Example.com', phone: '+14155550100', first_name: 'Grace' });
    for (const query of [id, 'GRACE@example.COM', '+14155550100']) {
      const found = await call('GET', `/v1/customers/${encodeURIComponent(query)}`);
      expect(found.status).toBe(200);
      expect(found.body.contact).toMatchObject({ customerId: id, email: 'grace@example.com', phone: '+14155550100' });
    }
    const missing = await call('GET', '/v1/customers/nobody%40example.com');
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toContain('nobody@example.com');
  });

  test("lists a customer's runs a page at a time, and shows one run with its sends, reasons and the email as sent", async () => {
    const id = await world.customer({ email: 'ada@example.com' });
    const first = await world.start(id, 'A-1');
    const second = await world.start(id, 'A-2');
    await asleep(first);
    await asleep(second);
    await listed(id, 2);

    const page1 = await call('GET', `/v1/runs?customer=${id}&pageSize=1`);
    expect(page1.status).toBe(200);
    expect(page1.body.runs).toHaveLength(1);
    expect(page1.body.nextPageToken).toEqual(expect.any(String));
    const page2 = await call('GET', `/v1/runs?customer=${id}&pageSize=1&pageToken=${encodeURIComponent(page1.body.nextPageToken)}`);
    expect(page2.status).toBe(200);
    const ids = [...page1.body.runs, ...page2.body.runs].map((run: { workflowId: string }) => run.workflowId);
    expect(ids.sort()).toEqual([first, second].sort());
    expect(page1.body.runs[0]).toMatchObject({ journeyId: JOURNEY_ID, customerId: id, status: 'running', currentStep: 'rest' });

    const detail = await call('GET', runPath(first));
    expect(detail.body).toMatchObject({
      workflowId: first,
      journeyId: JOURNEY_ID,
      customerId: id,
      entryKey: 'A-1',
      status: 'running',
      currentStep: 'rest',
      nextWakeUp: expect.any(String),
      temporalUiUrl: `${UI_URL}/namespaces/default/workflows/${encodeURIComponent(first)}/${detail.body.runId}/history`,
    });
    expect(detail.body.state.sends).toEqual([expect.objectContaining({ stepId: 'hello', reason: 'sent' })]);
    expect(detail.body.messages).toEqual([
      expect.objectContaining({ stepId: 'hello', channel: 'email', reason: 'sent', address: 'ada@example.com', providerId: expect.any(String) }),
    ]);
    expect(detail.body.messages[0].content).toMatchObject({ subject: `Hello ${id}` });
  });

  test('shows why a message was not sent: an unsubscribed customer gets skipped:unsubscribed', async () => {
    const id = await world.customer({ email: 'quiet@example.com' });
    await world.store.setConsent({ customerId: id, channel: 'email', status: 'unsubscribed', source: 'api', reason: null, by: null, at: new Date().toISOString() });
    const run = await world.start(id, 'Q-1');
    const detail = await asleep(run);
    expect(detail.body.messages).toEqual([expect.objectContaining({ stepId: 'hello', reason: 'skipped:unsubscribed', content: null })]);
  });

  test('exiting a run ends it as exited, names who did it in the audit log, and a second exit is a 409', async () => {
    const id = await world.customer({ email: 'bo@example.com' });
    const run = await world.start(id, 'B-1');
    await asleep(run);

    const exited = await call('POST', `${runPath(run)}/exit`, { reason: 'customer asked by phone' });
    expect(exited.status).toBe(200);
    expect(exited.body).toMatchObject({ workflowId: run, status: 'exited', closedAt: expect.any(String) });
    const detail = await call('GET', runPath(run));
    expect(detail.body.state).toMatchObject({ status: 'exited', endReason: 'exitRun by desk: customer asked by phone' });

    const audit = await call('GET', `/v1/audit?target=${encodeURIComponent(run)}`);
    expect(audit.body.entries).toEqual([expect.objectContaining({ actor: 'desk', action: 'run.exit', target: run, reason: 'customer asked by phone' })]);

    const again = await call('POST', `${runPath(run)}/exit`, { reason: 'twice' });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toContain(run);
    const noReason = await call('POST', `${runPath(run)}/exit`, {});
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.message).toContain('reason');
  });

  test("exit-all ends every running run of the customer and audits it on the customer", async () => {
    const id = await world.customer({ email: 'cy@example.com' });
    const runs = [await world.start(id, 'C-1'), await world.start(id, 'C-2')];
    for (const run of runs) await asleep(run);
    await listed(id, 2);

    const result = await call('POST', `/v1/customers/${id}/exit-all`, { reason: 'account closed' }, KEYS.admin.key);
    expect(result.status).toBe(200);
    expect(result.body.runs.map((r: { workflowId: string; status: string }) => [r.workflowId, r.status]).sort()).toEqual(runs.sort().map((run) => [run, 'exited']));
    const audit = await world.service.auditLog({ target: id });
    expect(audit).toEqual([expect.objectContaining({ actor: 'ops', action: 'customer.exit_all', reason: 'account closed' })]);
  });

  test('a consent change by support is recorded with who and why, in the history and the audit log', async () => {
    const id = await world.customer({ email: 'di@example.com' });
    const changed = await call('POST', `/v1/customers/${id}/consent`, { channel: 'email', status: 'unsubscribed', reason: 'asked by email' });
    expect(changed.status).toBe(200);
    expect(changed.body.consent.email).toMatchObject({ status: 'unsubscribed', source: 'support', by: 'desk', reason: 'asked by email' });
    const back = await call('POST', `/v1/customers/${id}/consent`, { channel: 'email', status: 'subscribed', reason: 'changed their mind' });
    expect(back.body.consentHistory.map((c: { status: string }) => c.status)).toEqual(['unsubscribed', 'subscribed']);
    const audit = await call('GET', `/v1/audit?target=${id}`);
    expect(audit.body.entries.map((e: { action: string }) => e.action)).toEqual(['consent.email.subscribed', 'consent.email.unsubscribed']);
    const badChannel = await call('POST', `/v1/customers/${id}/consent`, { channel: 'fax', status: 'subscribed', reason: 'x' });
    expect(badChannel.status).toBe(400);
  });

  test('unknown runs and customers are 404s that name the id and say how to list runs', async () => {
    const run = 'journey/support-demo/nobody';
    const missing = await call('GET', runPath(run));
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toContain(run);
    expect(missing.body.error.message).toContain('/v1/runs?customer=');
    expect((await call('POST', `${runPath(run)}/exit`, { reason: 'x' })).status).toBe(404);
    expect((await call('POST', '/v1/customers/nobody/exit-all', { reason: 'x' })).status).toBe(404);
    expect((await call('POST', '/v1/customers/nobody/consent', { channel: 'sms', status: 'subscribed', reason: 'x' })).status).toBe(404);
  });

  test('an ingest key may send events but not read customers (403 naming the role needed); no key is a 401', async () => {
    const id = await world.customer({ email: 'ed@example.com' });
    const forbidden = await call('GET', `/v1/customers/${id}`, undefined, KEYS.ingest.key);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.message).toContain('support or admin');
    expect((await call('GET', '/v1/runs', undefined, KEYS.ingest.key)).status).toBe(403);
    expect((await call('GET', `/v1/customers/${id}`, undefined, null)).status).toBe(401);

    const identify = { userId: id, messageId: `identify-${id}`, traits: { plan: 'pro' } };
    expect((await call('POST', '/v1/identify', identify, KEYS.ingest.key)).status).toBe(200);
    const supportIngest = await call('POST', '/v1/identify', { ...identify, messageId: `again-${id}` });
    expect(supportIngest.status).toBe(403);
    expect(supportIngest.body.error.message).toContain('ingest or admin');
  });

  test('the OpenAPI document describes every support route and its response shapes', async () => {
    const doc = await call('GET', '/openapi.json', undefined, null);
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/v1/customers/{query}', '/v1/customers/{id}/exit-all', '/v1/customers/{id}/consent', '/v1/runs', '/v1/runs/{workflowId}', '/v1/runs/{workflowId}/exit', '/v1/audit']));
    expect(doc.body.components.schemas.RunSummary.required).toEqual(expect.arrayContaining(['workflowId', 'status', 'nextWakeUp', 'temporalUiUrl']));
    expect(doc.body.paths['/v1/runs/{workflowId}/exit'].post.responses).toHaveProperty('409');
  });
});
