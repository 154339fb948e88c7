// An invalid `timezone` trait ("Rome") is stored as sent but reported: in the answer to identify,
// track and batch, on the customer (API and inspector page) and in the run (API, the timeline of
// the inspector's run page, the log of its sends), each saying which zone is used instead.
// Real dev server, worker, activities, store and HTTP (tests/support-api/world.ts).
import { newSession } from '../../inspector/session';
import { customerPage } from '../../inspector/customer-page';
import { runPage } from '../../inspector/run-page';
import { KEYS, eventually, startSupportWorld, type SupportWorld } from './world';

describe('an invalid timezone trait', () => {
  let world: SupportWorld;
  beforeAll(async () => {
    world = await startSupportWorld();
  }, 120_000);
  afterAll(() => world?.stop());

  const call = (method: string, path: string, body?: unknown, key: string = KEYS.support.key) => world.api.call(method, path, { key, ...(body === undefined ? {} : { body }) });
  const session = { session: newSession(KEYS.support, Date.now()), csrf: 'csrf-token' };

  test('identify answers a warning naming the zone used instead and the fix; a valid zone gets none; the trait is stored as sent', async () => {
    const answer = await call('POST', '/v1/identify', { userId: 'tz-rome', messageId: 'm-tz-rome', traits: { email: 'rome@example.com', timezone: 'Rome' } }, KEYS.ingest.key);
    expect(answer.status).toBe(200);
    expect(answer.body.warnings).toEqual([
      {
        path: ['traits', 'timezone'],
        code: 'invalid_timezone',
        used: 'UTC',
        message: expect.stringContaining('timezone "Rome" is not an IANA time zone'),
      },
    ]);
    expect(answer.body.warnings[0].message).toContain('use UTC (DEFAULT_TIMEZONE) instead; send "Europe/Rome"');
    expect((await world.store.getContact('tz-rome'))?.traits.timezone).toBe('Rome');

    const valid = await call('POST', '/v1/identify', { userId: 'tz-ok', messageId: 'm-tz-ok', traits: { timezone: 'Europe/Rome' } }, KEYS.ingest.key);
    expect(valid.status).toBe(200);
    expect(valid.body).not.toHaveProperty('warnings');
  });

  test('track and batch name the item and field that carried it', async () => {
    const track = await call('POST', '/v1/track', { userId: 'tz-track', event: 'page.viewed', messageId: 'm-tz-track', context: { traits: { timezone: 'Mars/Olympus' } } }, KEYS.ingest.key);
    expect(track.body.warnings).toEqual([expect.objectContaining({ path: ['traits', 'timezone'], message: expect.stringContaining('send an IANA name such as "Europe/Rome"') })]);

    const batch = await call(
      'POST',
      '/v1/batch',
      {
        batch: [
          { type: 'identify', userId: 'tz-b1', messageId: 'm-tz-b1', traits: { timezone: 'America/New_York' } },
          { type: 'identify', userId: 'tz-b2', messageId: 'm-tz-b2', traits: { timezone: 'new york' } },
        ],
      },
      KEYS.ingest.key,
    );
    expect(batch.status).toBe(200);
    expect(batch.body.results[0]).not.toHaveProperty('warnings');
    expect(batch.body.results[1].warnings).toEqual([expect.objectContaining({ path: ['batch', 1, 'traits', 'timezone'], message: expect.stringContaining('send "America/New_York"') })]);
  });

  test('the customer (API and inspector page) and the run (API, timeline, the log of its send) say which zone is used', async () => {
    const customerId = await world.customer({ email: 'giulia@example.com', timezone: 'Rome' });
    const found = await call('GET', `/v1/customers/${encodeURIComponent(customerId)}`);
    expect(found.status).toBe(200);
    expect(found.body.warnings).toEqual([expect.objectContaining({ code: 'invalid_timezone', used: 'UTC', path: ['traits', 'timezone'] })]);

    const view = await world.service.findCustomer(customerId);
    const runs = await world.service.listRuns({ customerId });
    const profile = customerPage(session, view!, runs);
    expect(profile).toContain('<div class="notice warn" role="note"><strong>Profile warning</strong>');
    expect(profile).toContain('timezone &quot;Rome&quot; is not an IANA time zone');
    expect(profile).toContain('<dt>timezone</dt><dd>Rome <span class="badge warn">invalid, using UTC</span></dd>');

    const workflowId = await world.start(customerId, 'TZ-1');
    const run = await eventually(
      () => call('GET', `/v1/runs/${encodeURIComponent(workflowId)}`),
      (r) => r.status === 200 && r.body.currentStep === 'rest',
      `${workflowId} asleep after its hello email`,
    );
    expect(run.body.warnings).toEqual([expect.objectContaining({ code: 'invalid_timezone', used: 'UTC' })]);
    const hello = run.body.messages.find((m: { stepId: string }) => m.stepId === 'hello');
    expect(hello).toMatchObject({ reason: 'sent', detail: expect.stringContaining('Note: timezone "Rome" is not an IANA time zone') });

    const detail = await world.service.getRun(workflowId);
    const timeline = runPage(session, detail!).split('<h2 id="timeline">Timeline</h2>')[1]!.split('</section>')[0]!;
    expect(timeline).toContain('<div class="notice warn" role="note">');
    expect(timeline).toContain('use UTC (DEFAULT_TIMEZONE) instead');

    const fine = await world.customer({ email: 'ok@example.com', timezone: 'Europe/Rome' });
    expect((await call('GET', `/v1/customers/${fine}`)).body.warnings).toEqual([]);
  });
});
