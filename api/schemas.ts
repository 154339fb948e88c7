// Request and response schemas of the HTTP API (Segment Spec shape): the single source for
// validation, TypeScript types and the OpenAPI document at GET /openapi.json.
import { z } from 'zod';
import { EventNameSchema } from '../dsl/schema';
import { RoutedRunSchema } from '../routing/result';
import { TraitWarningSchema } from './trait-warning-schema';

/** A batch holds at most this many events. */
export const MAX_BATCH = 500;

const MESSAGE_ID_REQUIRED =
  'messageId is required: retries are de-duplicated by it, so give every event a unique id (e.g. a UUID) and resend the same id when you retry';

const requiredString = (name: string, missing: string) =>
  z
    .string({ error: (issue) => (issue.input === undefined ? missing : `${name} must be a string`) })
    .min(1, missing)
    .max(256, `${name} is at most 256 characters`);

export const MessageIdSchema = requiredString('messageId', MESSAGE_ID_REQUIRED).meta({
  description: 'Unique id of this event. Required: a retry with the same messageId is answered from the log and has no second effect.',
});
export const UserIdSchema = requiredString('userId', 'userId is required: the id of the customer in your system').meta({
  description: 'Your id of the customer; journeys run per userId.',
});
export const TraitsSchema = z
  .record(z.string(), z.unknown())
  .meta({ description: 'Customer profile fields to merge into the contact; `email` and `phone` are the addresses messages go to.' });
export const TimestampSchema = z.iso
  .datetime({ offset: true, error: 'timestamp must be ISO 8601 with a time zone, e.g. 2025-01-31T12:00:00Z' })
  // The database keeps years 1 to 9999 as written; year 0 (or 10000 once shifted to UTC) would fail to store.
  .refine((value) => {
    const year = new Date(value).getUTCFullYear();
    return year >= 1 && year <= 9999;
  }, 'timestamp must fall between the years 0001 and 9999 (in UTC)')
  .meta({ description: 'When it happened (ISO 8601). Default: when Touchpoint received it.' });

const identifyFields = {
  userId: UserIdSchema,
  traits: TraitsSchema.default({}),
  messageId: MessageIdSchema,
  timestamp: TimestampSchema.optional(),
};
const trackFields = {
  userId: UserIdSchema,
  event: EventNameSchema,
  properties: z.record(z.string(), z.unknown()).default({}).meta({ description: 'Event fields, e.g. order_id, total.' }),
  context: z
    .object({ traits: TraitsSchema.optional() })
    .optional()
    .meta({ description: 'Segment context; `context.traits` are merged into the contact like `traits`.' }),
  traits: TraitsSchema.optional(),
  messageId: MessageIdSchema,
  timestamp: TimestampSchema.optional(),
};

export const IdentifyRequestSchema = z
  .object({ type: z.literal('identify').optional(), ...identifyFields })
  .meta({ description: 'Create or update a customer (contact) and its traits.' });
export const TrackRequestSchema = z
  .object({ type: z.literal('track').optional(), ...trackFields })
  .meta({ description: 'Record that a customer did something; starts and advances journeys.' });

const typeError = { error: 'each batch item needs "type": "identify" or "track"' };
export const BatchItemSchema = z.discriminatedUnion(
  'type',
  [z.object({ type: z.literal('identify'), ...identifyFields }), z.object({ type: z.literal('track'), ...trackFields })],
  typeError,
);
export const BatchRequestSchema = z
  .object({
    batch: z
      .array(BatchItemSchema)
      .min(1, 'batch is empty; send at least one event')
      .max(MAX_BATCH, `a batch holds at most ${MAX_BATCH} events; split it into several calls`),
  })
  .meta({ description: `Up to ${MAX_BATCH} identify/track events, validated together: one bad item rejects the whole batch.` });

export const EventResultSchema = z
  .object({
    messageId: z.string(),
    duplicate: z.boolean().meta({ description: 'True when this messageId was already processed; `runs` is the first answer.' }),
    runs: z.array(RoutedRunSchema),
    warnings: z
      .array(TraitWarningSchema)
      .optional()
      .meta({ description: 'Traits accepted and stored but not usable as meant, e.g. a `timezone` that is not an IANA zone, with the zone used instead. Absent when there are none.' }),
  })
  .meta({ description: 'What happened to one event.' });
export const BatchResultSchema = z.object({ results: z.array(EventResultSchema).meta({ description: 'One result per item, in order.' }) });

export const IssueSchema = z.object({
  path: z.array(z.union([z.string(), z.number()])).meta({ description: 'Where in the body, e.g. ["batch", 3, "messageId"].' }),
  message: z.string(),
  code: z.string(),
});
export const ErrorBodySchema = z
  .object({
    error: z.object({
      code: z.string().meta({ description: 'Stable machine-readable code, e.g. invalid_request, unauthorized, not_found.' }),
      message: z.string().meta({ description: 'What went wrong and how to fix it.' }),
      issues: z.array(IssueSchema).optional().meta({ description: 'Every validation problem (400 only).' }),
    }),
  })
  .meta({ description: 'Every error response has this shape.' });
export const HealthSchema = z
  .object({
    status: z.enum(['ok', 'unavailable']),
    message: z.string().optional().meta({ description: 'Which dependency is down (503 only).' }),
  })
  .catchall(z.string())
  .meta({ description: 'Status of each dependency ("ok" or "down: …"), e.g. temporal and database.' });

export type IdentifyRequest = z.output<typeof IdentifyRequestSchema>;
export type TrackRequest = z.output<typeof TrackRequestSchema>;
export type BatchItem = z.output<typeof BatchItemSchema>;
export type EventResult = z.output<typeof EventResultSchema>;
export type BatchResult = z.output<typeof BatchResultSchema>;
export type Health = z.output<typeof HealthSchema>;
