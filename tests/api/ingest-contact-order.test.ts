// A batch writes its contacts before it starts any run: a run started by a track event may send at
// once, and must find the email or phone an identify earlier in the same batch brought (else it
// would end as skipped:no_address). Routing also sees the traits as one-by-one ingestion would.
import { ingestBatch } from '../../api/ingest';
import type { RouteContext, Router } from '../../routing/router';
import type { LoggedEvent } from '../../store/types';
import { openAnalyticsDb, type AnalyticsDb } from '../store/analytics-db';

let rdb: AnalyticsDb;
beforeAll(async () => {
  rdb = await openAnalyticsDb('pglite');
});
afterAll(() => rdb?.dispose());

test('contacts are stored before routing; trigger.where sees the traits up to each event', async () => {
  const seen: Array<{ messageId: string; storedEmail: string | null; whereTraits: Record<string, unknown> | null }> = [];
  const router: Router = {
    async route(event: LoggedEvent, context?: RouteContext) {
      const stored = await rdb.store.getContact(event.customerId);
      seen.push({ messageId: event.messageId, storedEmail: stored?.email ?? null, whereTraits: context?.contactTraits ? await context.contactTraits() : null });
      return { event: event.messageId, runs: [] } as never;
    },
  };
  await rdb.store.upsertContact({ customerId: 'old', traits: { tier: 'silver', email: 'old@x.test' }, at: '2026-11-01T00:00:00Z' });
  await ingestBatch({ store: rdb.store, router }, [
    { messageId: 'o-1', type: 'track', customerId: 'old', event: 'order.completed', properties: {}, traits: {}, timestamp: '2026-11-02T00:00:00Z' },
    { messageId: 'n-1', type: 'identify', customerId: 'new', event: null, properties: {}, traits: { email: 'new@x.test' }, timestamp: '2026-11-02T00:00:01Z' },
    { messageId: 'n-2', type: 'track', customerId: 'new', event: 'user.signed_up', properties: {}, traits: {}, timestamp: '2026-11-02T00:00:02Z' },
    { messageId: 'o-2', type: 'identify', customerId: 'old', event: null, properties: {}, traits: { tier: 'gold' }, timestamp: '2026-11-02T00:00:03Z' },
    { messageId: 'n-3', type: 'track', customerId: 'new', event: 'order.completed', properties: {}, traits: { plan: 'pro' }, timestamp: '2026-11-02T00:00:04Z' },
  ]);
  const by = Object.fromEntries(seen.map((s) => [s.messageId, s]));
  // The address is in the store before the track event that could start a run is routed.
  expect(by['n-2']).toEqual({ messageId: 'n-2', storedEmail: 'new@x.test', whereTraits: { email: 'new@x.test' } });
  // An earlier event does not see the traits of a later one in the same batch.
  expect(by['o-1']!.whereTraits).toEqual({ tier: 'silver', email: 'old@x.test' });
  expect(by['n-3']!.whereTraits).toEqual({ email: 'new@x.test', plan: 'pro' });
  expect((await rdb.store.getContact('old'))?.traits).toEqual({ tier: 'gold', email: 'old@x.test' });
});
