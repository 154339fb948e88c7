// Events ingested per second through POST /v1/batch with 20 % duplicate messageIds (retries of
// earlier items), then proof that no duplicate had an effect: event log rows and runs started
// equal the unique counts.
import { randomBytes } from 'node:crypto';
import { benchJourney, startBenchStack, sustain, until, type Metric, type Scenario } from '../lib';

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

export const scenario: Scenario = {
  name: 'ingest',
  title: `events ingested/s via /v1/batch (${BATCH_SIZE}/call) with ${DUPLICATE_SHARE * 100} % duplicate messageIds; duplicates without effect`,
  async run(ctx) {
    const seconds = ctx.pick(60, 8);
    const stack = await startBenchStack({ journeys: benchJourney({ id: JOURNEY, trigger: TRIGGER, steps: [{ id: 'rest', wait: '30d' }] }) });
    try {
      const run = randomBytes(3).toString('hex');
      const sent: Item[] = [];
      const answered: Item[] = [];
      let unique = 0;
      let uniqueTriggers = 0;
      let duplicatesSent = 0;
      let duplicatesAnswered = 0;
      let startedAnswered = 0;
      // A deterministic mix: item k of the stream is a retry of an earlier item when k % 5 === 4,
      // taken from calls already answered (a retry racing its first attempt is answered as new, by design).
      const nextItem = (k: number): Item => {
        if (k % Math.round(1 / DUPLICATE_SHARE) === Math.round(1 / DUPLICATE_SHARE) - 1 && answered.length > 0) {
          duplicatesSent++;
          return answered[(k * 7919) % answered.length]!;
        }
        const n = unique++;
        const trigger = n % TRIGGER_EVERY === 0;
        if (trigger) uniqueTriggers++;
        const item: Item = {
          type: 'track',
          userId: `i-${run}-${n}`,
          event: trigger ? TRIGGER : 'bench.page_viewed',
          messageId: `i-${run}-${n}`,
          properties: { page: `/products/${n % 97}`, n },
          ...(n % 4 === 0 ? { traits: { email: `i-${run}-${n}@bench.test`, plan: n % 8 === 0 ? 'pro' : 'free' } } : {}),
        };
        sent.push(item);
        return item;
      };
      let k = 0;
      // One answered call first, so retries make up their share from the first timed call on.
      const seed = Array.from({ length: BATCH_SIZE }, () => nextItem(-1));
      const seeded = await stack.api.post('/v1/batch', { batch: seed });
      if (seeded.status !== 200) throw new Error(`the first /v1/batch call answered ${seeded.status}: ${JSON.stringify(seeded.body).slice(0, 300)}`);
      answered.push(...seed);
      const result = await sustain({
        label: `POST /v1/batch (${BATCH_SIZE}/call, ${CALLERS} callers)`,
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
            if (r.duplicate) duplicatesAnswered++;
            startedAnswered += r.runs.filter((x) => x.action === 'started').length;
          }
          return BATCH_SIZE;
        },
      });

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
      const rows = await stack.withDatabase(async (db) => Number((await db.query<{ n: string }>(`select count(*) as n from events where message_id like $1`, [`i-${run}-%`]))[0]?.n ?? -1));

      const uniqueSent = new Set(sent.map((i) => i.messageId)).size;
      const clean = rows === uniqueSent && runs === uniqueTriggers && duplicatesAnswered >= duplicatesSent;
      const metrics: Metric[] = [
        { name: 'events ingested/s (duplicates included)', unit: '/s', engine: result.rate, baseline: null, targets: [{ on: 'engine', op: '>=', value: 1000 }] },
        { name: 'unique events/s', unit: '/s', engine: (result.units - duplicatesSent) / result.seconds, baseline: null },
        { name: 'event log rows = unique messageIds', unit: '', engine: rows, baseline: uniqueSent, targets: [{ on: 'ratio', op: '=', value: 1 }] },
        { name: 'runs started = unique trigger events', unit: '', engine: runs, baseline: uniqueTriggers, targets: [{ on: 'ratio', op: '=', value: 1 }] },
        { name: 'duplicates answered duplicate:true / sent', unit: '', engine: duplicatesAnswered, baseline: duplicatesSent, targets: [{ on: 'ratio', op: '=', value: 1 }] },
      ];
      return {
        metrics,
        notes: [
          `${seconds} s, ${CALLERS} callers × ${BATCH_SIZE} events per call after one untimed call; ${result.units} items timed (${duplicatesSent} retries of earlier items), ${uniqueSent} unique in all; 1 unique event in ${TRIGGER_EVERY} starts a run, 1 in 4 carries traits.`,
          clean ? 'Every duplicate was without effect: one event log row per messageId, one run per unique trigger.' : `Duplicates had an effect or items were lost: rows ${rows}/${uniqueSent}, runs ${runs}/${uniqueTriggers}, duplicate answers ${duplicatesAnswered}/${duplicatesSent}.`,
          `Runs reported started in responses: ${startedAnswered} (a duplicate repeats the first answer, runs included).`,
          ...(result.errors ? [`${result.errors} failed calls, first: ${result.firstErrors[0]}`] : []),
        ],
        database: stack.database,
        details: { seconds, result, uniqueSent, uniqueTriggers, duplicatesSent, duplicatesAnswered, rows, runs, startedAnswered },
      };
    } finally {
      await stack.dispose();
    }
  },
};
