// What support staff can see and do, as one service the HTTP API, the CLI (through the API)
// and the web inspector all use: same data everywhere.
import type { TraitWarning } from '../core/trait-warnings';
import type { JourneyReport, ReportQuery } from '../analytics/types';
import type { Channel } from '../dsl/schema';
import type { RunState } from '../core/run-state';
import type { AuditRecord, ConsentChange, Contact, MessageRow, PushSubscriptionRecord, Suppression } from '../store/types';

/** `browser`: a key for web pages, which may only send events and anonymous traits (api/browser-key.ts). */
export type Role = 'ingest' | 'browser' | 'support' | 'admin';

/** Who did something: the API key's name (or the inspector user), for the audit log. */
export interface Actor {
  name: string;
  role: Role;
}

export interface CustomerView {
  contact: Contact;
  consent: Partial<Record<Channel, ConsentChange>>;
  consentHistory: ConsentChange[];
  /** Suppressions of the customer's current addresses (email, phone, push endpoints). */
  suppressions: Suppression[];
  pushSubscriptions: PushSubscriptionRecord[];
  /** Traits stored but not usable as meant (a `timezone` that is no IANA zone), with what is used instead. */
  warnings: TraitWarning[];
}

export type RunListStatus = 'running' | 'completed' | 'exited' | 'converted' | 'failed' | 'terminated' | 'timed_out' | 'cancelled';

export interface RunSummary {
  workflowId: string;
  runId: string;
  journeyId: string;
  journeyVersion: string;
  customerId: string;
  entryKey: string | null;
  status: RunListStatus;
  currentStep: string | null;
  startedAt: string;
  closedAt: string | null;
  nextWakeUp: string | null;
  /** Link to the run in the Temporal Web UI, when its address is known. */
  temporalUiUrl: string | null;
}

export interface RunDetail extends RunSummary {
  /** From the run's `state` query (running) or its result (closed); null when neither is readable. */
  state: RunState | null;
  /** Every message decision of this run, with the exact content sent. */
  messages: MessageRow[];
  /** The customer's traits this run cannot use as meant (e.g. an invalid `timezone`: which zone its local times use instead). */
  warnings: TraitWarning[];
}

export interface RunPage {
  runs: RunSummary[];
  /** Opaque token for the next page, null at the end. */
  nextPageToken: string | null;
}

/** One support action in the audit log (the store's record, as the API returns it). */
export type AuditEntry = AuditRecord;

export interface SupportService {
  /** By customer id, email (case-insensitive) or phone; null when nobody matches. */
  findCustomer(query: string): Promise<CustomerView | null>;
  listRuns(filter: { customerId?: string; journeyId?: string; status?: RunListStatus; pageSize?: number; pageToken?: string }): Promise<RunPage>;
  /** `workflowId` (journey/…); null when no such run exists. */
  getRun(workflowId: string): Promise<RunDetail | null>;
  exitRun(workflowId: string, input: { reason: string; actor: Actor }): Promise<RunSummary>;
  exitAllRuns(customerId: string, input: { reason: string; actor: Actor }): Promise<RunSummary[]>;
  setChannelConsent(customerId: string, input: { channel: Channel; status: 'subscribed' | 'unsubscribed'; reason: string; actor: Actor }): Promise<CustomerView>;
  auditLog(filter: { target?: string; limit?: number }): Promise<AuditEntry[]>;
  /** The journey report (analytics/types.ts) over a date range; not_found for a journey that is not loaded, invalid for a bad range. */
  journeyReport(query: ReportQuery): Promise<JourneyReport>;
}
