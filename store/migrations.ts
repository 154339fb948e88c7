// The schema as ONE ordered list of migrations (SQL kept in TS so the build copies nothing),
// applied at open inside a transaction that holds an advisory lock, so two processes
// opening the same database never race. Append new migrations; never edit an applied one.
import type { Db } from './db';
import { REPORT_COUNTS_MIGRATION, ROLLUP_MIGRATION } from './report-rollups';

export interface Migration {
  /** Increasing, never reused. */
  id: number;
  name: string;
  sql: string[];
}

/** In id order; ids only grow and need not be contiguous (9, 13, 14 and 15 were never used). */
export const MIGRATIONS: readonly Migration[] = [
  {
    id: 1,
    name: 'initial schema',
    sql: [
      `create table contacts (
        customer_id text primary key,
        email text,
        phone text,
        traits jsonb not null default '{}'::jsonb,
        created_at timestamptz not null,
        updated_at timestamptz not null
      )`,
      // Support staff look customers up by email or phone.
      `create index contacts_email_idx on contacts (lower(email))`,
      `create index contacts_phone_idx on contacts (phone)`,
      `create table events (
        message_id text primary key,
        type text not null check (type in ('track', 'identify')),
        customer_id text not null,
        event text,
        properties jsonb not null default '{}'::jsonb,
        traits jsonb not null default '{}'::jsonb,
        "timestamp" timestamptz not null,
        received_at timestamptz not null default now(),
        routed_at timestamptz,
        routing jsonb
      )`,
      `create index events_customer_time_idx on events (customer_id, "timestamp")`,
      `create table journey_entries (
        journey_id text not null,
        customer_id text not null,
        entry_key text not null default '',
        workflow_id text not null,
        trigger_message_id text not null,
        entered_at timestamptz not null,
        unique (journey_id, customer_id, entry_key, trigger_message_id)
      )`,
      `create index journey_entries_last_idx on journey_entries (journey_id, customer_id, entry_key, entered_at desc)`,
      `create table messages (
        message_key text primary key,
        workflow_id text not null,
        run_id text not null,
        journey_id text not null,
        journey_version text not null,
        step_id text not null,
        customer_id text not null,
        channel text not null,
        template text not null,
        template_version text not null,
        status text not null check (status in ('dispatching', 'retrying', 'done')),
        reason text,
        detail text,
        address text,
        provider_id text,
        content jsonb,
        attempts integer not null default 1,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`,
      `create index messages_customer_created_idx on messages (customer_id, created_at)`,
      `create index messages_workflow_idx on messages (workflow_id)`,
      `create table template_versions (
        hash text primary key,
        name text not null,
        source text not null,
        created_at timestamptz not null default now()
      )`,
    ],
  },
  {
    id: 2,
    name: 'send decisions: consent, suppressions, push subscriptions, categories, delivery reports',
    sql: [
      `alter table messages add column category text not null default 'marketing' check (category in ('marketing', 'transactional'))`,
      `alter table messages add column trigger_id text`,
      // When the provider accepted it: frequency caps count by it, on the activity's clock.
      `alter table messages add column sent_at timestamptz`,
      `alter table messages add column delivery_status text`,
      `alter table messages add column delivery_detail text`,
      `alter table messages add column delivery_updated_at timestamptz`,
      // For `deferred:*` outcomes: when to decide again, returned again to a repeated call.
      `alter table messages add column retry_at timestamptz`,
      `update messages set sent_at = updated_at where reason = 'sent'`,
      `alter table messages drop constraint messages_status_check`,
      `alter table messages add constraint messages_status_check check (status in ('deciding', 'dispatching', 'retrying', 'done'))`,
      `create index messages_sent_cap_idx on messages (customer_id, channel, category, sent_at) where reason = 'sent'`,
      `create index messages_sent_twin_idx on messages (customer_id, journey_id, step_id, template, trigger_id) where reason = 'sent'`,
      `create index messages_provider_idx on messages (channel, provider_id) where provider_id is not null`,
      // History, never updated: the current consent is the latest row per (customer, channel).
      `create table consent_changes (
        id bigserial primary key,
        customer_id text not null,
        channel text not null check (channel in ('email', 'sms', 'push')),
        status text not null check (status in ('subscribed', 'unsubscribed')),
        source text not null,
        reason text,
        changed_by text,
        changed_at timestamptz not null
      )`,
      `create index consent_changes_latest_idx on consent_changes (customer_id, channel, changed_at desc, id desc)`,
      `create table suppressions (
        channel text not null check (channel in ('email', 'sms', 'push')),
        address text not null,
        reason text not null check (reason in ('hard_bounce', 'complaint', 'sms_stop', 'invalid_address', 'manual')),
        detail text,
        created_at timestamptz not null,
        updated_at timestamptz not null,
        primary key (channel, address)
      )`,
      `create table push_subscriptions (
        endpoint text primary key,
        customer_id text not null,
        p256dh text not null,
        auth text not null,
        user_agent text,
        created_at timestamptz not null,
        last_success_at timestamptz
      )`,
      `create index push_subscriptions_customer_idx on push_subscriptions (customer_id)`,
    ],
  },
  {
    id: 3,
    name: 'support audit log',
    sql: [
      // Append-only: who did what to which customer or run, and why.
      `create table audit_log (
        id bigserial primary key,
        at timestamptz not null,
        actor text not null,
        action text not null,
        target text not null,
        reason text not null
      )`,
      `create index audit_log_target_idx on audit_log (target, id desc)`,
    ],
  },
  {
    id: 4,
    name: 'survey responses',
    sql: [
      // One row per surveyed message: a second answer updates it, so reports never count twice.
      `create table survey_responses (
        message_key text primary key,
        survey_id text not null,
        customer_id text not null,
        journey_id text not null,
        step_id text not null,
        kind text not null,
        score integer not null,
        category text not null,
        comment text,
        sentiment_score double precision,
        revision integer not null default 1,
        answered_at timestamptz not null,
        updated_at timestamptz not null
      )`,
      `create index survey_responses_journey_idx on survey_responses (journey_id, answered_at)`,
      `create index survey_responses_customer_idx on survey_responses (customer_id)`,
    ],
  },
  {
    id: 5,
    name: 'analytics: run steps and endings, engagement, webhook calls',
    sql: [
      `alter table journey_entries add column journey_version text`,
      `create index journey_entries_report_idx on journey_entries (journey_id, entered_at)`,
      // One row per finished non-send step visit (sends are the messages rows).
      `create table run_steps (
        run_id text not null,
        step_id text not null,
        visit integer not null,
        workflow_id text not null,
        journey_id text not null,
        journey_version text not null,
        customer_id text not null,
        kind text not null,
        entered_at timestamptz not null,
        finished_at timestamptz not null,
        outcome text not null,
        result text not null,
        primary key (run_id, step_id, visit)
      )`,
      `create index run_steps_report_idx on run_steps (journey_id, finished_at)`,
      // One row per ended run (keyed by its first execution run id).
      `create table journey_runs (
        run_id text primary key,
        workflow_id text not null,
        journey_id text not null,
        journey_version text not null,
        customer_id text not null,
        status text not null check (status in ('completed', 'exited', 'converted')),
        end_reason text not null,
        ended_at timestamptz not null
      )`,
      `create index journey_runs_report_idx on journey_runs (journey_id, ended_at)`,
      `alter table messages add column opened_at timestamptz`,
      `alter table messages add column clicked_at timestamptz`,
      `alter table messages add column open_count integer not null default 0`,
      `alter table messages add column proxied_open_count integer not null default 0`,
      `alter table messages add column click_count integer not null default 0`,
      // Reports aggregate one journey's messages over a date range.
      `create index messages_report_idx on messages (journey_id, created_at)`,
      `create table webhook_calls (
        call_key text primary key,
        workflow_id text not null,
        run_id text not null,
        journey_id text not null,
        step_id text not null,
        customer_id text not null,
        url text not null,
        method text not null,
        status integer,
        ok boolean not null,
        done boolean not null,
        attempts integer not null,
        detail text not null,
        response_excerpt text,
        created_at timestamptz not null,
        updated_at timestamptz not null
      )`,
      `create index webhook_calls_customer_idx on webhook_calls (customer_id, created_at)`,
    ],
  },
  {
    id: 6,
    name: 'analytics: the report index covers the funnel columns',
    sql: [
      // Journey reports read a million messages of one journey and range from the index alone (an
      // index-only scan, no heap rows with their rendered content). Engagement counters are in it, so
      // their updates are no longer HOT: fine for an update or two per message.
      `drop index messages_report_idx`,
      `create index messages_report_idx on messages (journey_id, created_at)
        include (step_id, reason, journey_version, channel, delivery_status, open_count, proxied_open_count, click_count)`,
    ],
  },
  {
    id: 7,
    name: 'analytics: daily report rollups kept by triggers',
    // store/report-rollups.ts explains the tables and the triggers; the rows already here are rolled up too.
    sql: ROLLUP_MIGRATION,
  },
  {
    id: 8,
    name: 'Segment Spec: page, screen, alias and group calls, anonymous ids linked to customers, payload hashes',
    sql: [
      `alter table events drop constraint events_type_check`,
      `alter table events add constraint events_type_check check (type in ('track', 'identify', 'page', 'screen', 'alias', 'group'))`,
      // The anonymousId a call carried (alias: its previousId); customer_id is who it belongs to.
      `alter table events add column anonymous_id text`,
      // sha256 of the call's content: a messageId reused for other content is answered as a conflict.
      `alter table events add column payload_hash text`,
      // An anonymous visitor linked to a known customer; the first link wins.
      `create table identity_links (
        anonymous_id text primary key,
        customer_id text not null,
        message_id text not null,
        linked_at timestamptz not null
      )`,
      `create index identity_links_customer_idx on identity_links (customer_id)`,
    ],
  },
  {
    id: 10,
    name: 'analytics: a run counts as entered once; steps count the runs waiting in them',
    // store/report-rollups.ts (REPORT_COUNTS_MIGRATION): entries marked joined_run and rolled up again; run_steps rows of steps a run waits in.
    sql: REPORT_COUNTS_MIGRATION,
  },
  {
    id: 11,
    name: 'inspector: sessions ended by signing out',
    // Support staff's session ids (no customer data): a signed-out cookie is refused until it expires (store/inspector-sessions.ts).
    sql: [
      `create table inspector_sessions_ended (
        sid text primary key,
        expires_at timestamptz not null,
        ended_at timestamptz not null
      )`,
      `create index inspector_sessions_ended_expiry_idx on inspector_sessions_ended (expires_at)`,
    ],
  },
  {
    id: 12,
    name: 'events: index of the routing backlog (events logged while Temporal was unreachable)',
    // Partial: holds only events not routed yet, so it stays tiny outside an outage.
    sql: [`create index events_unrouted_idx on events (customer_id, received_at) where routed_at is null`],
  },
];

/** Arbitrary but fixed: the advisory lock key every Touchpoint process takes to migrate. */
const MIGRATION_LOCK_KEY = 7_140_051_001;

/** Apply the migrations this database lacks, in order; returns the ids applied now. */
export async function migrate(db: Db, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  return db.transaction(async (tx) => {
    // Transaction-scoped: released at commit/rollback even if this process dies mid-way.
    await tx.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await tx.query(`create table if not exists schema_migrations (
      id integer primary key,
      name text not null,
      applied_at timestamptz not null default now()
    )`);
    const done = new Set((await tx.query<{ id: number }>('select id from schema_migrations')).map((row) => row.id));
    const applied: number[] = [];
    for (const migration of [...migrations].sort((a, b) => a.id - b.id)) {
      if (done.has(migration.id)) continue;
      for (const statement of migration.sql) await tx.query(statement);
      await tx.query('insert into schema_migrations (id, name) values ($1, $2)', [migration.id, migration.name]);
      applied.push(migration.id);
    }
    return applied;
  });
}
