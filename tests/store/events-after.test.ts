// The event log read routing uses for a starting run's backlog: one customer's events of the
// given names that happened after a time (event time, not arrival), oldest first, bounded.
import type { LoggedEventInput } from '../../store/types';
import { createTestStore, type TestStore } from '../support/db';

describe.each(['postgres', 'pglite'] as const)('eventsAfter on %s', (kind) => {
  let db: TestStore;
  beforeAll(async () => {
    db = await createTestStore(kind);
  });
  afterAll(async () => {
    await db?.dispose();
  });

  const track = (messageId: string, customerId: string, event: string, timestamp: string): LoggedEventInput => ({
    messageId,
    type: 'track',
    customerId,
    event,
    properties: {},
    traits: {},
    timestamp,
  });

  test('answers events after the time in event-time order, whatever order they were logged in', async () => {
    await db.store.recordEvents([
      track('late', 'ana', 'order.completed', '2030-01-01T10:05:00.000Z'),
      track('same', 'ana', 'order.completed', '2030-01-01T10:00:00.000Z'),
      track('early', 'ana', 'order.completed', '2030-01-01T09:00:00.000Z'),
      track('other-name', 'ana', 'page.viewed', '2030-01-01T11:00:00.000Z'),
      track('other-customer', 'ben', 'order.completed', '2030-01-01T11:00:00.000Z'),
      track('later', 'ana', 'cart.emptied', '2030-01-01T10:01:00.000Z'),
    ]);
    const after = (limit: number) =>
      db.store.eventsAfter({ customerId: 'ana', names: ['order.completed', 'cart.emptied'], after: '2030-01-01T10:00:00.000Z', limit });
    expect((await after(10)).map((e) => [e.messageId, e.timestamp])).toEqual([
      ['later', '2030-01-01T10:01:00.000Z'],
      ['late', '2030-01-01T10:05:00.000Z'],
    ]);
    expect((await after(1)).map((e) => e.messageId)).toEqual(['later']);
    expect(await db.store.eventsAfter({ customerId: 'ana', names: [], after: '2000-01-01T00:00:00Z', limit: 10 })).toEqual([]);
  });
});
