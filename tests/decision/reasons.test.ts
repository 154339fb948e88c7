// Every send reason code, each for its own cause, through the real journey workflow and the real
// activities, store and SMTP server; transactional messages skip consent, caps and quiet hours
// but never a suppressed address.
import type { SendRecord } from '../../core/run-state';
import type { Store } from '../../store/types';
import { startWorld, type World } from './support/world';

/** Keys whose `sent` outcome fails to be recorded once: a crash between the provider and the log. */
const crashAfterProvider = new Set<string>();

function crashingStore(store: Store): Store {
  return new Proxy(store, {
    get(target, name, receiver) {
      if (name !== 'finishMessage') return Reflect.get(target, name, receiver);
      const finish: Store['finishMessage'] = async (key, outcome) => {
        if (outcome.reason === 'sent' && [...crashAfterProvider].some((prefix) => key.startsWith(prefix))) {
          crashAfterProvider.clear();
          throw new Error('simulated crash after the SMTP server accepted the email');
        }
        return target.finishMessage(key, outcome);
      };
      return finish;
    },
  });
}

const reasons = (sends: SendRecord[]) => sends.map((s) => `${s.stepId}:${s.reason}:${s.channel}`);

describe('send decisions through the real workflow', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld({ policy: { quietHours: null, frequencyCaps: { email: { max: 2, windowMs: 7 * 86_400_000 } } }, wrapStore: crashingStore });
  });
  afterAll(() => world?.stop());

  test('a subscribed customer is sent the email, recorded with its provider id in the run and the message log', async () => {
    const customerId = await world.customer({ email: 'sent@example.com' });
    const state = await world.run(customerId, [{ id: 'hello', send: { channel: 'email', template: 'news' } }]);
    expect(reasons(state.sends)).toEqual(['hello:sent:email']);
    const [mail, ...more] = world.mail.to('sent@example.com');
    expect(more).toEqual([]);
    expect(state.sends[0]?.providerId).toBe(mail?.messageId);
    expect(await world.store.getMessage(state.sends[0]?.messageKey ?? '')).toMatchObject({ reason: 'sent', address: 'sent@example.com', category: 'marketing' });
  });

  test('an unsubscribed customer gets no marketing email (skipped:unsubscribed) but still gets a transactional receipt', async () => {
    const customerId = await world.customer({ email: 'unsub@example.com' });
    await world.store.setConsent({ customerId, channel: 'email', status: 'unsubscribed', source: 'api', reason: null, by: null, at: new Date().toISOString() });
    const state = await world.run(customerId, [
      { id: 'news', send: { channel: 'email', template: 'news' } },
      { id: 'receipt', send: { channel: 'email', template: 'receipt', category: 'transactional' } },
    ]);
    expect(reasons(state.sends)).toEqual(['news:skipped:unsubscribed:email', 'receipt:sent:email']);
    expect(state.sends[0]?.detail).toContain(`Customer ${customerId} unsubscribed from marketing email`);
    expect(world.mail.to('unsub@example.com').map((m) => m.subject)).toEqual([`Receipt for ${customerId}`]);
  });

  test('a suppressed address gets nothing, not even a transactional receipt (skipped:suppressed)', async () => {
    const customerId = await world.customer({ email: 'Bounced@Example.com' });
    await world.store.addSuppression({ channel: 'email', address: 'bounced@example.com', reason: 'hard_bounce', detail: '550 5.1.1', at: new Date().toISOString() });
    const state = await world.run(customerId, [
      { id: 'news', send: { channel: 'email', template: 'news' } },
      { id: 'receipt', send: { channel: 'email', template: 'receipt', category: 'transactional' } },
    ]);
    expect(reasons(state.sends)).toEqual(['news:skipped:suppressed:email', 'receipt:skipped:suppressed:email']);
    expect(state.sends[1]?.detail).toContain('bounced@example.com (hard_bounce: 550 5.1.1');
    expect(world.mail.to('bounced@example.com')).toEqual([]);
  });

  test('a customer without an email address is skipped:no_address', async () => {
    const customerId = await world.customer({ first_name: 'Nemo' });
    const state = await world.run(customerId, [{ id: 'hello', send: { channel: 'email', template: 'news' } }]);
    expect(reasons(state.sends)).toEqual(['hello:skipped:no_address:email']);
  });

  test('over the cap marketing email is skipped:frequency_cap across steps, transactional is not capped, and after the window it goes again', async () => {
    const customerId = await world.customer({ email: 'capped@example.com' });
    const state = await world.run(customerId, [
      { id: 'one', send: { channel: 'email', template: 'news' } },
      { id: 'w1', wait: '1h' },
      { id: 'two', send: { channel: 'email', template: 'tips' } },
      { id: 'w2', wait: '1h' },
      { id: 'three', send: { channel: 'email', template: 'news' } },
      { id: 'receipt', send: { channel: 'email', template: 'receipt', category: 'transactional' } },
      { id: 'w3', wait: '7d' },
      { id: 'four', send: { channel: 'email', template: 'tips' } },
    ]);
    expect(reasons(state.sends)).toEqual(['one:sent:email', 'two:sent:email', 'three:skipped:frequency_cap:email', 'receipt:sent:email', 'four:sent:email']);
    expect(state.sends[2]?.detail).toContain('the cap is 2 per 7d (FREQUENCY_CAPS)');
    expect(world.mail.to('capped@example.com')).toHaveLength(4);
  });

  test("inside quiet hours (customer's zone) marketing email is deferred:quiet_hours until they end, then sent; a receipt goes at once", async () => {
    // Quiet from an hour ago to two hours ahead in Tokyo (UTC+9, no DST), by the test server's clock.
    const nowMs = await world.env.currentTimeMs();
    const minute = Math.floor(nowMs / 60_000);
    const local = (offset: number) => {
      const m = (((minute + 9 * 60 + offset) % 1440) + 1440) % 1440;
      return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
    };
    const endsAt = new Date((minute + 120) * 60_000).toISOString();
    const customerId = await world.customer({ email: 'night@example.com', timezone: 'Asia/Tokyo' });
    const state = await world.run(
      customerId,
      [
        { id: 'receipt', send: { channel: 'email', template: 'receipt', category: 'transactional' } },
        { id: 'news', send: { channel: 'email', template: 'news' } },
      ],
      { quietHours: { start: local(-60), end: local(120) } },
    );
    expect(reasons(state.sends)).toEqual(['receipt:sent:email', 'news:deferred:quiet_hours:email', 'news:sent:email']);
    const [, deferred, sent] = state.sends;
    expect(deferred?.detail).toContain(`in the customer's time zone Asia/Tokyo; the run decides again at ${endsAt}`);
    expect(await world.store.getMessage(deferred?.messageKey ?? '')).toMatchObject({ reason: 'deferred:quiet_hours', retryAt: endsAt });
    expect(sent?.messageKey).toBe(`${deferred?.messageKey}/attempt-2`);
    expect(Date.parse(sent?.at ?? '')).toBeGreaterThanOrEqual(Date.parse(endsAt));
    expect(world.mail.to('night@example.com').map((m) => m.subject)).toEqual([`Receipt for ${customerId}`, `News for ${customerId} (decision)`]);
  });

  test('a recipient the SMTP server refuses at RCPT with 550 is failed:invalid_address and suppressed from then on', async () => {
    const customerId = await world.customer({ email: 'rejected-1@example.com' });
    const state = await world.run(customerId, [
      { id: 'news', send: { channel: 'email', template: 'news' } },
      { id: 'receipt', send: { channel: 'email', template: 'receipt', category: 'transactional' } },
    ]);
    expect(reasons(state.sends)).toEqual(['news:failed:invalid_address:email', 'receipt:skipped:suppressed:email']);
    expect(state.sends[0]?.detail).toContain('550');
  });

  test('a message the SMTP server refuses for good after DATA is failed:provider, not retried', async () => {
    const customerId = await world.customer({ email: 'refused@example.com' });
    const state = await world.run(customerId, [{ id: 'news', send: { channel: 'email', template: 'news' } }]);
    expect(reasons(state.sends)).toEqual(['news:failed:provider:email']);
    expect(state.sends[0]?.detail).toContain('refused the message for good');
    expect(world.mail.to('refused@example.com')).toHaveLength(1);
    expect(await world.store.getMessage(state.sends[0]?.messageKey ?? '')).toMatchObject({ attempts: 1 });
  });

  test('a run repeated for the same trigger event (a new run of the same id) is skipped:duplicate, one email in all', async () => {
    const customerId = await world.customer({ email: 'twice@example.com' });
    const trigger = { id: `evt-twice-${customerId}`, name: 'signed.up', properties: {}, timestamp: new Date().toISOString() };
    const steps = [{ id: 'hello', send: { channel: 'email' as const, template: 'news' } }];
    const first = await world.run(customerId, steps, { trigger });
    const again = await world.run(customerId, steps, { trigger });
    expect(reasons(first.sends)).toEqual(['hello:sent:email']);
    expect(reasons(again.sends)).toEqual(['hello:skipped:duplicate:email']);
    expect(again.sends[0]?.detail).toContain(`by message ${first.sends[0]?.messageKey}`);
    expect(world.mail.to('twice@example.com')).toHaveLength(1);
  });

  test('a crash after the SMTP server accepted the email but before the log recorded it is unknown:provider_outcome, never resent', async () => {
    const customerId = await world.customer({ email: 'doubt@example.com' });
    crashAfterProvider.add(`journey/decision/${customerId}/`);
    const state = await world.run(customerId, [{ id: 'hello', send: { channel: 'email', template: 'news' } }]);
    expect(reasons(state.sends)).toEqual(['hello:unknown:provider_outcome:email']);
    expect(state.sends[0]?.detail).toMatch(/handed this email message for doubt@example.com to the provider .* Not resent/);
    expect(world.mail.to('doubt@example.com')).toHaveLength(1);
  });

  test('a channel without a provider is failed:channel_not_configured; with fallback email the email goes and the channel used is recorded', async () => {
    const customerId = await world.customer({ email: 'nopush@example.com' });
    const state = await world.run(customerId, [
      { id: 'push-only', send: { channel: 'push', template: 'news' } },
      { id: 'push-or-email', send: { channel: 'push', template: 'tips', fallback: 'email' } },
    ]);
    expect(reasons(state.sends)).toEqual(['push-only:failed:channel_not_configured:push', 'push-or-email:sent:email']);
    expect(state.sends[0]?.detail).toContain('set VAPID_PUBLIC_KEY');
    expect(state.sends[1]?.detail).toContain('Fell back from push (failed:channel_not_configured');
    expect(await world.store.getMessage(state.sends[1]?.messageKey ?? '')).toMatchObject({ channel: 'email', address: 'nopush@example.com' });
  });
});
