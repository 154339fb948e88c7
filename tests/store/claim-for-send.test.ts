// claimMessageForSend answers what claimMessage, findSentTwin, getContact, getConsent and
// getSuppression answer one by one, in one statement, on PGlite and PostgreSQL.
import { randomUUID } from 'node:crypto';
import type { SendClaim, Store } from '../../store/types';
import { createTestStore, STORE_KINDS, type TestStore } from '../support/db';

const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;
type ClaimRow = Parameters<Store['claimMessage']>[0];

function claimRow(customerId: string, overrides: Partial<ClaimRow> = {}): ClaimRow {
  return {
    messageKey: unique('k'),
    workflowId: `journey/welcome/${customerId}`,
    runId: unique('run'),
    journeyId: 'welcome',
    journeyVersion: 'v1',
    stepId: 'hello',
    customerId,
    channel: 'email',
    template: 'welcome',
    templateVersion: 'h1',
    address: null,
    triggerId: 'evt-1',
    ...overrides,
  };
}

describe.each(STORE_KINDS)('claimMessageForSend on %s', (kind) => {
  let testStore: TestStore;
  let store: Store;
  beforeAll(async () => {
    testStore = await createTestStore(kind);
    store = testStore.store;
  });
  afterAll(() => testStore?.dispose());

  /** The same answers from the single reads, taken right after the combined one. */
  async function separately(row: ClaimRow, claim: SendClaim): Promise<SendClaim> {
    const contact = await store.getContact(row.customerId);
    const suppressions: SendClaim['suppressions'] = {};
    if (contact?.email) suppressions.email = await store.getSuppression('email', contact.email);
    if (contact?.phone) suppressions.sms = await store.getSuppression('sms', contact.phone);
    return {
      claimed: claim.claimed,
      row: (await store.getMessage(row.messageKey))!,
      twin: await store.findSentTwin({
        customerId: row.customerId, journeyId: row.journeyId, stepId: row.stepId, template: row.template,
        triggerId: row.triggerId ?? '', excludeKey: row.messageKey, excludeRunId: row.runId,
      }),
      contact,
      consent: await store.getConsent(row.customerId),
      suppressions,
    };
  }

  test('a customer the store has never seen: claimed, no twin, contact, consent or suppression', async () => {
    const row = claimRow(unique('nobody'));
    const claim = await store.claimMessageForSend(row);
    expect(claim).toMatchObject({ claimed: true, twin: null, contact: null, consent: {}, suppressions: {} });
    expect(claim.row).toMatchObject({ messageKey: row.messageKey, status: 'deciding', attempts: 1, triggerId: 'evt-1' });
    expect(claim).toEqual(await separately(row, claim));
  });

  test('contact, latest consent per channel, suppressed email and phone and a twin all come back as the single reads give them', async () => {
    const customerId = unique('c');
    const at = '2026-03-01T10:00:00.123Z';
    await store.upsertContact({ customerId, traits: { email: ` ${customerId}@Example.COM `, phone: ' +39 333 1234567 ', first_name: 'Ada', score: 10.25, big: 12345678901234, tags: ['è', '😀'], nested: { none: null } }, at });
    await store.setConsent({ customerId, channel: 'email', status: 'unsubscribed', source: 'api', reason: 'too many', by: 'support', at });
    await store.setConsent({ customerId, channel: 'email', status: 'subscribed', source: 'preference_center', reason: null, by: null, at: '2026-03-02T10:00:00.000Z' });
    await store.setConsent({ customerId, channel: 'sms', status: 'unsubscribed', source: 'sms_stop', reason: null, by: null, at });
    await store.addSuppression({ channel: 'email', address: `${customerId}@example.com`, reason: 'hard_bounce', detail: '550 5.1.1', at });
    await store.addSuppression({ channel: 'sms', address: '+39 333 1234567', reason: 'sms_stop', detail: null, at });
    // A sent message of another run for the same trigger: the twin.
    const first = claimRow(customerId);
    await store.claimMessage(first);
    await store.finishMessage(first.messageKey, { reason: 'sent', providerId: unique('p'), address: 'x@example.com', content: { subject: 'Ciao è', html: '<p>&amp; "q"</p>', n: 1.5, links: ['https://a.example/?a=1&b=2'] } });
    await store.recordEngagement({ messageKey: first.messageKey, kind: 'opened', at: '2026-03-03T10:00:00.000Z' });

    const row = claimRow(customerId);
    const claim = await store.claimMessageForSend(row);
    expect(claim.claimed).toBe(true);
    expect(claim.twin?.messageKey).toBe(first.messageKey);
    expect(claim.contact).toMatchObject({ customerId, email: `${customerId}@example.com`, phone: '+39 333 1234567', traits: { first_name: 'Ada' } });
    expect(claim.consent.email).toMatchObject({ status: 'subscribed', source: 'preference_center' });
    expect(claim.consent.sms).toMatchObject({ status: 'unsubscribed', source: 'sms_stop', changedAt: at });
    expect(claim.consent.push).toBeUndefined();
    expect(claim.suppressions.email).toMatchObject({ reason: 'hard_bounce', detail: '550 5.1.1', createdAt: at });
    expect(claim.suppressions.sms).toMatchObject({ reason: 'sms_stop' });
    expect(claim).toEqual(await separately(row, claim));
  });

  test('the run itself, another trigger or another key that is not sent is no twin', async () => {
    const customerId = unique('c');
    await store.upsertContact({ customerId, traits: { email: `${customerId}@example.com` }, at: '2026-03-01T10:00:00.000Z' });
    const runId = unique('run');
    const sameRun = claimRow(customerId, { runId });
    await store.claimMessage(sameRun);
    await store.finishMessage(sameRun.messageKey, { reason: 'sent', providerId: unique('p') });
    const otherTrigger = claimRow(customerId, { triggerId: 'evt-2' });
    await store.claimMessage(otherTrigger);
    await store.finishMessage(otherTrigger.messageKey, { reason: 'sent', providerId: unique('p') });
    await store.claimMessage(claimRow(customerId));

    const row = claimRow(customerId, { runId });
    const claim = await store.claimMessageForSend(row);
    expect(claim.twin).toBeNull();
    expect(claim.suppressions).toEqual({ email: null });
    expect(claim).toEqual(await separately(row, claim));
  });

  test('a key claimed before comes back unclaimed with its row as it stands (a repeated attempt)', async () => {
    const customerId = unique('c');
    const row = claimRow(customerId);
    await store.claimMessage(row);
    await store.finishMessage(row.messageKey, { reason: 'skipped:unsubscribed', detail: 'unsubscribed' });
    const claim = await store.claimMessageForSend(row);
    expect(claim.claimed).toBe(false);
    expect(claim.row).toMatchObject({ status: 'done', reason: 'skipped:unsubscribed', detail: 'unsubscribed' });
    expect(claim).toEqual(await separately(row, claim));
  });
});
