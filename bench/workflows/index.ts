// Hand-written Temporal workflows for the baselines: what a bare SDK user would write to do
// the same commands as a journey step (start, one email, activities, timers, signals).
import { condition, defineSignal, proxyActivities, proxyLocalActivities, setHandler, sleep } from '@temporalio/workflow';
import type { BareActivities } from '../lib/bare-activities';

/** Carries an event to a bare workflow (signalWithStart, or later signals). */
export const bareEventSignal = defineSignal<[string]>('bareEvent');

const { noop, sendEmail } = proxyActivities<BareActivities>({ startToCloseTimeout: '1 minute' });
const local = proxyLocalActivities<BareActivities>({ startToCloseTimeout: '10 seconds' });

/** Starts and completes: the cheapest workflow there is. */
export async function bareNoop(): Promise<void> {}

/** Started by signalWithStart with the event; sends one email to `to`. */
export async function bareFirstEmail(to: string): Promise<void> {
  let event: string | undefined;
  setHandler(bareEventSignal, (name) => {
    event ??= name;
  });
  await condition(() => event !== undefined);
  await sendEmail({ to, subject: `Hello (${event})`, text: 'Welcome!' });
}

export type BareCommand = 'activity' | 'timer' | 'signal' | 'local_activity';

/**
 * `count` times the same command, one after the other: an activity, a 1 s timer, waiting for a
 * signal with a timer of `timeoutMs` as timeout (what wait_for does), or a local activity.
 */
export async function bareCommands(command: BareCommand, count: number, timeoutMs = 60_000): Promise<void> {
  let signals = 0;
  setHandler(bareEventSignal, () => {
    signals++;
  });
  for (let i = 0; i < count; i++) {
    if (command === 'activity') await noop();
    else if (command === 'timer') await sleep('1 second');
    else if (command === 'signal') await condition(() => signals > i, timeoutMs);
    else await local.noop();
  }
}
