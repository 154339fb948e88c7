// Events ingested per second through POST /v1/batch with 20 % duplicate messageIds (retries of
// earlier items), then proof that no duplicate had an effect: event log rows and runs started
// equal the unique counts. Two phases on one engine: the stated mix (one unique event in ten
// starts a run) and the same mix with no run to start, which shows what ingestion itself costs
// when the Temporal server's start rate is out of the picture.
import { randomBytes } from 'node:crypto';
import { benchJourney, startBenchStack, sustain, until, type BenchStack, type Metric, type Scenario, type ScenarioContext, type SustainResult } from '../lib';

const JOURNEY = 'bench-ingest';
const TRIGGER = 'bench.subscribed';
const BATCH_SIZE = 100;
const CALLERS = 4;
const DUPLICATE_SHARE = 0.2;
/** One unique event in ten starts a journey run; the rest are plain tracked events (page views, clicks). */
const TRIGGER_EVERY = 10;

interface Item {
  type: 'track';
  userId: string;
  event: string;
  messageId: string;
  properties: Record<string, unknown>;
  traits?: Record<string, unknown>;
}

interface Phase {
  prefix: string;
  result: SustainResult;
  unique: number;
  uniqueTriggers: number;
  /** Trigger events among the timed items (the seed call's excluded). */
  timedTriggers: number;
  duplicatesSent: number;
  duplicatesAnswered: number;
  startedAnswered: number;
}

/** One timed stream of batches; `triggerEvery` null: no event starts a run. */
async function runPhase(ctx: ScenarioContext, stack: BenchStack, seconds: number, triggerEvery: number | null): Promise<Phase> {
  const prefix = `i-${randomBytes(3).toString('hex')}`;
  const answered: Item[] = [];
  const phase = { prefix, unique: 0, uniqueTriggers: 0, timedTriggers: 0, duplicatesSent: 0, duplicatesAnswered: 0, startedAnswered: 0 };
  let timing = false;
  // A deterministic mix: item k of the stream is a retry of an earlier item when k % 5 === 4,
  // taken from calls already answered (a retry racing its first attempt is answered as new, by design).
  const nextItem = (k: number): Item => {
    if (k % Math.round(1 / DUPLICATE_SHARE) === Math.round(1 / DUPLICATE_SHARE) - 1 && answered.length > 0) {
      phase.duplicatesSent++;
      return answered[(k * 7919) % answered.length]!;
    }
    const n = phase.unique++;
    const trigger = triggerEvery !== null && n % triggerEvery === 0;
    if (trigger) {
      phase.uniqueTriggers++;
      if (timing) phase.timedTriggers++;
    }
    return {
      type: 'track',
      userId: `${prefix}-${n}`,
      event: trigger ? TRIGGER : 'bench.page_viewed',
      messageId: `${prefix}-${n}`,
      properties: { page: `/products/${n % 97}`, n },
      ...(n % 4 === 0 ? { traits: { email: `${prefix}-${n}@bench.test`, plan: n % 8 === 0 ? 'pro' : 'free' } } : {}),
    };
  };
  let k = 0;
  // One answered call first, so retries make up their share from the first timed call on.
  const seed = Array.from({ length: BATCH_SIZE }, () => nextItem(-1));
  const seeded = await stack.api.post('/v1/batch', { batch: seed });
  if (seeded.status !== 200) throw new Error(`the first /v1/batch call answered ${seeded.status}: ${JSON.stringify(seeded.body).slice(0, 300)}`);
  answered.push(...seed);
  phase.duplicatesSent = 0;
  timing = true;
  const result = await sustain({
    label: `POST /v1/batch (${BATCH_SIZE}/call, ${CALLERS} callers${triggerEvery === null ? ', no run starts' : ''})`,
    seconds,
    concurrency: CALLERS,
    progress: ctx.progress,
    unit: 'events',
    call: async () => {
      const batch = Array.from({ length: BATCH_SIZE }, () => nextItem(k++));
      const res = await stack.api.post<{ results?: Array<{ duplicate: boolean; runs: Array<{ action: string }> }> }>('/v1/batch', { batch });
      if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${JSON.stringify(res.body).slice(0, 300)}`);
      answered.push(...batch);
      for (const r of res.body.results ?? []) {
        if (r.duplicate) phase.duplicatesAnswered++;
        phase.startedAnswered += r.runs.filter((x) => x.action === 'started').length;
      }
      return BATCH_SIZE;
    },
  });
  return { ...phase, result };
}

export const scenario: Scenario = {
  name: 'ingest',
  title: `events ingested/s via /v1/batch (${BATCH_SIZE}/call) with ${DUPLICATE_SHARE * 100} % duplicate messageIds; duplicates without effect`,
  async run(ctx) {
    const seconds = ctx.pick(60, 8);
    const stack = await startBenchStack({ journeys: benchJourney({ id: JOURNEY, trigger: TRIGGER, steps: [{ id: 'rest', wait: '30d' }] }) });
    try {
      const mixed = await runPhase(ctx, stack, seconds, TRIGGER_EVERY);
      const plain = await runPhase(ctx, stack, seconds, null);
      const uniqueTriggers = mixed.uniqueTriggers;

      let runs = 0;
      ctx.progress.start('runs visible on the server', uniqueTriggers, 'runs');
      await until(
        async () => {
          runs = (await stack.client.workflow.count(`TouchpointJourney = '${JOURNEY}'`)).count;
          ctx.progress.update(runs);
          return runs >= uniqueTriggers;
        },
        ctx.pick(60_000, 20_000),
        () => `${runs} runs visible, expected ${uniqueTriggers}`,
        500,
      ).catch((error: Error) => ctx.log(error.message));
      // Let a late duplicate start (there must be none) reach visibility before the final count.
      await new Promise((r) => setTimeout(r, 2_000));
      runs = (await stack.client.workflow.count(`TouchpointJourney = '${JOURNEY}'`)).count;
      ctx.progress.done(`${runs} runs`);
      const countRows = (prefix: string) =>
        stack.withDatabase(async (db) => Number((await db.query<{ n: string }>(`select count(*) as n from events where message_id like $1`, [`${prefix}-%`]))[0]?.n ?? -1));
      const rows = (await countRows(mixed.prefix)) + (await countRows(plain.prefix));

      const uniqueSent = mixed.unique + plain.unique;
      const duplicatesSent = mixed.duplicatesSent + plain.duplicatesSent;
      const duplicatesAnswered = mixed.duplicatesAnswered + plain.duplicatesAnswered;
      const clean = rows === uniqueSent && runs === uniqueTriggers && duplicatesAnswered >= duplicatesSent;
      const uniqueRate = (p: Phase) => (p.result.units - p.duplicatesSent) / p.result.seconds;
      const metrics: Metric[] = [
        { name: 'events ingested/s (duplicates included)', unit: '/s', engine: mixed.result.rate, baseline: null, targets: [{ on: 'engine', op: '>=', value: 1000 }] },
        { name: 'unique events/s', unit: '/s', engine: uniqueRate(mixed), baseline: null },
        { name: `of which runs started/s (1 unique event in ${TRIGGER_EVERY})`, unit: '/s', engine: mixed.timedTriggers / mixed.result.seconds, baseline: null },
        { name: 'events ingested/s, no event starts a run', unit: '/s', engine: plain.result.rate, baseline: null },
        { name: 'unique events/s, no event starts a run', unit: '/s', engine: uniqueRate(plain), baseline: null },
        { name: 'event log rows = unique messageIds', unit: '', engine: rows, baseline: uniqueSent, targets: [{ on: 'ratio', op: '=', value: 1 }] },
        { name: 'runs started = unique trigger events', unit: '', engine: runs, baseline: uniqueTriggers, targets: [{ on: 'ratio', op: '=', value: 1 }] },
        { name: 'duplicates answered duplicate:true / sent', unit: '', engine: duplicatesAnswered, baseline: duplicatesSent, targets: [{ on: 'ratio', op: '=', value: 1 }] },
      ];
      const errors = mixed.result.errors + plain.result.errors;
      return {
        metrics,
        notes: [
          `${seconds} s per phase, ${CALLERS} callers × ${BATCH_SIZE} events per call after one untimed call; with runs: ${mixed.result.units} items timed (${mixed.duplicatesSent} retries of earlier items), 1 unique event in ${TRIGGER_EVERY} starts a run; without: ${plain.result.units} items timed (${plain.duplicatesSent} retries); 1 in 4 carries traits; ${uniqueSent} unique in all.`,
          clean ? 'Every duplicate was without effect: one event log row per messageId, one run per unique trigger.' : `Duplicates had an effect or items were lost: rows ${rows}/${uniqueSent}, runs ${runs}/${uniqueTriggers}, duplicate answers ${duplicatesAnswered}/${duplicatesSent}.`,
          `Runs reported started in responses: ${mixed.startedAnswered} (a duplicate repeats the first answer, runs included).`,
          ...(errors ? [`${errors} failed calls, first: ${[...mixed.result.firstErrors, ...plain.result.firstErrors][0]}`] : []),
        ],
        database: stack.database,
        details: { seconds, mixed, plain, uniqueSent, uniqueTriggers, duplicatesSent, duplicatesAnswered, rows, runs },
      };
    } finally {
      await stack.dispose();
    }
  },
};
