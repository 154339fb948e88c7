// What the router did with one event: the API returns it and the event log keeps it, so a
// duplicate request gets the same answer without a second effect.
import { z } from 'zod';

export const RunActionSchema = z
  .enum(['started', 'signalled', 'skipped'])
  .meta({ description: '`started`: a new run; `signalled`: the event went to a running run; `skipped`: no run, see `reason`.' });

export const RoutedRunSchema = z
  .object({
    journeyId: z.string(),
    workflowId: z.string().meta({ description: 'Deterministic run id: journey/<journeyId>/<customerId>[/<entryKey>].' }),
    action: RunActionSchema,
    reason: z.string().optional().meta({ description: 'Why it was skipped or signalled, naming the journey and the rule.' }),
  })
  .meta({ description: 'One journey run the event started, signalled or would have started.' });

export const RoutingResultSchema = z.object({ runs: z.array(RoutedRunSchema) });

export type RunAction = z.infer<typeof RunActionSchema>;
export type RoutedRun = z.infer<typeof RoutedRunSchema>;
export type RoutingResult = z.infer<typeof RoutingResultSchema>;
