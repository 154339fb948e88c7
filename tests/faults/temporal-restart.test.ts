// The Temporal dev server (file-backed, as `npm start` runs it) is stopped mid-run and started
// again on the same port and file: the worker reconnects, runs asleep in their timer wake up,
// sends in flight finish, and every message still arrives exactly once.
import { setTimeout as sleep } from 'node:timers/promises';
import { summary } from './support/ledger';
import { startFaultStack, type FaultStack } from './support/stack';

const JOURNEYS = 100;
const DOWN_MS = 5_000;

describe('the Temporal dev server stopped and restarted mid-run', () => {
  let stack: FaultStack | undefined;
  afterAll(async () => {
    await stack?.stop();
  }, 60_000);

  test('runs resume where they were and send the rest once', async () => {
    stack = await startFaultStack({ name: 'temporal', durableTemporal: true, pause: '10s' });
    await stack.startWorker();
    const customers = await stack.enrol(JOURNEYS);
    // Stop the server while some runs still send their first email and the others sleep.
    const mail = stack.mail();
    while (mail.messages.length < JOURNEYS / 2) await sleep(50);
    const before = mail.messages.length;
    await stack.restartTemporal(DOWN_MS);

    const completed = await stack.waitForRuns(JOURNEYS, 240_000);
    const ledger = await stack.balance(customers);
    console.log(summary(`Temporal dev server down ${DOWN_MS / 1000} s after ${before} of ${JOURNEYS * 2} emails`, completed, ledger));

    expect(completed).toBe(JOURNEYS);
    expect(ledger.problems).toEqual([]);
    expect(ledger).toMatchObject({ duplicates: 0, missing: 0, strays: 0 });
    expect(ledger.sent + ledger.inDoubt).toBe(JOURNEYS * 4);
  }, 400_000);
});
