// Request and response schemas of the HTTP API (Segment Spec shape): the single source for
// validation, TypeScript types and the OpenAPI document at GET /openapi.json.
import { z } from 'zod';
import { ANONYMOUS_PREFIX } from '../core/identity';
import { PAGE_EVENT, SCREEN_EVENT } from '../core/events';
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
export const UserIdSchema = requiredString('userId', 'userId is required: the id of the customer in your system')
  .refine((value) => !value.startsWith(ANONYMOUS_PREFIX), `userId may not start with "${ANONYMOUS_PREFIX}": that prefix is reserved for anonymous visitors (send their id as anonymousId)`)
  .meta({ description: 'Your id of the customer; journeys run per userId.' });
export const AnonymousIdSchema = requiredString('anonymousId', 'anonymousId is empty: leave it out or send the visitor\'s id').meta({
  description:
    'Id of a visitor not (yet) known, e.g. the analytics.js cookie. Events and traits sent with it alone are kept for that visitor; ' +
    'once a call carries both userId and anonymousId (or an alias names it as previousId) they belong to the customer.',
});

/** Largest trait or property value, measured as JSON (a nested object or list counts whole). */
export const MAX_VALUE_BYTES = 8 * 1024;
/** Longest trait or property name. */
export const MAX_KEY_LENGTH = 256;

/** Traits or properties: a JSON object whose values are at most MAX_VALUE_BYTES each, refused naming the field. */
const fields = (what: 'trait' | 'property') =>
  z.record(z.string(), z.unknown()).superRefine((record, ctx) => {
    for (const [key, value] of Object.entries(record)) {
      if (key.length > MAX_KEY_LENGTH) {
        ctx.addIssue({ code: 'custom', path: [key], message: `a ${what} name is at most ${MAX_KEY_LENGTH} characters (this one has ${key.length})` });
        continue;
      }
      const bytes = Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
      if (bytes > MAX_VALUE_BYTES) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `this ${what} value is ${bytes} bytes as JSON; a ${what} value is at most ${MAX_VALUE_BYTES} bytes (8 KiB): keep large content in your system and send its id or URL`,
        });
      }
    }
  });
const LIMITS = `Each value is at most ${MAX_VALUE_BYTES} bytes as JSON (8 KiB; a nested object or list counts whole), each name at most ${MAX_KEY_LENGTH} characters.`;

export const TraitsSchema = fields('trait').meta({
  description: `Customer profile fields to merge into the contact; \`email\` and \`phone\` are the addresses messages go to. ${LIMITS}`,
});
export const PropertiesSchema = fields('property').meta({ description: `Event fields, e.g. order_id, total. ${LIMITS}` });
export const TimestampSchema = z.iso
  .datetime({ offset: true, error: 'timestamp must be ISO 8601 with a time zone, e.g. 2025-01-31T12:00:00Z' })
  // The database keeps years 1 to 9999 as written; year 0 (or 10000 once shifted to UTC) would fail to store.
  .refine((value) => {
    const year = new Date(value).getUTCFullYear();
    return year >= 1 && year <= 9999;
  }, 'timestamp must fall between the years 0001 and 9999 (in UTC)')
  .meta({
    description:
      'When it happened (ISO 8601). With `sentAt`, corrected for the sender\'s clock as Segment does: timestamp + (received − sentAt). Default: when Touchpoint received it.',
  });
export const SentAtSchema = z.iso
  .datetime({ offset: true, error: 'sentAt must be ISO 8601 with a time zone, e.g. 2025-01-31T12:00:00Z' })
  .meta({ description: "When the sender sent the call, by its own clock (Segment libraries set it): the difference to Touchpoint's clock corrects `timestamp`." });

const ContextSchema = z
  .object({ traits: TraitsSchema.optional() })
  .optional()
  .meta({ description: 'Segment context; `context.traits` are merged into the contact like `traits`. Other context fields are accepted and not stored.' });

/** Who the call is about: userId, anonymousId, or both (which links them). */
// analytics.js sends `userId: null` for an anonymous identify: null is taken as absent.
const whoFields = { userId: UserIdSchema.nullish(), anonymousId: AnonymousIdSchema.nullish() };
const common = { messageId: MessageIdSchema, timestamp: TimestampSchema.optional(), sentAt: SentAtSchema.optional(), context: ContextSchema };
const WHO_REQUIRED = 'userId or anonymousId is required: the id of the customer in your system, or the id of an anonymous visitor';
const needsWho = (value: { userId?: string | null | undefined; anonymousId?: string | null | undefined }) => value.userId != null || value.anonymousId != null;
const who = { error: WHO_REQUIRED, path: ['userId'] };

const identifyFields = { ...whoFields, traits: TraitsSchema.default({}), ...common };
const trackFields = { ...whoFields, event: EventNameSchema, properties: PropertiesSchema.default({}), traits: TraitsSchema.optional(), ...common };
const viewFields = (what: 'page' | 'screen') => ({
  ...whoFields,
  name: z.string().max(256, 'name is at most 256 characters').nullish().meta({ description: `Name of the ${what}, e.g. "Pricing"; journeys read it as properties.name.` }),
  category: z.string().max(256, 'category is at most 256 characters').nullish().meta({ description: `Category of the ${what}; journeys read it as properties.category.` }),
  properties: PropertiesSchema.default({}),
  ...common,
});
const aliasFields = {
  userId: UserIdSchema,
  previousId: requiredString('previousId', 'previousId is required: the anonymous id the visitor had before this userId').meta({
    description: 'The anonymous id the visitor had (the analytics.js anonymousId): what was recorded under it now belongs to userId.',
  }),
  ...common,
};
const groupFields = {
  ...whoFields,
  groupId: requiredString('groupId', 'groupId is required: the id of the account, company or team').meta({ description: 'The account, company or team the customer belongs to.' }),
  traits: TraitsSchema.default({}).meta({ description: `Traits of the group (not of the customer): stored with the call. ${LIMITS}` }),
  ...common,
};

const typed = <T extends string>(type: T, optional: boolean) => (optional ? z.literal(type).optional() : z.literal(type));

export const IdentifyRequestSchema = z
  .object({ type: typed('identify', true), ...identifyFields })
  .refine(needsWho, who)
  .meta({ description: 'Create or update a customer (contact) and its traits; with anonymousId too, links the visitor to the customer.' });
export const TrackRequestSchema = z
  .object({ type: typed('track', true), ...trackFields })
  .refine(needsWho, who)
  .meta({ description: 'Record that a customer did something; starts and advances journeys.' });
export const PageRequestSchema = z
  .object({ type: typed('page', true), ...viewFields('page') })
  .refine(needsWho, who)
  .meta({ description: `A page view (website). Journeys see it as the event \`${PAGE_EVENT}\` with \`name\` and \`category\` in its properties.` });
export const ScreenRequestSchema = z
  .object({ type: typed('screen', true), ...viewFields('screen') })
  .refine(needsWho, who)
  .meta({ description: `A screen view (mobile app). Journeys see it as the event \`${SCREEN_EVENT}\` with \`name\` and \`category\` in its properties.` });
export const AliasRequestSchema = z
  .object({ type: typed('alias', true), ...aliasFields })
  .meta({ description: 'Link an anonymous id (previousId) to a customer (userId): its events and traits become the customer\'s.' });
export const GroupRequestSchema = z
  .object({ type: typed('group', true), ...groupFields })
  .refine(needsWho, who)
  .meta({ description: 'Say which account, company or team the customer belongs to; stored with the event log.' });

const typeError = { error: 'each batch item needs "type": one of "identify", "track", "page", "screen", "alias" or "group"' };
export const BatchItemSchema = z.discriminatedUnion(
  'type',
  [
    z.object({ type: z.literal('identify'), ...identifyFields }).refine(needsWho, who),
    z.object({ type: z.literal('track'), ...trackFields }).refine(needsWho, who),
    z.object({ type: z.literal('page'), ...viewFields('page') }).refine(needsWho, who),
    z.object({ type: z.literal('screen'), ...viewFields('screen') }).refine(needsWho, who),
    z.object({ type: z.literal('alias'), ...aliasFields }),
    z.object({ type: z.literal('group'), ...groupFields }).refine(needsWho, who),
  ],
  typeError,
);
const batchItems = <T extends z.ZodType>(item: T) =>
  z
    .array(item)
    .min(1, 'batch is empty; send at least one event')
    .max(MAX_BATCH, `a batch holds at most ${MAX_BATCH} events; split it into several calls`);
/** The batch as documented: items of the six call types. */
export const BatchRequestSchema = z
  .object({ batch: batchItems(BatchItemSchema), sentAt: SentAtSchema.optional() })
  .meta({
    description:
      `Up to ${MAX_BATCH} calls of any type. Each item is validated on its own: the valid ones are stored and routed, ` +
      'each invalid one is refused with its reason in `results` (the answer is still 200).',
  });
/** The batch as parsed first: the envelope only; each item is then parsed with BatchItemSchema. */
export const BatchEnvelopeSchema = z.object({ batch: batchItems(z.unknown()), sentAt: SentAtSchema.optional() });

export const EventResultSchema = z
  .object({
    messageId: z.string(),
    duplicate: z.boolean().meta({ description: 'True when this messageId was already processed; `runs` is the first answer.' }),
    conflict: z
      .literal(true)
      .optional()
      .meta({ description: 'Present when this messageId was logged before with different content: the first content was kept and this one ignored. Give every distinct event its own messageId.' }),
    runs: z.array(RoutedRunSchema),
    pending: z
      .literal(true)
      .optional()
      .meta({
        description:
          'Present when the event is logged but not routed yet because Temporal is unreachable (the answer is then 202): ' +
          'it is routed in order with the customer\'s other events once Temporal is back, and `runs` is empty until then. ' +
          'Do not resend it; a resend with the same messageId is safe.',
      }),
    warnings: z
      .array(TraitWarningSchema)
      .optional()
      .meta({ description: 'Traits accepted and stored but not usable as meant, e.g. a `timezone` that is not an IANA zone, with the zone used instead. Absent when there are none.' }),
  })
  .meta({ description: 'What happened to one event.' });
export const IssueSchema = z.object({
  path: z.array(z.union([z.string(), z.number()])).meta({ description: 'Where in the body, e.g. ["batch", 3, "messageId"].' }),
  message: z.string(),
  code: z.string(),
});
export const RefusedItemSchema = z
  .object({
    index: z.number().int().meta({ description: 'Position of the item in `batch`, from 0.' }),
    messageId: z.string().nullable().meta({ description: 'The item\'s messageId when it had a usable one.' }),
    refused: z.literal(true),
    error: z.object({
      code: z.string().meta({ description: 'invalid_item, or unstorable_value for text the database cannot store.' }),
      message: z.string().meta({ description: 'What is wrong with the item and how to fix it.' }),
      issues: z.array(IssueSchema).meta({ description: 'Every problem of the item; paths start inside the item.' }),
    }),
  })
  .meta({ description: 'A batch item that was not stored: nothing of it was written or routed. Fix it and send it again.' });
export const BatchResultSchema = z.object({
  results: z
    .array(z.union([EventResultSchema, RefusedItemSchema]))
    .meta({ description: 'One result per item, in order: what happened to it, or `refused: true` with the reason.' }),
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
export type RefusedItem = z.output<typeof RefusedItemSchema>;
export type EventResult = z.output<typeof EventResultSchema>;
export type BatchResult = z.output<typeof BatchResultSchema>;
export type Health = z.output<typeof HealthSchema>;
