// The journey report as a zod schema: the OpenAPI document describes the response with it and
// the typed client checks what arrives against it (unknown fields are dropped, never an error).
import { z } from 'zod';
import { FUNNEL_COLUMNS, HEADLINE_COLUMNS } from './columns';
import type { JourneyReport } from './types';

/** "Runs started in …": a column's definition as a sentence. */
const says = (what: string) => `${what.charAt(0).toUpperCase()}${what.slice(1)}.`;

const count = z.number().int().min(0);
const share = z.number().nullable();
const counts = z.record(z.string(), count);

export const RateSchema = z.object({ count, of: count, rate: share.meta({ description: 'count / of (0..1); null when `of` is 0.' }) });

export const StepReportSchema = z.object({
  stepId: z.string(),
  kind: z.string().meta({ description: 'send, survey, wait, wait_for, branch, split, webhook, goto or exit.' }),
  reached: count.meta({ description: says(FUNNEL_COLUMNS.reached) }),
  sent: count.optional(),
  skipped: counts.optional().meta({ description: 'Every reason other than `sent` (skipped:*, failed:*, deferred:*, unknown:*) → messages.' }),
  failed: count.optional(),
  delivered: count.optional().meta({ description: 'SMS confirmed delivered by the carrier; email and push accepted by the server.' }),
  opened: count.optional().meta({ description: 'Messages opened at least once by a person (privacy-proxy opens not counted).' }),
  openedByProxy: count.optional().meta({ description: 'Messages opened only by a mail privacy proxy.' }),
  clicked: count.optional(),
  results: counts.optional().meta({
    description: 'Visits per result: variant id, case-N/else, event/timeout, survey category/no_response, HTTP status/failed; waiting (the run is in the step now), interrupted (the run ended there).',
  }),
});

export const VariantReportSchema = z.object({
  variantId: z.string(),
  control: z.boolean(),
  runs: count,
  conversions: count,
  conversionRate: share,
  lift: z.number().nullable().meta({ description: 'Relative lift over the control: (p − p₀) / p₀.' }),
  diffCi95: z.tuple([z.number(), z.number()]).nullable().meta({ description: '95% Wald interval of p − p₀ (unpooled standard error).' }),
  pValue: z.number().nullable().meta({ description: 'Two-sided p-value of the two-proportion z-test (pooled standard error).' }),
  significant: z.boolean().meta({ description: 'pValue < 0.05.' }),
});

export const SplitReportSchema = z.object({
  stepId: z.string(),
  controlId: z.string().nullable(),
  variants: z.array(VariantReportSchema),
  sampleSizeWarning: z.string().nullable().meta({ description: 'Set when a group has fewer runs than 80% power at α = 0.05 needs (or fewer than 100): says how many.' }),
});

const scoreOverGroup = z.object({ responses: count, score: z.number().nullable() });

export const SurveyKindReportSchema = z.object({
  kind: z.enum(['nps', 'csat', 'ces']),
  sent: count,
  responses: count,
  responseRate: share,
  score: z.number().nullable().meta({ description: 'nps −100..100; csat % satisfied (4–5 of 5); ces mean 1..7.' }),
  distribution: counts.meta({ description: 'Score → answers, every point of the scale.' }),
  categories: counts,
  sentiment: z.object({ comments: count, negative: z.number(), neutral: z.number(), positive: z.number() }),
  byTemplate: z.array(scoreOverGroup.extend({ template: z.string() })),
  overTime: z.array(scoreOverGroup.extend({ bucket: z.string() })),
});

export const JourneyReportSchema = z
  .object({
    journeyId: z.string(),
    version: z.string().nullable(),
    since: z.string(),
    until: z.string(),
    generatedAt: z.string(),
    entered: count.meta({ description: says(HEADLINE_COLUMNS.entered) }),
    ended: z.object({ completed: count, exited: count, converted: count }).meta({ description: says(HEADLINE_COLUMNS.ended) }),
    exitsByReason: counts,
    conversions: RateSchema.meta({ description: says(HEADLINE_COLUMNS.conversions) }),
    steps: z.array(StepReportSchema),
    splits: z.array(SplitReportSchema),
    surveys: z.array(SurveyKindReportSchema),
    overTime: z.array(z.object({ bucket: z.string(), entered: count, converted: count, sent: count })),
    tookMs: z.number(),
  })
  .meta({ description: 'A journey over [since, until): entries, endings, the funnel per step, A/B splits and satisfaction.' }) satisfies z.ZodType<JourneyReport>;
