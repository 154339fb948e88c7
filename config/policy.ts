// QUIET_HOURS and FREQUENCY_CAPS read into the send policy, with a message naming the variable
// and showing a correct value when one is wrong.
import type { SendPolicy } from '../activities/contract';
import { parseDuration } from '../dsl/duration';
import { ChannelSchema, type Channel } from '../dsl/schema';

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** `"21:00-08:00"` → `{ start: '21:00', end: '08:00' }`; a problem message otherwise. */
function quietHours(text: string): SendPolicy['quietHours'] | string {
  const [start = '', end = '', ...rest] = text.split('-').map((part) => part.trim());
  if (rest.length > 0 || !TIME.test(start) || !TIME.test(end)) {
    return `"${text}" is not a local time range; write HH:MM-HH:MM in 24-hour time, e.g. QUIET_HOURS=21:00-08:00 (ends the next morning when end is earlier than start).`;
  }
  if (start === end) return `"${text}" starts and ends at the same time; unset QUIET_HOURS for none, or give a range such as 21:00-08:00.`;
  return { start, end };
}

/** `"email:3/7d,sms:2/7d"` → caps per channel; a problem message otherwise. */
function frequencyCaps(text: string): SendPolicy['frequencyCaps'] | string {
  const caps: SendPolicy['frequencyCaps'] = {};
  for (const entry of text.split(',').map((part) => part.trim()).filter((part) => part !== '')) {
    const match = /^([a-z]+):(\d+)\/(\S+)$/.exec(entry);
    const example = 'write channel:max/window, e.g. FREQUENCY_CAPS=email:3/7d,sms:2/7d,push:5/1d';
    if (!match) return `"${entry}" is not a cap; ${example}.`;
    const [, name = '', max = '', window = ''] = match;
    const channel = ChannelSchema.safeParse(name);
    if (!channel.success) return `"${name}" in "${entry}" is not a channel (email, sms or push); ${example}.`;
    const windowMs = parseDuration(window);
    if (windowMs === null || windowMs === 0) return `"${window}" in "${entry}" is not a window; use a duration such as 7d, 24h or 1w.`;
    const key: Channel = channel.data;
    if (caps[key]) return `${key} is capped twice ("${entry}"); give one cap per channel.`;
    caps[key] = { max: Number(max), windowMs };
  }
  return caps;
}

/** The send policy from the environment's values; throws one message naming every bad variable. */
export function parseSendPolicy(vars: { QUIET_HOURS?: string | undefined; FREQUENCY_CAPS?: string | undefined }): SendPolicy {
  const hours = vars.QUIET_HOURS?.trim() ? quietHours(vars.QUIET_HOURS.trim()) : null;
  const caps = vars.FREQUENCY_CAPS?.trim() ? frequencyCaps(vars.FREQUENCY_CAPS) : {};
  const problems = [
    ...(typeof hours === 'string' ? [`  QUIET_HOURS: ${hours}`] : []),
    ...(typeof caps === 'string' ? [`  FREQUENCY_CAPS: ${caps}`] : []),
  ];
  if (problems.length > 0 || typeof hours === 'string' || typeof caps === 'string') {
    throw new Error(`Invalid environment configuration:\n${problems.join('\n')}\nFix these variables and start again.`);
  }
  return { quietHours: hours, frequencyCaps: caps };
}
