// The nextLocalTime activity: when the customer's own clock next reads HH:MM (send-at,
// quiet-hours ends), computed from their time zone trait with DST handled.
import { ApplicationFailure } from '@temporalio/common';
import type { JourneyActivities } from './contract';
import { nextWallClockTime } from './local-time';

type LoadProfile = JourneyActivities['loadProfile'];

export function createNextLocalTime(loadProfile: LoadProfile): JourneyActivities['nextLocalTime'] {
  return async function nextLocalTime({ customerId, time, after, progress }) {
    const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(time);
    if (!match) throw ApplicationFailure.nonRetryable(`nextLocalTime: time "${time}" is not a 24-hour HH:MM local time (e.g. 09:30)`, 'InvalidArgument');
    const from = Date.parse(after);
    if (Number.isNaN(from)) throw ApplicationFailure.nonRetryable(`nextLocalTime: after "${after}" is not an ISO 8601 instant`, 'InvalidArgument');
    // loadProfile records the progress (after the checks: a malformed call records nothing).
    const { timezone } = await loadProfile(customerId, progress);
    return new Date(nextWallClockTime(from, Number(match[1]), Number(match[2]), timezone)).toISOString();
  };
}
