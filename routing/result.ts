// What the router did with one event: the API returns it and the event log keeps it, so a
// duplicate request gets the same answer without a second effect.
import { z } from 'zod';

export const RunActionSchema = z
  .enum(['started', 'signalled', 'skipped'])
  .meta({ description: '`started`: a new run; `signalled`: the event went to a running run; `skipped`: no run, see `reason`.' });

/** Why an event started no run: one code per rule (the `reason` says it for a person). */
export const SkipCodeSchema = z
  .enum(['trigger.where', 'entry.key', 'entry.reentry', 'entry.max_event_age', 'run.busy'])
  .meta({
    description:
      '`trigger.where`: the trigger condition does not hold (see `condition`); `entry.key`: the entry key is missing; ' +
      '`entry.reentry`: the re-entry policy refuses it; `entry.max_event_age`: the event is older than the journey takes; ' +
      '`run.busy`: the run kept changing state (retry with the same messageId).',
  });

export const DecidingLeafSchema = z
  .object({
    condition: z.string().meta({ description: 'The comparison, e.g. `traits.tier eq "gold"`.' }),
    field: z.string(),
    held: z.boolean().meta({ description: 'Whether it held (under `not`, one that held makes the condition false).' }),
    saw: z.unknown().optional().meta({ description: 'The value the router read; absent when the field is missing.' }),
  })
  .meta({ description: 'A comparison that decided why `trigger.where` does not hold, with the value seen.' });

export const RoutedRunSchema = z
  .object({
    journeyId: z.string(),
    workflowId: z.string().meta({ description: 'Deterministic run id: journey/<journeyId>/<customerId>[/<entryKey>].' }),
    action: RunActionSchema,
    reason: z.string().optional().meta({ description: 'Why it was skipped or signalled, naming the journey and the rule.' }),
    code: SkipCodeSchema.optional(),
    condition: z.array(DecidingLeafSchema).optional().meta({ description: 'With `trigger.where`: the comparisons that made it false.' }),
  })
  .meta({ description: 'One journey run the event started, signalled or would have started.' });

export const RoutingResultSchema = z.object({ runs: z.array(RoutedRunSchema) });

export type RunAction = z.infer<typeof RunActionSchema>;
export type SkipCode = z.infer<typeof SkipCodeSchema>;
export type RoutedRun = z.infer<typeof RoutedRunSchema>;
export type RoutingResult = z.infer<typeof RoutingResultSchema>;
