// The shape of a trait warning (core/trait-warnings.ts) in API answers: identify/track/batch
// results, the customer view and the run detail.
import { z } from 'zod';
import type { TraitWarning } from '../core/trait-warnings';

/** A trait stored but not usable as meant, and what is used instead (core/trait-warnings.ts). */
export const TraitWarningSchema = z
  .object({
    path: z.array(z.union([z.string(), z.number()])).meta({ description: 'Where, e.g. ["traits", "timezone"] (in a batch: ["batch", 2, "traits", "timezone"]).' }),
    code: z.enum(['invalid_timezone']),
    message: z.string().meta({ description: 'What was sent, what is used instead and how to fix it.' }),
    used: z.string().meta({ description: 'The value used instead, e.g. the DEFAULT_TIMEZONE "UTC".' }),
  })
  .meta({ description: 'A trait accepted and stored but not usable as meant.' }) satisfies z.ZodType<TraitWarning>;
