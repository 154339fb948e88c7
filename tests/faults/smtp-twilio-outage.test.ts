// The SMTP server refuses connections for 60 s and then comes up; Twilio answers bursts of 429
// and 500. Temporal's retries carry every send through: each email, SMS and push message is
// delivered exactly once, later.
import { setTimeout as sleep } from 'node:timers/promises';
import { summary } from './support/ledger';
import { startFaultStack, type FaultStack } from './support/stack';

const JOURNEYS = 50;
const SMTP_DOWN_MS = 60_000;
const BURST = 40;

describe('SMTP down for 60 s, Twilio answering 429 and 500 bursts', () => {
  let stack: FaultStack | undefined;
  afterAll(async () => {
    await stack?.stop();
  }, 60_000);

  test('everything is delivered once, later', async () => {
    stack = await startFaultStack({ name: 'outage', mailUp: false, pause: '1s' });
    const { twilio } = stack;
    twilio.failNext({ kind: 'rate_limited', retryAfterSeconds: 1 }, BURST);
    twilio.failNext({ kind: 'server_error' }, BURST);
    await stack.startWorker();
    const downSince = Date.now();
    const customers = await stack.enrol(JOURNEYS);
    await sleep(Math.max(0, downSince + SMTP_DOWN_MS - Date.now()));
    const mail = await stack.startMail();
    expect(mail.messages).toEqual([]);

    const completed = await stack.waitForRuns(JOURNEYS, 300_000);
    const ledger = await stack.balance(customers);
    const refusals = twilio.requests - twilio.messages.length;
    console.log(`${summary(`SMTP down ${SMTP_DOWN_MS / 1000} s, Twilio 429 ×${BURST} then 500 ×${BURST}`, completed, ledger)}; Twilio refused ${refusals} requests`);

    expect(completed).toBe(JOURNEYS);
    expect(ledger.problems).toEqual([]);
    expect(ledger).toMatchObject({ duplicates: 0, missing: 0, strays: 0, inDoubt: 0, sent: JOURNEYS * 4 });
    // Every scripted refusal was answered and retried past.
    expect(refusals).toBe(2 * BURST);
  }, 400_000);
});
