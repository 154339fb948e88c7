// The interpreter decides on event time: events routing found in the log that happened after the
// trigger (input.backlog) count before the first step, and events that happened before the
// trigger never end a run or satisfy a wait_for, whatever order they arrive in.
import type { JourneyEvent } from '../../core/events';
import type { JourneyInput } from '../../dsl/schema';
import { journeyEventSignal, RUN_REVISION } from '../../workflows/definitions';
import { startHarness, type Harness } from './support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

const at = (id: string, name: string, timestamp: string, properties: Record<string, unknown> = {}): JourneyEvent => ({ id, name, properties, timestamp });

const abandonedCart: JourneyInput = {
  id: 'abandoned-cart',
  name: 'Abandoned cart',
  trigger: { event: 'cart.updated' },
  entry: { reentry: 'always' },
  exit_on: ['cart.emptied'],
  goal: 'order.completed',
  steps: [
    { id: 'wait-4h', wait: '4h' },
    { id: 'reminder', send: { channel: 'email', template: 'cart-reminder' } },
    { id: 'last-call', wait_for: { event: 'cart.viewed', timeout: '1d', on_timeout: [{ id: 'give-up', exit: true }] } },
    { id: 'thanks-for-looking', send: { channel: 'email', template: 'cart-reminder' } },
  ],
};

const cart = at('cart-1', 'cart.updated', '2030-01-01T10:00:00.000Z');

test('an order logged before the cart update it followed ends the run as converted before any message', async () => {
  const { handle, customerId } = await h.start(abandonedCart, {
    trigger: cart,
    revision: RUN_REVISION,
    backlog: [at('order-1', 'order.completed', '2030-01-01T10:05:00.000Z')],
  });
  const result = await handle.result();
  expect(result).toMatchObject({ status: 'converted', endReason: 'goal order.completed', eventsReceived: 1 });
  expect(result.stepsDone).toEqual([]);
  expect(h.activities.sent(customerId)).toEqual([]);
});

test('an order or exit event that happened before the trigger does not end the run, one after it does', async () => {
  const { handle, customerId } = await h.start(abandonedCart, { trigger: cart, revision: RUN_REVISION });
  await h.waitForState(handle, (s) => s.currentStep === 'wait-4h', 'the four-hour wait');
  await handle.signal(journeyEventSignal, at('order-0', 'order.completed', '2030-01-01T09:59:59.000Z'));
  await handle.signal(journeyEventSignal, at('emptied-0', 'cart.emptied', '2030-01-01T09:00:00.000Z'));
  await h.waitForState(handle, (s) => s.eventsReceived === 2, 'both late events received');
  await h.env.sleep('5h');
  await h.waitForState(handle, (s) => s.currentStep === 'last-call', 'the reminder sent');
  expect(h.activities.sent(customerId).map((s) => s.stepId)).toEqual(['reminder']);
  await handle.signal(journeyEventSignal, at('emptied-1', 'cart.emptied', '2030-01-01T14:30:00.000Z'));
  expect(await handle.result()).toMatchObject({ status: 'exited', endReason: 'exit_on cart.emptied' });
});

test('a wait_for is not satisfied by an event that happened before the trigger', async () => {
  const { handle, customerId } = await h.start(abandonedCart, {
    trigger: cart,
    revision: RUN_REVISION,
    // Would be taken by last-call if arrival counted: it happened an hour before the cart update.
    backlog: [at('viewed-0', 'cart.viewed', '2030-01-01T09:00:00.000Z')],
  });
  const result = await handle.result();
  expect(result.status).toBe('exited');
  expect(result.stepsDone.map((s) => [s.stepId, s.outcome])).toEqual([
    ['wait-4h', expect.stringContaining('waited until')],
    ['reminder', 'sent (email)'],
    ['last-call', 'timeout'],
    ['give-up', 'exit'],
  ]);
  expect(h.activities.sent(customerId).map((s) => s.stepId)).toEqual(['reminder']);
});
