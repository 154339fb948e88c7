// The SMS send-rate limit: the token bucket's slots on a manual clock, SMS_RATE_PER_SECOND from
// the environment, and sendMessage over SMS paced through the real twilio library and emulator.
import { createActivities } from '../../activities';
import { createRateLimiter, type RateLimitClock } from '../../activities/channels/rate-limit';
import type { SmsDeps } from '../../activities/channels/sms';
import { loadConfig } from '../../config/env';
import type { Store } from '../../store/types';
import { createTestStore, type TestStore } from '../support/db';
import { startTwilioEmulator, type TwilioEmulator } from '../support/twilio-emulator';
import { emulatorSmsDeps, saveSmsTemplate, smsCustomer, smsRequest } from './support';

/** A clock that only moves when told; a sleep returns at once (the grant says how long it was). */
function manualClock(): RateLimitClock & { at: number } {
  const clock = {
    at: 0,
    now: () => clock.at,
    sleep: async () => undefined,
  };
  return clock;
}

const waits = (grants: Array<{ granted: boolean; waitedMs?: number }>) => grants.map((g) => (g.granted ? g.waitedMs : 'refused'));

describe('token bucket', () => {
  test('callers arriving together get slots 1/rate apart, in call order', async () => {
    const limiter = createRateLimiter({ ratePerSecond: 10, clock: manualClock() });
    const grants = await Promise.all([1, 2, 3, 4, 5].map(() => limiter.acquire(10_000)));
    expect(waits(grants)).toEqual([0, 100, 200, 300, 400]);
  });

  test('an idle spell banks at most `burst` sends, then sends are spaced again', async () => {
    const clock = manualClock();
    const limiter = createRateLimiter({ ratePerSecond: 10, burst: 3, clock });
    expect(waits(await Promise.all([1, 2, 3, 4, 5].map(() => limiter.acquire(10_000))))).toEqual([0, 0, 0, 100, 200]);
    clock.at = 60_000;
    expect(waits(await Promise.all([1, 2, 3, 4].map(() => limiter.acquire(10_000))))).toEqual([0, 0, 0, 100]);
  });

  test('sends spaced wider than the rate never wait', async () => {
    const clock = manualClock();
    const limiter = createRateLimiter({ ratePerSecond: 4, clock });
    const seen: Array<number | string | undefined> = [];
    for (let i = 0; i < 4; i++) {
      seen.push(...waits([await limiter.acquire(0)]));
      clock.at += 250;
    }
    expect(seen).toEqual([0, 0, 0, 0]);
  });

  test('a slot further away than the caller waits is refused and not reserved', async () => {
    const clock = manualClock();
    const limiter = createRateLimiter({ ratePerSecond: 0.5, clock });
    expect(await limiter.acquire(500)).toEqual({ granted: true, waitedMs: 0 });
    expect(await limiter.acquire(500)).toEqual({ granted: false, retryAfterMs: 2000 });
    // The refusal took nothing: the next caller willing to wait gets the very next slot.
    expect(await limiter.acquire(5000)).toEqual({ granted: true, waitedMs: 2000 });
    clock.at = 1000;
    expect(await limiter.acquire(5000)).toEqual({ granted: true, waitedMs: 3000 });
  });

  test('a rate or burst that is not positive is refused with the value named', () => {
    expect(() => createRateLimiter({ ratePerSecond: 0 })).toThrow('A send rate must be a positive number of messages per second (got 0).');
    expect(() => createRateLimiter({ ratePerSecond: Number.NaN })).toThrow(/got NaN/);
    expect(() => createRateLimiter({ ratePerSecond: 5, burst: 0.5 })).toThrow('A send burst must be a whole number of messages, at least 1 (got 0.5).');
  });

  test('on the real clock, n slots at rate r take at least (n - 1) / r seconds', async () => {
    const limiter = createRateLimiter({ ratePerSecond: 100 });
    const started = performance.now();
    await Promise.all(Array.from({ length: 21 }, () => limiter.acquire(10_000)));
    // The last slot is 200 ms after the first: never granted before it on the real clock, even
    // when setTimeout fires early (it counts from the event loop's cached time).
    expect(performance.now() - started).toBeGreaterThanOrEqual(200);
  });
});

describe('SMS_RATE_PER_SECOND', () => {
  const parse = (value: string | undefined) => loadConfig({ SMS_RATE_PER_SECOND: value }).SMS_RATE_PER_SECOND;

  test('unset or empty means no limit; a positive number (fractions too) is the rate', () => {
    expect(parse(undefined)).toBeUndefined();
    expect(parse('')).toBeUndefined();
    expect(parse(' 10 ')).toBe(10);
    expect(parse('0.5')).toBe(0.5);
  });

  test('zero, negatives and words are refused with the variable and a correct example', () => {
    expect(() => parse('0')).toThrow('SMS_RATE_PER_SECOND: must be above 0 (unset it for no limit) (got "0")');
    expect(() => parse('-3')).toThrow(/SMS_RATE_PER_SECOND: must be above 0/);
    expect(() => parse('ten')).toThrow('SMS_RATE_PER_SECOND: write a number of messages per second, e.g. SMS_RATE_PER_SECOND=10 (got "ten")');
  });
});

describe('sendMessage over SMS with a rate limit (twilio library → emulator)', () => {
  let testStore: TestStore;
  let store: Store;
  let emulator: TwilioEmulator;

  beforeAll(async () => {
    testStore = await createTestStore('pglite');
    store = testStore.store;
    await saveSmsTemplate(store);
    emulator = await startTwilioEmulator();
  });
  afterAll(async () => {
    await emulator?.stop();
    await testStore?.dispose();
  });

  const activitiesAt = (ratePerSecond: number) => {
    const sms: SmsDeps = { ...emulatorSmsDeps(emulator), ratePerSecond };
    return createActivities({ store, email: null, sms, defaultTimezone: 'UTC' });
  };

  test('six sends started together all go out once, no sooner than the rate allows', async () => {
    const activities = activitiesAt(20);
    const customers = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => smsCustomer(store, { phone: `+1415555031${i}` })));
    const before = emulator.messages.length;
    const started = performance.now();
    const outcomes = await Promise.all(customers.map((id) => activities.sendMessage(smsRequest(id))));
    expect(performance.now() - started).toBeGreaterThanOrEqual(5 * 50 - 1);
    expect(outcomes.map((o) => o.reason)).toEqual(Array(6).fill('sent'));
    expect(emulator.messages.slice(before).map((m) => m.to).sort()).toEqual(customers.map((_, i) => `+1415555031${i}`));
  });

  test('a send waits for its slot before the message is marked dispatching, so a worker dying meanwhile leaves nothing in doubt', async () => {
    const activities = activitiesAt(2);
    const [first, second] = await Promise.all([smsCustomer(store, { phone: '+14155550331' }), smsCustomer(store, { phone: '+14155550332' })]);
    expect(await activities.sendMessage(smsRequest(first))).toMatchObject({ reason: 'sent' });
    const request = smsRequest(second);
    const sending = activities.sendMessage(request);
    // The second slot is 500 ms after the first: look at the row while the send waits for it.
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await store.getMessage(request.messageKey)).toMatchObject({ status: 'deciding' });
    expect(emulator.messages.filter((m) => m.to === '+14155550332')).toEqual([]);
    expect(await sending).toMatchObject({ reason: 'sent' });
  });

  test('a send whose slot is more than 10 s away is a retryable RateLimited failure with nothing sent, then goes once', async () => {
    const activities = activitiesAt(1 / 30);
    const [first, second] = await Promise.all([smsCustomer(store, { phone: '+14155550321' }), smsCustomer(store, { phone: '+14155550322' })]);
    expect(await activities.sendMessage(smsRequest(first))).toMatchObject({ reason: 'sent' });
    const requests = emulator.requests;
    const request = smsRequest(second);
    await expect(activities.sendMessage(request)).rejects.toMatchObject({
      name: 'ApplicationFailure',
      type: 'RateLimited',
      nonRetryable: false,
      message: expect.stringMatching(/at most 0\.0333 SMS per second \(SMS_RATE_PER_SECOND\) and its next slot is (29|30)\.\d s away; nothing was sent/),
    });
    expect(emulator.requests).toBe(requests);
    expect(await store.getMessage(request.messageKey)).toMatchObject({ status: 'retrying' });

    // Temporal's retry on a worker whose bucket has a slot (here: a fresh worker) sends it, once.
    expect(await activitiesAt(1 / 30).sendMessage(request)).toMatchObject({ reason: 'sent' });
    expect(emulator.messages.filter((m) => m.to === '+14155550322')).toHaveLength(1);
  });
});
