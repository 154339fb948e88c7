// Response shapes of the support routes, checked when they arrive: the client trusts nothing it
// did not validate. Top-level fields are checked exactly; run state and message rows (large,
// server-owned records) are checked to be objects with their key fields.
import { z } from 'zod';
import type { RunState } from '../core/run-state';
import { ChannelSchema } from '../dsl/schema';
import type { MessageRow } from '../store/types';
import type { AuditEntry, CustomerView, RunDetail, RunListStatus, RunPage, RunSummary } from '../support/types';
import type { CustomerExport, ErasureResult } from '../privacy/service';

export const RUN_LIST_STATUSES = ['running', 'completed', 'exited', 'converted', 'failed', 'terminated', 'timed_out', 'cancelled'] as const satisfies readonly RunListStatus[];

const nullableString = z.string().nullable();

const ContactSchema = z.looseObject({
  customerId: z.string(),
  email: nullableString,
  phone: nullableString,
  traits: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const ConsentChangeSchema = z.looseObject({
  customerId: z.string(),
  channel: ChannelSchema,
  status: z.enum(['subscribed', 'unsubscribed']),
  source: z.string(),
  reason: nullableString,
  by: nullableString,
  changedAt: z.string(),
});
const SuppressionSchema = z.looseObject({
  channel: ChannelSchema,
  address: z.string(),
  reason: z.enum(['hard_bounce', 'complaint', 'sms_stop', 'invalid_address', 'manual']),
  detail: nullableString,
  createdAt: z.string(),
});
const PushSubscriptionSchema = z.looseObject({
  endpoint: z.string(),
  customerId: z.string(),
  p256dh: z.string(),
  auth: z.string(),
  userAgent: nullableString,
  createdAt: z.string(),
  lastSuccessAt: nullableString,
});

// A server from before warnings answers without them: none.
const TraitWarningsSchema = z
  .array(z.looseObject({ path: z.array(z.union([z.string(), z.number()])), code: z.enum(['invalid_timezone']), message: z.string(), used: z.string() }))
  .default([]);

export const CustomerViewSchema = z.looseObject({
  contact: ContactSchema,
  consent: z.partialRecord(ChannelSchema, ConsentChangeSchema),
  consentHistory: z.array(ConsentChangeSchema),
  suppressions: z.array(SuppressionSchema),
  pushSubscriptions: z.array(PushSubscriptionSchema),
  warnings: TraitWarningsSchema,
}) satisfies z.ZodType<CustomerView>;

const runSummaryFields = {
  workflowId: z.string(),
  runId: z.string(),
  journeyId: z.string(),
  journeyVersion: z.string(),
  customerId: z.string(),
  entryKey: nullableString,
  status: z.enum(RUN_LIST_STATUSES),
  currentStep: nullableString,
  startedAt: z.string(),
  closedAt: nullableString,
  nextWakeUp: nullableString,
  temporalUiUrl: nullableString,
};
export const RunSummarySchema = z.looseObject(runSummaryFields) satisfies z.ZodType<RunSummary>;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const RunStateSchema = z.custom<RunState>(
  (v) => isRecord(v) && typeof v.status === 'string' && Array.isArray(v.stepsDone) && Array.isArray(v.sends),
  { message: 'run state must be an object with status, stepsDone and sends' },
);
const MessageRowSchema = z.custom<MessageRow>(
  (v) => isRecord(v) && typeof v.messageKey === 'string' && typeof v.stepId === 'string' && typeof v.channel === 'string',
  { message: 'message must be an object with messageKey, stepId and channel' },
);

export const RunDetailSchema = z.looseObject({
  ...runSummaryFields,
  state: RunStateSchema.nullable(),
  messages: z.array(MessageRowSchema),
  warnings: TraitWarningsSchema,
}) satisfies z.ZodType<RunDetail>;

export const RunPageSchema = z.object({ runs: z.array(RunSummarySchema), nextPageToken: nullableString }) satisfies z.ZodType<RunPage>;
export const ExitAllResultSchema = z.object({ runs: z.array(RunSummarySchema) });

const AuditEntrySchema = z.looseObject({
  id: z.number(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  target: z.string(),
  reason: z.string(),
}) satisfies z.ZodType<AuditEntry>;
export const AuditResultSchema = z.object({ entries: z.array(AuditEntrySchema) });

const rowsByTable = z.record(z.string(), z.array(z.record(z.string(), z.unknown())));
export const CustomerExportSchema = z.object({
  customerId: z.string(),
  exportedAt: z.string(),
  tables: rowsByTable,
  executions: z.array(z.object({ workflowId: z.string(), runId: z.string(), status: z.string(), startedAt: nullableString, closedAt: nullableString })),
}) satisfies z.ZodType<CustomerExport>;
const countsByTable = z.record(z.string(), z.number());
export const ErasureResultSchema = z.object({
  customerId: z.string(),
  erasedAt: z.string(),
  exitedRuns: z.array(z.string()),
  deletedExecutions: z.number(),
  counts: z.object({ deleted: countsByTable, anonymised: countsByTable, kept: countsByTable }),
}) satisfies z.ZodType<ErasureResult>;
