// The one Store implementation: plain SQL that runs unchanged on PostgreSQL and PGlite.
// Contacts and entries live here; every other table (events included) has its own sql-*.ts module.
import type { Channel } from '../dsl/schema';
import type { Db } from './db';
import { toContact, toEntry, toTemplateVersion, type DbRow } from './rows';
import { SqlAudience } from './sql-audience';
import { SqlAudit } from './sql-audit';
import { groupCommit } from './group-commit';
import { compare, SqlEventLog } from './sql-events';
import { compactReportRollups, journeyReport } from './sql-reports';
import { SqlSurveys } from './sql-surveys';
import { json, SqlMessageLog } from './sql-messages';
import { SqlIdentity } from './sql-identity';
import { SqlPersonalData } from './sql-personal-data';
import { SqlInspectorSessions } from './inspector-sessions';
import { SqlRunProgress } from './sql-progress';
import { SqlWebhookCalls } from './sql-webhooks';
import type { Contact, JourneyEntry, LoggedEventInput, Store, TemplateVersion } from './types';

/** The `email` trait as the column keeps it: trimmed, lower-case, null when empty or not a string. */
export function emailColumn(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim().toLowerCase() : null;
}

/** The `phone` trait as the column keeps it: trimmed text, null when empty. */
export function phoneColumn(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

export class SqlStore implements Store {
  readonly kind: Store['kind'];
  readonly personalData: SqlPersonalData;
  readonly inspectorSessions: SqlInspectorSessions;
  private readonly messages: SqlMessageLog;
  private readonly audience: SqlAudience;
  private readonly audit: SqlAudit;
  private readonly surveys: SqlSurveys;
  private readonly progress: SqlRunProgress;
  private readonly webhooks: SqlWebhookCalls;
  private readonly events: SqlEventLog;
  private readonly identity: SqlIdentity;

  constructor(private readonly db: Db) {
    this.kind = db.kind;
    this.messages = new SqlMessageLog(db);
    this.audience = new SqlAudience(db);
    this.audit = new SqlAudit(db);
    this.surveys = new SqlSurveys(db);
    this.progress = new SqlRunProgress(db);
    this.webhooks = new SqlWebhookCalls(db);
    this.events = new SqlEventLog(db);
    this.identity = new SqlIdentity(db);
    this.personalData = new SqlPersonalData(db);
    this.inspectorSessions = new SqlInspectorSessions(db);
  }

  async upsertContact(input: Parameters<Store['upsertContact']>[0]): Promise<Contact> {
    // A trait present in this call (even null) replaces the column; an absent one keeps it.
    const rows = await this.db.query<DbRow>(
      `insert into contacts as c (customer_id, traits, email, phone, created_at, updated_at)
       values ($1, $2::jsonb, $3, $4, $8, $5)
       on conflict (customer_id) do update set
         traits = c.traits || excluded.traits,
         email = case when $6::boolean then excluded.email else c.email end,
         phone = case when $7::boolean then excluded.phone else c.phone end,
         updated_at = excluded.updated_at
       returning *`,
      [
        input.customerId,
        json(input.traits),
        emailColumn(input.traits.email),
        phoneColumn(input.traits.phone),
        input.at,
        'email' in input.traits,
        'phone' in input.traits,
        input.createdAt ?? input.at,
      ],
    );
    return toContact(one(rows, `contact ${input.customerId}`));
  }

  /**
   * Contacts' traits merged in one statement, with upsertContact's rules per row. Rows go in
   * customer order so concurrent batches lock shared contacts in the same order (no deadlock).
   */
  async upsertContacts(inputs: Parameters<Store['upsertContacts']>[0]): Promise<Map<string, Record<string, unknown>>> {
    const merged = new Map<string, { customerId: string; traits: Record<string, unknown>; at: string; createdAt: string }>();
    for (const input of inputs) {
      const earlier = merged.get(input.customerId);
      merged.set(
        input.customerId,
        earlier
          ? { ...earlier, traits: { ...earlier.traits, ...input.traits }, at: input.at }
          : { customerId: input.customerId, traits: input.traits, at: input.at, createdAt: input.createdAt ?? input.at },
      );
    }
    const rows = [...merged.values()].sort((a, b) => compare(a.customerId, b.customerId));
    if (rows.length === 0) return new Map();
    // A trait present in the merged traits (even null) replaces its column; `excluded` is all
    // ON CONFLICT can see, so presence is asked of excluded.traits. `before` reads the statement's
    // snapshot, taken before the upsert: the traits the contacts had.
    const before = await this.db.query<DbRow>(
      `with before as (select customer_id, traits from contacts where customer_id = any($1::text[])),
       upserted as (
       insert into contacts as c (customer_id, traits, email, phone, created_at, updated_at)
       select id, tr::jsonb, em, ph, ca, ua
       from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[]) as v(id, tr, em, ph, ca, ua)
       on conflict (customer_id) do update set
         traits = c.traits || excluded.traits,
         email = case when excluded.traits ? 'email' then excluded.email else c.email end,
         phone = case when excluded.traits ? 'phone' then excluded.phone else c.phone end,
         updated_at = excluded.updated_at)
       select customer_id, traits from before`,
      [
        rows.map((r) => r.customerId),
        rows.map((r) => json(r.traits)),
        rows.map((r) => emailColumn(r.traits.email)),
        rows.map((r) => phoneColumn(r.traits.phone)),
        rows.map((r) => r.createdAt),
        rows.map((r) => r.at),
      ],
    );
    return new Map(before.map((row) => [String(row.customer_id), (typeof row.traits === 'string' ? JSON.parse(row.traits) : row.traits) as Record<string, unknown>]));
  }

  async getContact(customerId: string): Promise<Contact | null> {
    const rows = await this.db.query<DbRow>('select * from contacts where customer_id = $1', [customerId]);
    return rows[0] ? toContact(rows[0]) : null;
  }

  // The event log lives in sql-events.ts; one event is a batch of one.
  async recordEvent(input: LoggedEventInput) { return (await this.events.record([input]))[0]!; }
  recordEvents(inputs: LoggedEventInput[]) { return this.events.record(inputs); }
  eventsAfter(query: Parameters<Store['eventsAfter']>[0]) { return this.events.after(query); }
  async markEventRouted(messageId: string, routing: unknown) { await this.events.markRouted([{ messageId, routing }]); }
  async markEventsRouted(routed: Parameters<Store['markEventsRouted']>[0]) { await this.events.markRouted(routed); }
  // Identity links live in sql-identity.ts.
  linkIdentities(links: Parameters<Store['linkIdentities']>[0]) { return this.identity.link(links); }
  resolveAnonymousIds(anonymousIds: string[]) { return this.identity.resolve(anonymousIds); }
  unroutedCustomers(options: Parameters<Store['unroutedCustomers']>[0]) { return this.events.unroutedCustomers(options); }
  unroutedEvents(customerId: string, limit: number) { return this.events.unroutedEvents(customerId, limit); }

  async lastEntry(journeyId: string, customerId: string, entryKey: string): Promise<JourneyEntry | null> {
    const rows = await this.db.query<DbRow>(
      `select * from journey_entries where journey_id = $1 and customer_id = $2 and entry_key = $3
       order by entered_at desc limit 1`,
      [journeyId, customerId, entryKey],
    );
    return rows[0] ? toEntry(rows[0]) : null;
  }

  async recordFirstEntry(entry: JourneyEntry): Promise<boolean> {
    return (await this.firstEntries([entry]))[0]!;
  }

  /**
   * First entries of concurrent routings in one statement (group commit), answering as one call
   * per entry in turn would: of several entries for one journey, customer and key, only the first
   * can be a first entry. The not-exists reads the index lastEntry reads (journey_entries_last_idx).
   */
  private readonly firstEntries = groupCommit(async (entries: JourneyEntry[]): Promise<boolean[]> => {
    const slot = (e: JourneyEntry) => JSON.stringify([e.journeyId, e.customerId, e.entryKey]);
    const firsts = new Map<string, JourneyEntry>();
    for (const entry of entries) if (!firsts.has(slot(entry))) firsts.set(slot(entry), entry);
    // In key order, so two processes' statements wait on each other in one order (no deadlock).
    const rows = [...firsts.values()].sort((a, b) => compare(slot(a), slot(b)));
    const inserted = await this.db.query<DbRow>(
      `insert into journey_entries (journey_id, customer_id, entry_key, workflow_id, trigger_message_id, entered_at, journey_version)
       select j, c, k, w, t, ts, v
       from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::text[]) as n(j, c, k, w, t, ts, v)
       where not exists (select 1 from journey_entries e where e.journey_id = n.j and e.customer_id = n.c and e.entry_key = n.k)
       on conflict (journey_id, customer_id, entry_key, trigger_message_id) do nothing
       returning journey_id, customer_id, entry_key`,
      [
        rows.map((e) => e.journeyId),
        rows.map((e) => e.customerId),
        rows.map((e) => e.entryKey),
        rows.map((e) => e.workflowId),
        rows.map((e) => e.triggerMessageId),
        rows.map((e) => e.enteredAt),
        rows.map((e) => e.journeyVersion ?? null),
      ],
    );
    const entered = new Set(inserted.map((row) => JSON.stringify([String(row.journey_id), String(row.customer_id), String(row.entry_key)])));
    return entries.map((entry) => firsts.get(slot(entry)) === entry && entered.has(slot(entry)));
  });

  async recordEntry(entry: JourneyEntry): Promise<void> {
    await this.db.query(
      `insert into journey_entries (journey_id, customer_id, entry_key, workflow_id, trigger_message_id, entered_at, journey_version)
       values ($1, $2, $3, $4, $5, $6, $7)
       on conflict (journey_id, customer_id, entry_key, trigger_message_id) do nothing`,
      [entry.journeyId, entry.customerId, entry.entryKey, entry.workflowId, entry.triggerMessageId, entry.enteredAt, entry.journeyVersion ?? null],
    );
  }

  async markEntryJoinedRun(entry: Pick<JourneyEntry, 'journeyId' | 'customerId' | 'entryKey' | 'triggerMessageId'>): Promise<void> {
    await this.db.query(
      `update journey_entries set joined_run = true
       where journey_id = $1 and customer_id = $2 and entry_key = $3 and trigger_message_id = $4 and not joined_run`,
      [entry.journeyId, entry.customerId, entry.entryKey, entry.triggerMessageId],
    );
  }

  // The message log and the audience (consent, suppressions, push) live in their own files.
  claimMessage(row: Parameters<Store['claimMessage']>[0]) { return this.messages.claim(row); }
  claimMessageForSend(row: Parameters<Store['claimMessage']>[0]) { return this.messages.claimForSend(row); }
  markMessageDispatching(key: string, at: Parameters<Store['markMessageDispatching']>[1]) { return this.messages.markDispatching(key, at); }
  markMessageRetrying(key: string, detail: string) { return this.messages.markRetrying(key, detail); }
  retakeMessage(key: string) { return this.messages.retake(key); }
  finishMessage(key: string, outcome: Parameters<Store['finishMessage']>[1]) { return this.messages.finish(key, outcome); }
  getMessage(key: string) { return this.messages.get(key); }
  listMessages(filter: Parameters<Store['listMessages']>[0]) { return this.messages.list(filter); }
  countSent(filter: Parameters<Store['countSent']>[0]) { return this.messages.countSent(filter); }
  findSentTwin(filter: Parameters<Store['findSentTwin']>[0]) { return this.messages.findSentTwin(filter); }
  recordDelivery(input: Parameters<Store['recordDelivery']>[0]) { return this.messages.recordDelivery(input); }
  getMessageByProviderId(channel: Channel, providerId: string) { return this.messages.byProviderId(channel, providerId); }
  recordEngagement(input: Parameters<Store['recordEngagement']>[0]) { return this.messages.recordEngagement(input); }

  setConsent(change: Parameters<Store['setConsent']>[0]) { return this.audience.setConsent(change); }
  getConsent(customerId: string) { return this.audience.getConsent(customerId); }
  consentHistory(customerId: string) { return this.audience.consentHistory(customerId); }
  addSuppression(input: Parameters<Store['addSuppression']>[0]) { return this.audience.addSuppression(input); }
  removeSuppression(channel: Channel, address: string) { return this.audience.removeSuppression(channel, address); }
  getSuppression(channel: Channel, address: string) { return this.audience.getSuppression(channel, address); }
  findContactsByPhone(phone: string) { return this.audience.findContactsByPhone(phone); }
  findContactsByEmail(email: string) { return this.audience.findContactsByEmail(email); }
  savePushSubscription(input: Parameters<Store['savePushSubscription']>[0]) { return this.audience.savePushSubscription(input); }
  listPushSubscriptions(customerId: string) { return this.audience.listPushSubscriptions(customerId); }
  deletePushSubscription(endpoint: string) { return this.audience.deletePushSubscription(endpoint); }
  markPushSubscriptionUsed(endpoint: string, at: string) { return this.audience.markPushSubscriptionUsed(endpoint, at); }

  appendAudit(entry: Parameters<Store['appendAudit']>[0]) { return this.audit.append(entry); }
  listAudit(filter: Parameters<Store['listAudit']>[0]) { return this.audit.list(filter); }

  saveSurveyResponse(input: Parameters<Store['saveSurveyResponse']>[0]) { return this.surveys.save(input); }
  getSurveyResponse(messageKey: string) { return this.surveys.get(messageKey); }

  /** The journey report (store/sql-reports.ts). */
  journeyReport(query: Parameters<Store['journeyReport']>[0], journey?: Parameters<Store['journeyReport']>[1]) { return journeyReport(this.db, query, journey); }
  compactReportRollups() { return compactReportRollups(this.db); }

  // Analytics rows of runs and the webhook call log.
  recordRunProgress(report: Parameters<Store['recordRunProgress']>[0]) { return this.progress.record(report); }
  getWebhookCall(callKey: string) { return this.webhooks.get(callKey); }
  recordWebhookAttempt(input: Parameters<Store['recordWebhookAttempt']>[0]) { return this.webhooks.recordAttempt(input); }

  async saveTemplateVersion(version: TemplateVersion): Promise<void> {
    // The hash is the content's: a second save of the same hash is the same template.
    await this.db.query(
      'insert into template_versions (hash, name, source) values ($1, $2, $3) on conflict (hash) do nothing',
      [version.hash, version.name, version.source],
    );
  }

  async getTemplateVersion(hash: string): Promise<TemplateVersion | null> {
    const rows = await this.db.query<DbRow>('select * from template_versions where hash = $1', [hash]);
    return rows[0] ? toTemplateVersion(rows[0]) : null;
  }

  async ping(): Promise<void> {
    await this.db.query('select 1');
  }

  close(): Promise<void> {
    return this.db.close();
  }
}

function one(rows: DbRow[], what: string): DbRow {
  if (!rows[0]) throw new Error(`store: ${what} not found`);
  return rows[0];
}
