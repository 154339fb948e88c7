// Quiet hours in the customer's time zone: whether now falls inside them and when they end,
// with DST handled by the wall-clock helpers.
import type { QuietHours, SendPolicy, SendRequest } from '../contract';
import { nextWallClockTime } from '../local-time';

/** The journey's quiet hours override the global ones; `false` turns them off for the journey. */
export function effectiveQuietHours(request: SendRequest, policy: SendPolicy | undefined): QuietHours | null {
  if (request.quietHours === false) return null;
  return request.quietHours ?? policy?.quietHours ?? null;
}

const hm = (time: string): [number, number] => {
  const [h = '0', m = '0'] = time.split(':');
  return [Number(h), Number(m)];
};

/**
 * The instant quiet hours end when `now` is inside them, else null. Inside means the next end
 * comes before the next start: that holds for ranges over midnight (21:00-08:00) and on DST days.
 */
export function quietHoursEnd(now: number, zone: string, hours: QuietHours): number | null {
  if (hours.start === hours.end) return null;
  const nextStart = nextWallClockTime(now, ...hm(hours.start), zone);
  const nextEnd = nextWallClockTime(now, ...hm(hours.end), zone);
  return nextEnd < nextStart ? nextEnd : null;
}
