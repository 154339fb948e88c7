// The journey DSL v1: one zod schema is the source of the TS types, the runtime checks and
// the JSON Schema that editors use (`touchpoint schema`, schema/journey.schema.json).
import { z } from 'zod';

const describe = (description: string) => ({ description });

export const IdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'use lowercase letters, digits, "-" and "_", starting with a letter or digit')
  .meta(describe('Identifier: lowercase letters, digits, "-" and "_".'));

/** Longest event name accepted (Segment's own limit is far above any real name). */
export const MAX_EVENT_NAME = 200;

// Segment recommends "Object Action" names with spaces ("Order Completed", "Product Viewed");
// dotted names (order.completed) work as well. Names are matched exactly, case and spaces included.
export const EventNameSchema = z
  .string({ error: (issue) => (issue.input === undefined ? 'an event name is required, e.g. "Order Completed" or order.completed' : 'an event name must be a string') })
  .min(1, 'an event name is required, e.g. "Order Completed" or order.completed')
  .max(MAX_EVENT_NAME, `an event name is at most ${MAX_EVENT_NAME} characters`)
  .regex(/^[^\s\u0000-\u001f\u007f](?:[^\u0000-\u001f\u007f]*[^\s\u0000-\u001f\u007f])?$/, 'an event name is text without control characters and without leading or trailing spaces (e.g. "Order Completed" or order.completed)')
  .meta(describe('Event name as sent to POST /v1/track, e.g. `Order Completed` (Segment style, with spaces) or `order.completed`. Matched exactly.'));

export const DurationSchema = z
  .string()
  .regex(/^(\d+(ms|s|m|h|d|w))+$/, 'write a duration like 30m, 2h, 3d, 1w or 1d12h')
  .meta(describe('Duration: a number with a unit (ms, s, m, h, d, w), combinable: `3d`, `1d12h`, `90m`.'));

export const TimeOfDaySchema = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'write a local time of day as HH:MM, 24-hour (e.g. 09:30)')
  .meta(describe("Local time of day `HH:MM` (24-hour) in the customer's time zone."));

export const ChannelSchema = z.enum(['email', 'sms', 'push']).meta(describe('Delivery channel.'));
export type Channel = z.infer<typeof ChannelSchema>;

export const MessageCategorySchema = z
  .enum(['marketing', 'transactional'])
  .meta(
    describe(
      '`marketing` (default) needs the customer\'s consent and obeys frequency caps and quiet hours; ' +
        '`transactional` (receipts, password resets) is sent to unsubscribed customers too, but never to suppressed addresses.',
    ),
  );

export const QuietHoursSchema = z
  .union([
    z.strictObject({
      start: TimeOfDaySchema.meta(describe('Local time quiet hours begin, e.g. 21:00.')),
      end: TimeOfDaySchema.meta(describe('Local time they end, e.g. 08:00 (the next morning when earlier than start).')),
    }),
    z.literal(false),
  ])
  .meta(describe("Quiet hours in the customer's time zone for this journey's marketing messages; `false` turns the global QUIET_HOURS off."));

export const FieldPathSchema = z
  .string()
  .regex(
    /^(traits|event|trigger|customer|survey)(\.[A-Za-z0-9_$-]+)+$/,
    'a field starts with traits., event., trigger., customer. or survey. (e.g. traits.plan, event.properties.total, survey.category)',
  )
  .meta(
    describe(
      'Where the value comes from: `traits.<name>` (customer profile), `event.<path>` (the event being matched), ' +
        '`trigger.<path>` (the event that started the run), `customer.id`, `survey.<field>` (the answer to the last `survey` step: ' +
        '`survey.answered`, `survey.score`, `survey.category`, `survey.sentiment`, `survey.comment`, `survey.kind`).',
    ),
  );

export const OperatorSchema = z
  .enum(['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'not_in', 'contains', 'starts_with', 'ends_with', 'exists', 'not_exists'])
  .meta(describe('Comparison operator. `exists`/`not_exists` take no value; `in`/`not_in` take a list.'));
export type Operator = z.infer<typeof OperatorSchema>;

export const JsonValueSchema = z
  .union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.union([z.string(), z.number(), z.boolean(), z.null()]))])
  .meta(describe('A literal to compare with: string, number, boolean, null, or a list of those.'));

export type Condition =
  | { field: string; op: Operator; value?: z.infer<typeof JsonValueSchema> }
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition }
  | { received: string; where?: Condition };

export const ConditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z
      .strictObject({ field: FieldPathSchema, op: OperatorSchema, value: JsonValueSchema.optional() })
      .meta(describe('Compare one field with a value.')),
    z.strictObject({ all: z.array(ConditionSchema).min(1) }).meta(describe('True when every condition is true.')),
    z.strictObject({ any: z.array(ConditionSchema).min(1) }).meta(describe('True when at least one condition is true.')),
    z.strictObject({ not: ConditionSchema }).meta(describe('True when the condition is false.')),
    z
      .strictObject({ received: EventNameSchema, where: ConditionSchema.optional() })
      .meta(describe('True when this run has received the event (optionally matching `where`, with `event.` fields).')),
  ]),
).meta({ id: 'Condition', description: 'A declarative condition: field/op/value, or all / any / not / received.' });

export const EventMatchSchema = z
  .union([
    EventNameSchema,
    z.strictObject({ event: EventNameSchema, where: ConditionSchema.optional() }),
  ])
  .meta(describe('An event name, or `{ event, where }` to match only events whose fields meet a condition.'));
export type EventMatch = z.infer<typeof EventMatchSchema>;

export const TriggerSchema = z
  .union([
    z
      .strictObject({
        event: EventNameSchema,
        where: ConditionSchema.optional().meta(describe('Only events meeting this condition start the journey.')),
      })
      .meta(describe('Start when the customer sends this event.')),
    z
      .strictObject({
        inactivity: z.strictObject({
          event: EventNameSchema.meta(describe('The event whose absence starts the journey, e.g. order.completed.')),
          for: DurationSchema.meta(describe('How long without the event, e.g. 60d. Each new event restarts the clock.')),
        }),
      })
      .meta(describe('Start when the customer has not sent an event for a while (win-back).')),
  ])
  .meta(describe('What starts a run of this journey for a customer.'));
export type Trigger = z.infer<typeof TriggerSchema>;

export const EntrySchema = z
  .strictObject({
    reentry: z
      .union([z.enum(['once', 'always']), z.strictObject({ cooldown: DurationSchema })])
      .default('once')
      .meta(describe('`once`: a customer enters at most once (per entry key); `always`: every trigger; `{ cooldown: 30d }`: again after a pause.')),
    key: z
      .string()
      .regex(/^properties(\.[A-Za-z0-9_$-]+)+$/, 'an entry key is a path into the trigger event, e.g. properties.order_id')
      .optional()
      .meta(describe('Path in the trigger event that makes one run per value, e.g. `properties.order_id`.')),
    max_event_age: z
      .union([DurationSchema, z.literal(false)])
      .optional()
      .meta(
        describe(
          'How old a trigger event may be when it reaches Touchpoint (from when it happened to when the API received it) and still start a run, ' +
            'e.g. `4h` for a reminder that makes no sense later; older events are logged but start nothing. `false`: any age. ' +
            'Event triggers only. @default 24h',
        ),
      ),
  })
  .meta(describe('Who may enter, how often, and how late a trigger event may arrive.'));

/** entry.max_event_age when a journey does not set it: a day-old event (a backfill, a client offline for days) starts nothing. */
export const DEFAULT_MAX_EVENT_AGE = '24h';
export type Entry = z.infer<typeof EntrySchema>;

export type Step =
  | { id: string; send: { channel: Channel; template: string; fallback?: Channel | undefined; category?: 'marketing' | 'transactional' | undefined } }
  | { id: string; wait: string | { for: string } | { until: string } }
  | {
      id: string;
      wait_for: { event: string; where?: Condition | undefined; timeout: string; on_event?: Step[] | undefined; on_timeout?: Step[] | undefined };
    }
  | { id: string; branch: { cases: { when: Condition; steps: Step[] }[]; else?: Step[] | undefined } }
  | { id: string; split: { variants: { id: string; weight: number; control?: boolean | undefined; steps?: Step[] | undefined }[] } }
  | { id: string; survey: SurveyStep }
  | { id: string; webhook: WebhookStep }
  | { id: string; goto: string }
  | { id: string; exit: true | { reason: string } };

export const SurveyKindSchema = z.enum(['nps', 'csat', 'ces']).meta(describe('`nps` (0–10), `csat` (1–5) or `ces` (1–7).'));

export interface SurveyStep {
  kind: 'nps' | 'csat' | 'ces';
  channel: Channel;
  template: string;
  wait: string;
  fallback?: Channel | undefined;
  category?: 'marketing' | 'transactional' | undefined;
}

/** JSON whose strings are Handlebars templates (webhook bodies). */
export type JsonTemplate = string | number | boolean | null | JsonTemplate[] | { [key: string]: JsonTemplate };
export const JsonTemplateSchema: z.ZodType<JsonTemplate> = z
  .lazy(() => z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(JsonTemplateSchema), z.record(z.string(), JsonTemplateSchema)]))
  .meta({ id: 'JsonTemplate', description: 'JSON; every string is a Handlebars template rendered with the run (customer, traits, trigger, journey, survey).' });

export interface WebhookStep {
  url: string;
  method?: 'POST' | 'PUT' | 'PATCH' | undefined;
  headers?: Record<string, string> | undefined;
  body?: JsonTemplate | undefined;
  secret_env?: string | undefined;
  timeout?: string | undefined;
  attempts?: number | undefined;
}

const stepId = IdSchema.meta(describe('Unique id of this step in the journey; shown to support staff and in logs.'));
const Steps: z.ZodType<Step[]> = z.lazy(() => z.array(StepSchema));

export const StepSchemas = {
  send: z
    .strictObject({
      id: stepId,
      send: z.strictObject({
        channel: ChannelSchema,
        template: IdSchema.meta(describe('Template name: templates/<name>.hbs, with a part for this channel.')),
        fallback: ChannelSchema.optional().meta(describe('Channel to use when the first one cannot reach the customer.')),
        category: MessageCategorySchema.optional(),
      }),
    })
    .meta(describe('Send a message rendered from a template.')),
  wait: z
    .strictObject({
      id: stepId,
      wait: z.union([
        DurationSchema,
        z.strictObject({ for: DurationSchema }),
        z.strictObject({ until: TimeOfDaySchema.meta(describe("Next occurrence of this local time in the customer's time zone.")) }),
      ]),
    })
    .meta(describe('Pause for a duration (`wait: 3d`) or until a local time of day (`wait: { until: "09:00" }`).')),
  wait_for: z
    .strictObject({
      id: stepId,
      wait_for: z.strictObject({
        event: EventNameSchema,
        where: ConditionSchema.optional(),
        timeout: DurationSchema.meta(describe('How long to wait before taking `on_timeout`.')),
        on_event: Steps.optional().meta(describe('Steps when the event arrives (default: continue).')),
        on_timeout: Steps.optional().meta(describe('Steps when the timeout passes first (default: continue).')),
      }),
    })
    .meta(describe('Wait for an event (one that arrived earlier in this run counts), or a timeout.')),
  branch: z
    .strictObject({
      id: stepId,
      branch: z.strictObject({
        cases: z.array(z.strictObject({ when: ConditionSchema, steps: Steps })).min(1),
        else: Steps.optional().meta(describe('Steps when no case matches (default: continue).')),
      }),
    })
    .meta(describe('Take the steps of the first case whose condition holds, else the `else` steps.')),
  split: z
    .strictObject({
      id: stepId,
      split: z.strictObject({
        variants: z
          .array(
            z.strictObject({
              id: IdSchema,
              weight: z.number().positive().meta(describe('Relative weight; weights need not add up to 100.')),
              control: z.boolean().optional().meta(describe('Marks the control (hold-out) group for A/B results.')),
              steps: Steps.optional(),
            }),
          )
          .min(2),
      }),
    })
    .meta(describe('A/B/n test: each customer gets one variant, stable for (customer, journey, split id).')),
  survey: z
    .strictObject({
      id: stepId,
      survey: z.strictObject({
        kind: SurveyKindSchema,
        channel: ChannelSchema,
        template: IdSchema.meta(describe('Template of the survey message; it gets `survey.url` and `survey.scores` (one-click score links).')),
        wait: DurationSchema.meta(describe('How long to wait for the answer; the survey link expires then.')),
        fallback: ChannelSchema.optional().meta(describe('Channel to use when the first one cannot reach the customer.')),
        category: MessageCategorySchema.optional(),
      }),
    })
    .meta(describe('Send a survey (NPS, CSAT or CES) and wait for the answer or the timeout; later steps read `survey.score`, `survey.category`, `survey.sentiment`.')),
  webhook: z
    .strictObject({
      id: stepId,
      webhook: z.strictObject({
        url: z
          .string()
          .regex(/^https?:\/\/[^\s]+$/, 'write a full http:// or https:// URL (it may contain {{handlebars}} expressions)')
          .meta(describe('Where to send the request; may contain Handlebars expressions, e.g. https://crm.example.com/customers/{{customer.id}}/notes.')),
        method: z.enum(['POST', 'PUT', 'PATCH']).optional().meta(describe('HTTP method. @default POST')),
        headers: z
          .record(z.string().regex(/^[A-Za-z0-9-]+$/, 'a header name is letters, digits and "-"'), z.string())
          .optional()
          .meta(describe('Extra request headers (values may use Handlebars). Secrets do not belong here: see secret_env.')),
        body: JsonTemplateSchema.optional().meta(describe('The JSON body; every string in it is a Handlebars template.')),
        secret_env: z
          .string()
          .regex(/^[A-Z][A-Z0-9_]*$/, 'name an environment variable in capitals, e.g. CRM_WEBHOOK_SECRET')
          .optional()
          .meta(describe('Environment variable holding the HMAC-SHA256 key for the Touchpoint-Signature header. @default WEBHOOK_SECRET')),
        timeout: DurationSchema.optional().meta(describe('Per-attempt timeout. @default 10s')),
        attempts: z.number().int().min(1).max(20).optional().meta(describe('Attempts before the step records a failure (5xx, 429, timeouts are retried with backoff). @default 5')),
      }),
    })
    .meta(describe('Call an HTTP endpoint (CRM, help desk, loyalty system) with a signed JSON body; the response status is recorded.')),
  goto: z
    .strictObject({ id: stepId, goto: IdSchema.meta(describe('Step id to continue at. A loop must pass through a wait.')) })
    .meta(describe('Continue at another step.')),
  exit: z
    .strictObject({ id: stepId, exit: z.union([z.literal(true), z.strictObject({ reason: z.string().min(1) })]) })
    .meta(describe('End the run here.')),
} as const;

export type StepKind = keyof typeof StepSchemas;
export const STEP_KINDS = Object.keys(StepSchemas) as StepKind[];

export const StepSchema: z.ZodType<Step> = z
  .lazy(() => z.union(Object.values(StepSchemas) as unknown as [z.ZodType<Step>, z.ZodType<Step>, ...z.ZodType<Step>[]]))
  .meta({ id: 'Step', description: `A step: an \`id\` and exactly one of ${STEP_KINDS.join(', ')}.` });

export const SampleSchema = z
  .strictObject({
    traits: z.record(z.string(), z.unknown()).default({}),
    event: z.strictObject({ name: EventNameSchema.optional(), properties: z.record(z.string(), z.unknown()).default({}) }).optional(),
  })
  .meta(describe('Sample customer and event used to preview and check this journey\'s templates.'));

export const JourneySchema = z
  .strictObject({
    id: IdSchema.meta(describe('Journey id; part of every run id: journey/<id>/<customer>[/<entry key>].')),
    name: z.string().min(1).meta(describe('Name shown to marketers and support staff.')),
    description: z.string().optional().meta(describe('What this journey is for, for the people who read and review it.')),
    trigger: TriggerSchema,
    entry: EntrySchema.default({ reentry: 'once' }),
    exit_on: z.array(EventMatchSchema).default([]).meta(describe('Events that end the run from any step.')),
    goal: EventMatchSchema.optional().meta(describe('The conversion event: it ends the run as converted.')),
    quiet_hours: QuietHoursSchema.optional(),
    sample: SampleSchema.optional(),
    steps: z.array(StepSchema).min(1).meta(describe('What happens to a customer, in order; nested lists continue with the step after their parent.')),
  })
  .meta({ id: 'Journey', title: 'Touchpoint journey', description: 'A lifecycle journey: trigger, entry rules and steps.' });

export type Journey = z.output<typeof JourneySchema>;
export type JourneyInput = z.input<typeof JourneySchema>;

/** A validated journey as a run is pinned to it: never re-read while the run lives. */
export interface JourneySnapshot {
  journey: Journey;
  /** Content hash of the journey and the template versions it uses; the journey version. */
  version: string;
  /** Template name → content hash of the template version this snapshot renders. */
  templates: Record<string, string>;
  /** Where it was loaded from, for messages. */
  source: string;
}

/** Narrow a step to its kind; the interpreter switches on this exhaustively. */
export function stepKind(step: Step): StepKind {
  for (const kind of STEP_KINDS) if (kind in step) return kind;
  throw new Error(`step ${step.id} has no known kind`);
}
