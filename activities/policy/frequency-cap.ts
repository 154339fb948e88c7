// Frequency caps: at most `max` marketing messages per channel per customer in a sliding
// window, counted across every journey from the message log.
import type { Channel } from '../../dsl/schema';
import type { Store } from '../../store/types';
import type { SendPolicy } from '../contract';

/**
 * A sentence for support staff when this send would go over the cap, else null. Soft under
 * concurrency: two journeys deciding at the same instant may both pass (see README).
 */
export async function frequencyCapDetail(input: {
  store: Store;
  customerId: string;
  channel: Channel;
  caps: SendPolicy['frequencyCaps'];
  now: Date;
}): Promise<string | null> {
  const cap = input.caps[input.channel];
  if (!cap) return null;
  const since = new Date(input.now.getTime() - cap.windowMs).toISOString();
  const count = await input.store.countSent({ customerId: input.customerId, channel: input.channel, category: 'marketing', since });
  if (count < cap.max) return null;
  return (
    `Customer ${input.customerId} already got ${count} marketing ${input.channel} message(s) since ${since}, ` +
    `the cap is ${cap.max} per ${formatWindow(cap.windowMs)} (FREQUENCY_CAPS); this one is skipped, not postponed.`
  );
}

function formatWindow(ms: number): string {
  const units: Array<[string, number]> = [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]];
  for (const [unit, size] of units) if (ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}
