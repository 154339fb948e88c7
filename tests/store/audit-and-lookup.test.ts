// The support additions to the store on both engines: the append-only audit log and finding
// contacts by email whatever its case.
import { randomUUID } from 'node:crypto';
import type { Store } from '../../store/types';
import { createTestStore, STORE_KINDS, type TestStore } from '../support/db';

describe.each(STORE_KINDS)('support store on %s', (kind) => {
  let testStore: TestStore;
  let store: Store;
  beforeAll(async () => {
    testStore = await createTestStore(kind);
    store = testStore.store;
  });
  afterAll(() => testStore?.dispose());

  test('findContactsByEmail matches the stored email in any case and with spaces around it', async () => {
    const id = `c-${randomUUID().slice(0, 8)}`;
    await store.upsertContact({ customerId: id, traits: { email: `Mixed.${id}@Example.COM` }, at: '2030-01-01T00:00:00.000Z' });
    const found = await store.findContactsByEmail(`  mixed.${id.toUpperCase()}@example.com `);
    expect(found.map((c) => c.customerId)).toEqual([id]);
    expect(await store.findContactsByEmail('nobody@example.com')).toEqual([]);
  });

  test('appendAudit keeps every entry; listAudit returns them newest first, by target, up to the limit', async () => {
    const target = `journey/demo/${randomUUID()}`;
    const first = await store.appendAudit({ at: '2030-01-01T10:00:00.000Z', actor: 'desk', action: 'run.exit', target, reason: 'asked' });
    expect(first).toEqual({ id: expect.any(Number), at: '2030-01-01T10:00:00.000Z', actor: 'desk', action: 'run.exit', target, reason: 'asked' });
    await store.appendAudit({ at: '2030-01-01T11:00:00.000Z', actor: 'ops', action: 'run.exit', target, reason: 'again' });
    await store.appendAudit({ at: '2030-01-01T12:00:00.000Z', actor: 'ops', action: 'consent.email.subscribed', target: 'someone-else', reason: 'x' });

    expect((await store.listAudit({ target })).map((e) => e.reason)).toEqual(['again', 'asked']);
    expect((await store.listAudit({ target, limit: 1 })).map((e) => e.reason)).toEqual(['again']);
    expect((await store.listAudit({ limit: 1 }))[0]?.target).toBe('someone-else');
  });
});
