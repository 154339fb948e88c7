// 500 journeys (two emails, an SMS and a push message each) while the worker process is
// SIGKILLed at random moments and started again: every run completes, and every message is at
// its provider exactly once, or, when the worker died between handing it over and recording
// the answer, at most once and logged as unknown:provider_outcome. An email is in doubt only
// once the SMTP server answered DATA and got its body (a tap on the SMTP connection checks): one
// marked earlier counts as missing. What remains is a worker killed between the database write
// of the mark and writing the final "." (printed, not failed: no order of the two closes it).
import { setTimeout as sleep } from 'node:timers/promises';
import type { Enrolled } from './support/ledger';
import { summary } from './support/ledger';
import { seeded } from './support/seeded';
import { startFaultStack, type FaultStack } from './support/stack';

const JOURNEYS = 500;
const KILLS = 7;

describe('the worker killed with SIGKILL during 500 journeys', () => {
  let stack: FaultStack | undefined;
  afterAll(async () => {
    await stack?.stop();
  }, 60_000);

  test('every run completes; no message twice, none missing', async () => {
    const random = seeded();
    stack = await startFaultStack({ name: 'kill', tapMail: true });
    await stack.startWorker();
    const enrolling = stack.enrol(JOURNEYS);
    for (let kill = 1; kill <= KILLS; kill++) {
      await sleep(random.between(1_500, 6_000));
      await stack.killWorker();
      await sleep(random.between(0, 1_000));
      await stack.startWorker();
    }
    const customers: Enrolled[] = await enrolling;
    // An attempt that died with its worker is retried once its 1-minute start-to-close timeout ran out.
    const completed = await stack.waitForRuns(JOURNEYS, 300_000);
    const ledger = await stack.balance(customers);
    console.log(summary(`worker SIGKILL ×${KILLS} during ${JOURNEYS} journeys (seed ${random.seed})`, completed, ledger));

    expect(completed).toBe(JOURNEYS);
    expect(ledger.problems).toEqual([]);
    expect(ledger).toMatchObject({ duplicates: 0, missing: 0, strays: 0 });
    expect(ledger.sent + ledger.inDoubt).toBe(JOURNEYS * 4);
  }, 600_000);
});
