// `touchpoint start` whose Temporal dev server is killed: over real HTTP, the support routes and
// the inspector pages answer 503 within 2 s naming Temporal (never a 500 after the SDK's ~19 s of
// retries), /healthz says Temporal is down, and events are still accepted (202 pending).
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isAlive } from '../../runtime/processes';
import { readPidFile } from './support/child-process';
import { ADMIN_KEY, startTouchpointProcess, type TouchpointProcess } from './support/touchpoint-process';

/** A bound on behaviour (an answer, not a hang), not a performance target. */
const WITHIN_MS = 2_000;

describe('touchpoint start with its Temporal server gone', () => {
  let touchpoint: TouchpointProcess | undefined;
  afterAll(async () => {
    await touchpoint?.stop();
  }, 60_000);

  test('support routes and inspector pages answer 503 naming Temporal within 2 s; events are still accepted', async () => {
    touchpoint = await startTouchpointProcess();
    const { url } = touchpoint;
    const call = async (method: string, path: string, options: { body?: unknown; cookie?: string } = {}) => {
      const started = Date.now();
      const response = await fetch(`${url}${path}`, {
        method,
        redirect: 'manual',
        headers: {
          authorization: `Bearer ${ADMIN_KEY}`,
          ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(options.cookie ? { cookie: options.cookie } : {}),
        },
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      });
      return { status: response.status, ms: Date.now() - started, text: await response.text(), headers: response.headers };
    };

    // Up: a customer with a run, and an inspector session.
    const customer = 'down-1';
    const tracked = await call('POST', '/v1/track', { body: { userId: customer, event: 'crash.test', messageId: 'down-start-1', traits: { email: 'down-1@example.com' } } });
    expect(tracked.status).toBe(200);
    const workflowId = (JSON.parse(tracked.text) as { runs: Array<{ workflowId: string }> }).runs[0]!.workflowId;
    const login = await fetch(`${url}/inspector/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ key: ADMIN_KEY, next: '/inspector' }).toString(),
    });
    expect(login.status).toBe(303);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    // A malformed page token on the inspector's run list is a 400 page, not a 500.
    const badToken = await call('GET', `/inspector/customers/${customer}?runs=not-a-token`, { cookie });
    expect(badToken.status).toBe(400);
    expect(badToken.text).toContain('pageToken');

    // Temporal goes away.
    const pid = readPidFile(join(touchpoint.dataDir, 'temporal.pid'));
    expect(pid).not.toBeNull();
    process.kill(pid!, 'SIGKILL');
    while (isAlive(pid!)) await sleep(50);

    const encoded = encodeURIComponent(workflowId);
    const pages: Array<[string, string, 'json' | 'html']> = [
      ['GET', `/v1/runs?customer=${customer}`, 'json'],
      ['GET', `/v1/runs/${encoded}`, 'json'],
      ['POST', `/v1/runs/${encoded}/exit`, 'json'],
      ['POST', `/v1/customers/${customer}/exit-all`, 'json'],
      ['GET', `/inspector/customers/${customer}`, 'html'],
      ['GET', `/inspector/runs/${encoded}`, 'html'],
    ];
    for (const [method, path, kind] of pages) {
      const answer = await call(method, path, { cookie, ...(method === 'POST' ? { body: { reason: 'outage test' } } : {}) });
      expect({ path, status: answer.status }).toEqual({ path, status: 503 });
      expect({ path, fast: answer.ms < WITHIN_MS }).toEqual({ path, fast: true });
      expect(answer.text).toContain('Temporal');
      expect(answer.text).toContain('unreachable');
      if (kind === 'json') expect(JSON.parse(answer.text).error.code).toBe('unavailable');
    }
    // What does not need Temporal still works.
    expect((await call('GET', `/v1/customers/${customer}`)).status).toBe(200);

    const health = await call('GET', '/healthz');
    expect(health.status).toBe(503);
    expect(health.ms).toBeLessThan(WITHIN_MS + 1_000);
    expect(JSON.parse(health.text).temporal).toMatch(/^down: /);

    // Events are still accepted: logged, answered 202 pending (see temporal-outage.test.ts for the rest).
    const during = await call('POST', '/v1/track', { body: { userId: 'down-2', event: 'crash.test', messageId: 'down-start-2' } });
    expect(during.status).toBe(202);
    expect(during.ms).toBeLessThan(5_000);
    expect(JSON.parse(during.text)).toMatchObject({ messageId: 'down-start-2', pending: true, runs: [] });
  }, 240_000);
});
