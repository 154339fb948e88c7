// Schemas of the support routes: requests checked at the edge, responses described for the
// OpenAPI document (the shapes of support/types.ts).
import { z } from 'zod';
import { ChannelSchema } from '../../dsl/schema';
import { REASON_CODES } from '../../core/reasons';
import { parseReportDate } from '../../analytics/range';
import { TraitWarningSchema } from '../trait-warning-schema';

const RUN_STATUSES = ['running', 'completed', 'exited', 'converted', 'failed', 'terminated', 'timed_out', 'cancelled'] as const;

const reason = z
  .string({ error: 'reason is required: say why, it goes to the audit log' })
  .trim()
  .min(1, 'reason is required: say why, it goes to the audit log')
  .max(500, 'reason is at most 500 characters');

export const RunListQuerySchema = z.object({
  customer: z.string().min(1).optional().meta({ description: 'Customer id (the TouchpointCustomer search attribute).' }),
  journey: z.string().min(1).optional().meta({ description: 'Journey id.' }),
  status: z.enum(RUN_STATUSES).optional(),
  pageSize: z.coerce.number().int().min(1).max(100).optional().meta({ description: 'Runs per page. Default 20.' }),
  pageToken: z.string().min(1).optional().meta({ description: 'nextPageToken of the previous page.' }),
});

export const ExitRequestSchema = z.object({ reason });

export const ConsentRequestSchema = z.object({
  channel: ChannelSchema,
  status: z.enum(['subscribed', 'unsubscribed']),
  reason,
});

export const AuditQuerySchema = z.object({
  target: z.string().min(1).optional().meta({ description: 'A workflow id or customer id.' }),
  limit: z.coerce.number().int().min(1).max(1000).optional().meta({ description: 'Newest entries first. Default 100.' }),
});

const reportDate = (field: 'since' | 'until', description: string) =>
  z
    .string()
    .refine((value) => parseReportDate(value, new Date()) !== null, {
      message: `${field} must be an ISO date or time (2026-11-01, 2026-11-01T08:00:00Z) or a duration back from now (30d, 12h)`,
    })
    .meta({ description });

export const ReportQuerySchema = z.object({
  since: reportDate('since', 'Start of the range, inclusive: an ISO date/time (UTC when no zone) or a duration back from now (30d). Default: 30 days before until.').optional(),
  until: reportDate('until', 'End of the range, exclusive. Default: now.').optional(),
  version: z.string().min(1).optional().meta({ description: 'Only this journey version (the snapshot hash runs are pinned to). Default: every version.' }),
  bucket: z.enum(['day', 'week']).optional().meta({ description: 'Time-series bucket (UTC days, ISO weeks from Monday). Default: day.' }),
});

const ConsentChangeSchema = z.object({
  customerId: z.string(),
  channel: ChannelSchema,
  status: z.enum(['subscribed', 'unsubscribed']),
  source: z.string(),
  reason: z.string().nullable(),
  by: z.string().nullable(),
  changedAt: z.string(),
});

export const CustomerViewSchema = z.object({
  contact: z.object({
    customerId: z.string(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    traits: z.record(z.string(), z.unknown()),
    createdAt: z.string(),
    updatedAt: z.string(),
  }),
  consent: z.object({ email: ConsentChangeSchema.optional(), sms: ConsentChangeSchema.optional(), push: ConsentChangeSchema.optional() }),
  consentHistory: z.array(ConsentChangeSchema),
  suppressions: z.array(z.object({ channel: ChannelSchema, address: z.string(), reason: z.string(), detail: z.string().nullable(), createdAt: z.string() })),
  pushSubscriptions: z.array(z.object({ endpoint: z.string(), customerId: z.string(), userAgent: z.string().nullable(), createdAt: z.string(), lastSuccessAt: z.string().nullable() }).loose()),
  warnings: z.array(TraitWarningSchema),
});

export const RunSummarySchema = z.object({
  workflowId: z.string(),
  runId: z.string(),
  journeyId: z.string(),
  journeyVersion: z.string(),
  customerId: z.string(),
  entryKey: z.string().nullable(),
  status: z.enum(RUN_STATUSES),
  currentStep: z.string().nullable(),
  startedAt: z.string(),
  closedAt: z.string().nullable(),
  nextWakeUp: z.string().nullable().meta({ description: 'Next timer wake-up; only GET /v1/runs/{workflowId} reads it (null in lists).' }),
  temporalUiUrl: z.string().nullable(),
});

export const RunDetailSchema = RunSummarySchema.extend({
  state: z.record(z.string(), z.unknown()).nullable().meta({ description: "The run's RunState: steps done with outcomes, sends with reasons, events received." }),
  messages: z.array(
    z.object({ messageKey: z.string(), stepId: z.string(), channel: ChannelSchema, template: z.string(), reason: z.enum(REASON_CODES).nullable(), providerId: z.string().nullable(), deliveryStatus: z.string().nullable(), content: z.record(z.string(), z.unknown()).nullable() }).loose(),
  ),
  warnings: z.array(TraitWarningSchema),
});

export const RunPageSchema = z.object({ runs: z.array(RunSummarySchema), nextPageToken: z.string().nullable() });
export const ExitAllResultSchema = z.object({ runs: z.array(RunSummarySchema) });
export const AuditEntrySchema = z.object({ id: z.number(), at: z.string(), actor: z.string(), action: z.string(), target: z.string(), reason: z.string() });
export const AuditListSchema = z.object({ entries: z.array(AuditEntrySchema) });
