// loadProfile and nextLocalTime: the customer's time zone trait, the configured default, and
// wall-clock times across DST changes (gaps and overlaps).
import { createActivities } from '../../activities';
import type { JourneyActivities } from '../../activities/contract';
import { createTestStore, type TestStore } from '../support/db';

describe('loadProfile and nextLocalTime', () => {
  let testStore: TestStore;
  let activities: JourneyActivities;
  const zone = (customerId: string, timezone: unknown) =>
    testStore.store.upsertContact({ customerId, traits: { timezone, plan: 'pro' }, at: '2024-01-01T00:00:00Z' });

  beforeAll(async () => {
    testStore = await createTestStore('postgres');
    activities = createActivities({ store: testStore.store, email: null, defaultTimezone: 'America/New_York' });
    await zone('rome', 'Europe/Rome');
    await zone('ny', 'America/New_York');
    await zone('bad-zone', 'Mars/Olympus_Mons');
    await zone('kolkata', 'Asia/Kolkata');
  });
  afterAll(() => testStore?.dispose());

  test('loadProfile returns traits and the timezone trait when it is a valid IANA zone', async () => {
    expect(await activities.loadProfile('rome')).toEqual({ customerId: 'rome', traits: { timezone: 'Europe/Rome', plan: 'pro' }, timezone: 'Europe/Rome' });
  });

  test('loadProfile falls back to the default zone for an invalid timezone trait and for unknown customers', async () => {
    expect((await activities.loadProfile('bad-zone')).timezone).toBe('America/New_York');
    expect(await activities.loadProfile('stranger')).toEqual({ customerId: 'stranger', traits: {}, timezone: 'America/New_York' });
  });

  const next = (customerId: string, time: string, after: string) => activities.nextLocalTime({ customerId, time, after });

  test('09:00 in Rome on the morning clocks spring forward is 07:00 UTC, the day before 08:00 UTC', async () => {
    expect(await next('rome', '09:00', '2024-03-30T06:00:00Z')).toBe('2024-03-30T08:00:00.000Z');
    expect(await next('rome', '09:00', '2024-03-30T08:00:00Z')).toBe('2024-03-31T07:00:00.000Z');
  });

  test('a local time inside the spring-forward gap moves forward by the gap (02:30 becomes 03:30)', async () => {
    expect(await next('rome', '02:30', '2024-03-30T23:00:00Z')).toBe('2024-03-31T01:30:00.000Z');
    expect(await next('ny', '02:30', '2024-03-10T05:00:00Z')).toBe('2024-03-10T07:30:00.000Z');
  });

  test('a local time that happens twice when clocks fall back gives the first, then the second strictly after it', async () => {
    expect(await next('rome', '02:30', '2024-10-26T23:00:00Z')).toBe('2024-10-27T00:30:00.000Z');
    expect(await next('rome', '02:30', '2024-10-27T00:30:00Z')).toBe('2024-10-27T01:30:00.000Z');
  });

  test('09:00 in New York across the November change moves from 13:00 to 14:00 UTC', async () => {
    expect(await next('ny', '09:00', '2024-11-02T12:00:00Z')).toBe('2024-11-02T13:00:00.000Z');
    expect(await next('ny', '09:00', '2024-11-02T13:00:00Z')).toBe('2024-11-03T14:00:00.000Z');
  });

  test('an invalid timezone trait uses the default zone and a half-hour zone is exact', async () => {
    expect(await next('bad-zone', '09:00', '2024-06-01T00:00:00Z')).toBe('2024-06-01T13:00:00.000Z');
    expect(await next('kolkata', '09:00', '2024-06-01T08:59:00Z')).toBe('2024-06-02T03:30:00.000Z');
  });

  test('a malformed time or instant is a non-retryable InvalidArgument failure', async () => {
    await expect(next('rome', '9am', '2024-06-01T00:00:00Z')).rejects.toMatchObject({ type: 'InvalidArgument', nonRetryable: true });
    await expect(next('rome', '09:00', 'yesterday')).rejects.toMatchObject({ type: 'InvalidArgument', nonRetryable: true });
  });
});
