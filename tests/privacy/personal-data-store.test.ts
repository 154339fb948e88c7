// Export and erasure of one customer in the store, on PGlite and PostgreSQL: everything about the
// customer is exported; erasure deletes or anonymises it and keeps consent proof, suppressions and
// the audit log; reports count the same; another customer whose id looks alike is untouched.
import { randomUUID } from 'node:crypto';
import { journeyWorkflowId } from '../../core/ids';
import type { Db } from '../../store/db';
import type { Store } from '../../store/types';
import { STORE_KINDS } from '../support/db';
import { openAnalyticsDb, type AnalyticsDb } from '../store/analytics-db';

const JOURNEY = 'feedback';
const AT = '2026-11-03T10:00:00.000Z';

/** Rows in every table that holds customer data, written as the product writes them. */
async function seedCustomer(db: Db, store: Store, customerId: string, email: string): Promise<{ workflowId: string; messageKey: string }> {
  const workflowId = journeyWorkflowId(JOURNEY, customerId, 'order-1');
  const runId = randomUUID();
  const messageKey = `${workflowId}/${runId}/thanks/1`;
  await store.upsertContact({ customerId, traits: { email, phone: '+393331234567', first_name: 'Ann', city: 'Torino' }, at: AT });
  await store.recordEvents([
    { messageId: `m-${customerId}-1`, type: 'track', customerId, event: 'order.completed', properties: { order_id: 'order-1', total: 90, address: 'Via Roma 1' }, traits: { email }, timestamp: AT },
  ]);
  await store.markEventsRouted([{ messageId: `m-${customerId}-1`, routing: { runs: [{ journeyId: JOURNEY, workflowId, action: 'started' }] } }]);
  await store.recordFirstEntry({ journeyId: JOURNEY, customerId, entryKey: 'order-1', workflowId, triggerMessageId: `m-${customerId}-1`, enteredAt: AT, journeyVersion: 'v1' });
  await db.query(
    `insert into messages (message_key, workflow_id, run_id, journey_id, journey_version, step_id, customer_id, channel, template, template_version,
       status, reason, detail, address, provider_id, content, created_at, open_count)
     values ($1, $2, $3, $4, 'v1', 'thanks', $5, 'email', 'thanks', 'h', 'done', 'sent', $6, $6, '<id@smtp>', $7::jsonb, $8, 1)`,
    [messageKey, workflowId, runId, JOURNEY, customerId, email, JSON.stringify({ subject: 'Thanks Ann', html: `<p>Hi Ann, ${email}</p>` }), AT],
  );
  await db.query(
    `insert into survey_responses (message_key, survey_id, customer_id, journey_id, step_id, kind, score, category, comment, sentiment_score, answered_at, updated_at)
     values ($1, 'feedback.nps', $2, $3, 'nps', 'nps', 3, 'detractor', 'Ann here: the courier was rude', -0.6, $4, $4)`,
    [messageKey, customerId, JOURNEY, AT],
  );
  await db.query(
    `insert into run_steps (run_id, step_id, visit, workflow_id, journey_id, journey_version, customer_id, kind, entered_at, finished_at, outcome, result)
     values ($1, 'wait', 1, $2, $3, 'v1', $4, 'wait', $5, $5, 'done', 'waited')`,
    [runId, workflowId, JOURNEY, customerId, AT],
  );
  await db.query(
    `insert into journey_runs (run_id, workflow_id, journey_id, journey_version, customer_id, status, end_reason, ended_at)
     values ($1, $2, $3, 'v1', $4, 'completed', 'completed', $5)`,
    [runId, workflowId, JOURNEY, customerId, AT],
  );
  await db.query(
    `insert into webhook_calls (call_key, workflow_id, run_id, journey_id, step_id, customer_id, url, method, status, ok, done, attempts, detail, response_excerpt, created_at, updated_at)
     values ($1, $2, $3, $4, 'crm', $5, $6, 'POST', 200, true, true, 1, 'HTTP 200', $7, $8, $8)`,
    [`${workflowId}/${runId}/crm/1`, workflowId, runId, JOURNEY, customerId, `https://crm.example.com/contacts/${encodeURIComponent(email)}?x=1`, `{"email":"${email}"}`, AT],
  );
  await store.setConsent({ customerId, channel: 'email', status: 'unsubscribed', source: 'unsubscribe_link', reason: null, by: null, at: AT });
  await store.addSuppression({ channel: 'email', address: email, reason: 'complaint', detail: null, at: AT });
  await store.savePushSubscription({ customerId, endpoint: `https://push.example.com/${customerId}`, p256dh: 'p', auth: 'a', at: AT });
  await store.appendAudit({ at: AT, actor: 'desk', action: 'run.exit', target: workflowId, reason: 'asked by phone' });
  await store.linkIdentities([{ anonymousId: `cookie-${customerId}`, customerId, messageId: `m-${customerId}-link`, at: AT }]);
  return { workflowId, messageKey };
}

describe.each(STORE_KINDS)('personal data in the store (%s)', (kind) => {
  let adb: AnalyticsDb;
  // Two customers whose ids share a prefix and carry quotes, slashes and non-ASCII characters.
  const ann = "ann o'brien/è";
  const other = "ann o'brien";

  beforeAll(async () => {
    adb = await openAnalyticsDb(kind);
  }, 60_000);
  afterAll(() => adb?.dispose());

  it('exports every row about the customer and nothing about anyone else', async () => {
    const seeded = await seedCustomer(adb.db, adb.store, ann, 'Ann@Example.com');
    await seedCustomer(adb.db, adb.store, other, 'other@example.com');
    const data = await adb.store.personalData.exportCustomer(ann);
    const count = (table: string) => data.tables[table]?.length;
    expect(Object.fromEntries(Object.keys(data.tables).map((t) => [t, count(t)]))).toEqual({
      contacts: 1, events: 1, identity_links: 1, push_subscriptions: 1, journey_entries: 1, journey_runs: 1, run_steps: 1, messages: 1,
      survey_responses: 1, webhook_calls: 1, consent_changes: 1, suppressions: 1, audit_log: 1,
    });
    expect(data.tables.contacts?.[0]).toMatchObject({ customer_id: ann, email: 'ann@example.com', traits: { first_name: 'Ann', city: 'Torino' } });
    expect(data.tables.messages?.[0]).toMatchObject({ message_key: seeded.messageKey, content: { subject: 'Thanks Ann' } });
    expect(data.tables.audit_log?.[0]).toMatchObject({ target: seeded.workflowId });
    expect(JSON.stringify(data)).not.toContain('other@example.com');
  });

  it('erases: profile gone, the rest anonymised, consent proof and suppressions kept, reports unchanged', async () => {
    const report = async () => {
      const { generatedAt: _at, tookMs: _took, ...counted } = await adb.store.journeyReport({ journeyId: JOURNEY, since: '2026-11-01T00:00:00Z', until: '2026-11-08T00:00:00Z' });
      return counted;
    };
    const reportBefore = await report();
    const otherBefore = await adb.store.personalData.exportCustomer(other);

    const counts = await adb.store.personalData.eraseCustomer(ann, 'erased-0123abcd');
    expect(counts).toEqual({
      deleted: { contacts: 1, identity_links: 1, push_subscriptions: 1 },
      anonymised: { events: 1, journey_entries: 1, journey_runs: 1, run_steps: 1, messages: 1, survey_responses: 1, webhook_calls: 1 },
      kept: { suppressions: 1, consent_changes: 1 },
    });

    const after = await adb.store.personalData.exportCustomer(ann);
    expect(Object.entries(after.tables).filter(([, rows]) => rows.length > 0).map(([table]) => table).sort()).toEqual(['consent_changes']);
    expect(await adb.store.getContact(ann)).toBeNull();
    expect(await adb.store.getSuppression('email', 'ann@example.com')).toMatchObject({ reason: 'complaint' });

    // Nothing left anywhere names Ann or holds what she wrote, sent or was sent.
    for (const table of ['events', 'journey_entries', 'journey_runs', 'run_steps', 'messages', 'survey_responses', 'webhook_calls']) {
      const rows = await adb.db.query<{ row: unknown }>(`select to_jsonb(t) as row from ${table} t where customer_id = 'erased-0123abcd'`);
      expect(rows).toHaveLength(1);
      const text = JSON.stringify(rows);
      for (const trace of ['Ann', 'ann@example.com', 'Ann%40Example.com', encodeURIComponent(ann), 'Via Roma', 'rude', '<id@smtp>']) expect(text).not.toContain(trace);
    }
    const [message] = await adb.db.query<{ message_key: string; workflow_id: string; reason: string }>("select message_key, workflow_id, reason from messages where customer_id = 'erased-0123abcd'");
    expect(message?.workflow_id).toBe(`journey/${JOURNEY}/erased-0123abcd/order-1`);
    expect(message?.message_key.startsWith(`${message?.workflow_id}/`)).toBe(true);
    expect(message?.reason).toBe('sent');
    const [webhook] = await adb.db.query<{ url: string }>("select url from webhook_calls where customer_id = 'erased-0123abcd'");
    expect(webhook?.url).toBe('https://crm.example.com/[erased]');

    // A retried event is still a duplicate: nothing is routed again for it.
    const [retry] = await adb.store.recordEvents([{ messageId: `m-${ann}-1`, type: 'track', customerId: ann, event: 'order.completed', properties: {}, traits: {}, timestamp: AT }]);
    expect(retry?.inserted).toBe(false);

    // Reports count the same; the look-alike customer is untouched.
    await adb.store.compactReportRollups();
    expect(await report()).toEqual(reportBefore);
    expect(await adb.store.personalData.exportCustomer(other)).toEqual(otherBefore);
  });

  it('erasing again finds nothing more to change', async () => {
    const counts = await adb.store.personalData.eraseCustomer(ann, 'erased-ffff');
    expect(counts.deleted).toEqual({ contacts: 0, identity_links: 0, push_subscriptions: 0 });
    expect(Object.values(counts.anonymised).every((n) => n === 0)).toBe(true);
  });
});
