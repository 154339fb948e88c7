// Journey starts per second through POST /v1/track and /v1/batch, sustained, against a bare
// client starting no-op workflows on the same Temporal server for as long.
import { randomBytes } from 'node:crypto';
import { CUSTOMER_ID, JOURNEY_ID, JOURNEY_VERSION } from '../../workflows/search-attributes';
import { benchJourney, startBareTemporal, startBenchStack, sustain, until, type BenchStack, type Metric, type Scenario, type ScenarioContext, type SustainResult } from '../lib';

const JOURNEY = 'bench-start';
const EVENT = 'bench.started';
/** Callers in flight: enough to keep 2 cores busy on either side. */
const CONCURRENCY = 32;
/** Events per /v1/batch call; batch callers are as many as track callers, so as many calls are in flight. */
const BATCH_SIZE = 20;

interface RoutedResult {
  runs?: Array<{ action?: string }>;
}

const startedIn = (result: RoutedResult | undefined) => (result?.runs ?? []).filter((r) => r.action === 'started').length;

export const scenario: Scenario = {
  name: 'starts',
  title: 'journey starts/s via /v1/track and /v1/batch vs bare client.workflow.start of no-op workflows, same server',
  async run(ctx) {
    const seconds = ctx.pick(60, 8);
    // One step that sleeps: the run's first workflow task schedules a timer and the run stays
    // open, about as little work as the bare no-op workflow's single task.
    const stack = await startBenchStack({ journeys: benchJourney({ id: JOURNEY, trigger: EVENT, steps: [{ id: 'rest', wait: '30d' }] }) });
    let stopBare: () => Promise<void> = async () => {};
    try {
      const bare = await startBareTemporal({ address: stack.temporalAddress });
      stopBare = () => bare.stop();
      const bareStarts = (label: string, idPrefix: string) =>
        sustain({
          label,
          seconds,
          concurrency: CONCURRENCY,
          progress: ctx.progress,
          unit: 'starts',
          call: async (i) => {
            await bare.client.workflow.start('bareNoop', { taskQueue: bare.taskQueue, workflowId: `${idPrefix}-${i}`, args: [] });
          },
        });
      // The plain baseline runs first and again last: a server's rate drifts over minutes (its
      // SQLite file grows, the Go runtime warms up), so the faster of the two is the baseline.
      const baselineFirst = await bareStarts('bare client.workflow.start (first)', 'bare-noop-first');
      // The same no-op start carrying what the engine's starts carry for support's run lists
      // (routing/runs.ts): three keyword search attributes and a memo, which the server indexes.
      const labelled = await sustain({
        label: 'bare start + the engine\'s run labels',
        seconds,
        concurrency: CONCURRENCY,
        progress: ctx.progress,
        unit: 'starts',
        call: async (i) => {
          await bare.client.workflow.start('bareNoop', {
            taskQueue: bare.taskQueue,
            workflowId: `bare-labelled-${i}`,
            args: [],
            typedSearchAttributes: [
              { key: CUSTOMER_ID, value: `bare-${i}` },
              { key: JOURNEY_ID, value: 'bench-bare-labelled' },
              { key: JOURNEY_VERSION, value: 'v1' },
            ],
            memo: { triggerMessageId: `bare-labelled-${i}` },
          });
        },
      });

      const run = randomBytes(3).toString('hex');
      const track = await sustain({
        label: 'POST /v1/track',
        seconds,
        concurrency: CONCURRENCY,
        progress: ctx.progress,
        unit: 'starts',
        call: async (i) => {
          const res = await stack.api.post<RoutedResult>('/v1/track', { userId: `t-${run}-${i}`, event: EVENT, messageId: `t-${run}-${i}` });
          if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${JSON.stringify(res.body)}`);
          return startedIn(res.body);
        },
      });
      const batch = await sustain({
        label: `POST /v1/batch (${BATCH_SIZE}/call)`,
        seconds,
        concurrency: CONCURRENCY,
        progress: ctx.progress,
        unit: 'starts',
        call: async (i) => {
          const items = Array.from({ length: BATCH_SIZE }, (_, k) => ({ type: 'track', userId: `b-${run}-${i}-${k}`, event: EVENT, messageId: `b-${run}-${i}-${k}` }));
          const res = await stack.api.post<{ results?: RoutedResult[] }>('/v1/batch', { batch: items });
          if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${JSON.stringify(res.body)}`);
          return (res.body.results ?? []).reduce((sum, r) => sum + startedIn(r), 0);
        },
      });
      const baselineLast = await bareStarts('bare client.workflow.start (last)', 'bare-noop-last');
      const baseline = baselineFirst.rate >= baselineLast.rate ? baselineFirst : baselineLast;
      const runs = await countRuns(ctx, stack, track.units + batch.units);

      const metrics: Metric[] = [
        { name: 'starts/s via /v1/track', unit: '/s', engine: track.rate, baseline: baseline.rate, targets: [{ on: 'ratio', op: '>=', value: 0.8 }] },
        { name: `starts/s via /v1/batch (${BATCH_SIZE}/call)`, unit: '/s', engine: batch.rate, baseline: baseline.rate, targets: [{ on: 'ratio', op: '>=', value: 0.8 }] },
        { name: 'starts/s via /v1/track vs bare starts with the same run labels', unit: '/s', engine: track.rate, baseline: labelled.rate },
        { name: 'bare starts/s with the engine\'s run labels vs without', unit: '/s', engine: labelled.rate, baseline: baseline.rate },
        { name: 'runs the server holds / starts answered', unit: '', engine: runs, baseline: track.units + batch.units },
      ];
      const errors = [baselineFirst, labelled, track, batch, baselineLast].flatMap((r) => r.firstErrors);
      const notes = [
        `${seconds} s per phase, ${CONCURRENCY} callers each (batch: ${BATCH_SIZE} events per call), on one dev server (SQLite file in the data dir), in this order: bare (${baselineFirst.rate.toFixed(0)}/s), labelled bare, track, batch, bare again (${baselineLast.rate.toFixed(0)}/s); the baseline is the faster bare phase. Rates count calls answered after the deadline too, over the longer time.`,
        'Run labels: every journey start carries the TouchpointCustomer, TouchpointJourney and TouchpointJourneyVersion search attributes and a memo (routing/runs.ts), which support and routing query; the labelled baseline starts the same no-op workflow with them.',
        ...(errors.length ? [`errors: ${[baselineFirst, labelled, track, batch, baselineLast].map((r) => r.errors).join('/')} (bare/labelled/track/batch/bare), first: ${errors[0]}`] : []),
      ];
      return {
        metrics,
        notes,
        database: stack.database,
        details: { seconds, concurrency: CONCURRENCY, batchSize: BATCH_SIZE, baselineFirst, labelled, track, batch, baselineLast, runsOnServer: runs },
      };
    } finally {
      await stopBare();
      await stack.dispose();
    }
  },
};

/** Runs of the bench journey visible on the server: every answered start must be there. */
async function countRuns(ctx: ScenarioContext, stack: BenchStack, expected: number): Promise<number> {
  let count = 0;
  ctx.progress.start('visibility count of started runs', expected, 'runs');
  await until(
    async () => {
      count = (await stack.client.workflow.count(`TouchpointJourney = '${JOURNEY}'`)).count;
      ctx.progress.update(count);
      return count >= expected;
    },
    ctx.pick(60_000, 20_000),
    () => `only ${count} of ${expected} started runs are visible on the server`,
    500,
  ).catch((error: Error) => ctx.log(error.message));
  ctx.progress.done();
  return count;
}
