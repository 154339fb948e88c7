// Report ranges: dates and durations as people type them, the 30-day default, UTC buckets, and
// errors that say what to type instead.
import { bucketOf, bucketsBetween, parseReportDate, resolveReportQuery } from '../../analytics/range';

const now = new Date('2026-11-20T15:30:00.000Z');

describe('report ranges', () => {
  test('ISO dates are UTC midnight, times without a zone are UTC, durations count back from now', () => {
    expect(parseReportDate('2026-11-01', now)?.toISOString()).toBe('2026-11-01T00:00:00.000Z');
    expect(parseReportDate('2026-11-01T08:00', now)?.toISOString()).toBe('2026-11-01T08:00:00.000Z');
    expect(parseReportDate('2026-11-01T08:00:00+02:00', now)?.toISOString()).toBe('2026-11-01T06:00:00.000Z');
    expect(parseReportDate('30d', now)?.toISOString()).toBe('2026-10-21T15:30:00.000Z');
    expect(parseReportDate('12h', now)?.toISOString()).toBe('2026-11-20T03:30:00.000Z');
    expect(parseReportDate('last week', now)).toBeNull();
    expect(parseReportDate('2026-13-45', now)).toBeNull();
  });

  test('defaults: until now, since 30 days before, daily buckets, every version', () => {
    expect(resolveReportQuery({ journeyId: 'j' }, now)).toEqual({
      journeyId: 'j', version: null, since: '2026-10-21T15:30:00.000Z', until: '2026-11-20T15:30:00.000Z', bucket: 'day',
    });
    expect(resolveReportQuery({ journeyId: 'j', until: '2026-11-10', version: 'abc', bucket: 'week' }, now)).toEqual({
      journeyId: 'j', version: 'abc', since: '2026-10-11T00:00:00.000Z', until: '2026-11-10T00:00:00.000Z', bucket: 'week',
    });
  });

  test('a bad date, an empty range or too many buckets is an error saying what to do', () => {
    expect(() => resolveReportQuery({ journeyId: 'j', since: 'yesterday' }, now)).toThrow('since "yesterday" is not a date: write an ISO date or time (2026-11-01, 2026-11-01T08:00:00Z) or a duration back from now (30d, 12h).');
    expect(() => resolveReportQuery({ journeyId: 'j', since: '2026-11-10', until: '2026-11-10' }, now)).toThrow('since (2026-11-10T00:00:00.000Z) must be before until (2026-11-10T00:00:00.000Z): the range is [since, until).');
    expect(() => resolveReportQuery({ journeyId: 'j', since: '2020-01-01' }, now)).toThrow(/has 2516 days; at most 1000 fit in one report: ask for weeks \(bucket week\) or shorten the range/);
    expect(resolveReportQuery({ journeyId: 'j', since: '2020-01-01', bucket: 'week' }, now).bucket).toBe('week');
  });

  test('buckets are UTC days, or weeks from Monday, covering [since, until)', () => {
    expect(bucketOf(new Date('2026-11-01T23:59:59Z'), 'day')).toBe('2026-11-01');
    expect(bucketOf(new Date('2026-11-01T23:59:59Z'), 'week')).toBe('2026-10-26');
    expect(bucketOf(new Date('2026-11-02T00:00:00Z'), 'week')).toBe('2026-11-02');
    expect(bucketsBetween('2026-11-01T00:00:00Z', '2026-11-04T00:00:00Z', 'day')).toEqual(['2026-11-01', '2026-11-02', '2026-11-03']);
    expect(bucketsBetween('2026-11-01T12:00:00Z', '2026-11-03T00:00:01Z', 'day')).toEqual(['2026-11-01', '2026-11-02', '2026-11-03']);
    expect(bucketsBetween('2026-11-01T00:00:00Z', '2026-11-16T00:00:00Z', 'week')).toEqual(['2026-10-26', '2026-11-02', '2026-11-09']);
  });
});
