// History events per step kind (send, wait, wait_for, branch) and per sample journey, read from
// the dev server, against Temporal's own minimum for the same commands: hand-written bare
// workflows doing one activity / timer / signal wait / local activity, measured the same way.
import { randomBytes } from 'node:crypto';
import { benchJourney, startBareTemporal, startBenchStack, type BareTemporal, type BenchStack, type Metric, type Scenario } from '../lib';
import { countByType, describeDiff, diffCounts, waitForEvents } from '../lib/history';
import { journeyMinimum, loadSamples, resultWithin, RUN_TIMEOUT_MS, runSample, type Minimums } from '../lib/sample-journeys';
import { bareEventSignal, type BareCommand } from '../workflows';

const PING = 'bench.ping';

/** One step kind: how to write it, which bare command is its minimum, whether events must be sent. */
interface StepKind {
  slug: string;
  label: string;
  step(n: number): Record<string, unknown>;
  bare: BareCommand;
  /** Send the awaited event once the step waits (its timer started). */
  signals?: boolean;
  timeoutMs?: number;
  target?: number;
}

const KINDS: StepKind[] = [
  { slug: 'send', label: 'send', step: (n) => ({ id: `send-${n}`, send: { channel: 'email', template: 'welcome' } }), bare: 'activity', target: 6 },
  { slug: 'wait', label: 'wait', step: (n) => ({ id: `wait-${n}`, wait: '1s' }), bare: 'timer', target: 5 },
  { slug: 'wait-for-event', label: 'wait_for (event arrives)', step: (n) => ({ id: `wait-for-${n}`, wait_for: { event: PING, timeout: '10m' } }), bare: 'signal', signals: true },
  { slug: 'wait-for-timeout', label: 'wait_for (timeout)', step: (n) => ({ id: `wait-for-${n}`, wait_for: { event: 'bench.never', timeout: '1s' } }), bare: 'signal', timeoutMs: 1_000 },
  {
    slug: 'branch',
    label: 'branch',
    step: (n) => ({ id: `branch-${n}`, branch: { cases: [{ when: { field: 'traits.plan', op: 'eq', value: 'pro' }, steps: [] }] } }),
    bare: 'local_activity',
  },
];

export const scenario: Scenario = {
  name: 'history',
  title: 'history events per step kind and per sample journey vs bare workflows doing the same commands',
  async run(ctx) {
    retried.length = 0;
    const run = randomBytes(3).toString('hex');
    const samples = loadSamples();
    const journeys: Record<string, string> = {};
    for (const kind of KINDS) {
      for (const count of [1, 2]) {
        Object.assign(journeys, benchJourney({ id: `h-${kind.slug}-${count}`, trigger: `h.${kind.slug}.${count}`, steps: Array.from({ length: count }, (_, i) => kind.step(i + 1)) }));
      }
    }
    for (const sample of samples) journeys[sample.file] = sample.text;

    const stack = await startBenchStack({ journeys });
    const bare = await startBareTemporal({ address: stack.temporalAddress });
    try {
      const total = KINDS.length * 4 + 1 + samples.reduce((n, s) => n + s.variants.length, 0);
      ctx.progress.start('runs to completion', total, 'runs');
      const tick = <T>(p: Promise<T>) => p.finally(() => ctx.progress.tick(1));

      const base = tick(bareHistory(bare, `base-${run}`, 'timer', 0));
      const perKind = KINDS.map(async (kind) => {
        const [e1, e2, b1, b2] = await Promise.all([
          tick(engineStepHistory(stack, kind, 1, run)),
          tick(engineStepHistory(stack, kind, 2, run)),
          tick(bareHistory(bare, `${kind.slug}-1-${run}`, kind.bare, 1, kind)),
          tick(bareHistory(bare, `${kind.slug}-2-${run}`, kind.bare, 2, kind)),
        ]);
        const engine = diffCounts(e2, e1);
        const baseline = diffCounts(b2, b1);
        return { kind, engine, baseline, engineEvents: sum(engine), bareEvents: sum(baseline) };
      });
      const kinds = await Promise.all(perKind);
      const minimums: Minimums = { base: sum(await base), activity: 0, timer: 0, signal: 0, local_activity: 0 };
      for (const k of kinds) {
        if (k.kind.slug === 'wait-for-timeout') continue;
        minimums[k.kind.bare] = k.bareEvents;
      }
      const timeoutMinimum = kinds.find((k) => k.kind.slug === 'wait-for-timeout')?.bareEvents ?? Number.NaN;

      const journeysRun = await Promise.all(
        samples.flatMap((sample) => sample.variants.map((variant) => tick(clean(`${sample.id} (${variant})`, (attempt) => runSample(stack, sample, variant, `${run}-${attempt}`)).then((r) => ({ sample, variant, ...r }))))),
      );
      ctx.progress.done();

      const metrics: Metric[] = kinds.map((k) => ({
        name: `events per ${k.kind.label} step`,
        unit: 'events',
        engine: k.engineEvents,
        baseline: k.bareEvents,
        ...(k.kind.target === undefined ? {} : { targets: [{ on: 'engine' as const, op: '<=' as const, value: k.kind.target }] }),
      }));
      const notes = kinds.map((k) => `${k.kind.label}: engine ${k.engineEvents} (${describe(k.engine)}) vs bare ${k.bareEvents}; extra: ${describeDiff(diffCounts(k.engine, k.baseline))}`);
      for (const j of journeysRun) {
        const minimum = journeyMinimum(j.sample, j.state, minimums, timeoutMinimum);
        metrics.push({ name: `journey ${j.sample.id} (${j.variant})`, unit: 'events', engine: sum(j.counts), baseline: minimum.events });
        notes.push(
          `${j.sample.id} (${j.variant}): ${j.state.stepsDone.map((s) => s.stepId).join(' → ')}; engine ${sum(j.counts)} events vs minimum ${minimum.events}` +
            `${minimum.unknown.length ? ` (steps without a known minimum: ${minimum.unknown.join(', ')})` : ''}; upserts ${j.counts.UpsertWorkflowSearchAttributes ?? 0}, workflow tasks ${j.counts.WorkflowTaskCompleted ?? 0}`,
        );
      }
      notes.push(
        `Per step: the 2-step journey's history minus the 1-step one's, for the engine and for a bare workflow issuing the same commands (activity, 1 s timer, signal wait with timeout, local activity); run base ${minimums.base} events. ` +
          'Sample journeys run with every duration cut to seconds (a `wait: { until }` becomes `wait: 1s`, leaving out its nextLocalTime marker); their minimum is the base plus the bare cost of each step they took.',
      );
      if (retried.length) notes.push(`Measured again after a workflow-task time-out or failure (a busy machine): ${retried.join('; ')}.`);
      return {
        metrics,
        notes,
        database: stack.database,
        details: { retried, minimums, timeoutMinimum, kinds, journeys: journeysRun.map((j) => ({ journey: j.sample.id, variant: j.variant, counts: j.counts, steps: j.state.stepsDone })) },
      };
    } finally {
      await bare.stop();
      await stack.dispose();
    }
  },
};

const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
const describe = (counts: Record<string, number>) => Object.entries(counts).map(([k, n]) => `${n} ${k}`).join(', ');

/** Workflow-task time-outs on this shared machine, which add events no journey asked for. */
const ANOMALIES = ['WorkflowTaskTimedOut', 'WorkflowTaskFailed'];
const retried: string[] = [];

/** Measure again (up to 3 times) when the history holds a workflow-task time-out or failure. */
async function clean<T extends { counts: Record<string, number> }>(what: string, measure: (attempt: number) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const result = await measure(attempt);
    const anomalies = ANOMALIES.filter((a) => result.counts[a]);
    if (anomalies.length === 0 || attempt === 3) return result;
    retried.push(`${what} (${anomalies.join(', ')})`);
  }
}

/** History counts of one completed run of the `count`-step journey of this kind. */
async function engineStepHistory(stack: BenchStack, kind: StepKind, count: number, run: string): Promise<Record<string, number>> {
  const measured = await clean(`engine ${kind.label} ×${count}`, (attempt) => engineStepOnce(stack, kind, count, `${run}-${attempt}`));
  return measured.counts;
}

async function engineStepOnce(stack: BenchStack, kind: StepKind, count: number, run: string): Promise<{ counts: Record<string, number> }> {
  const userId = `h-${kind.slug}-${count}-${run}`;
  const started = await track(stack, { userId, event: `h.${kind.slug}.${count}`, messageId: `${userId}-start`, traits: { email: `${userId}@bench.test`, plan: 'pro' } });
  const handle = stack.client.workflow.getHandle(started);
  for (let k = 1; kind.signals && k <= count; k++) {
    await waitForEvents(handle, 'TimerStarted', k);
    await track(stack, { userId, event: PING, messageId: `${userId}-ping-${k}` }, false);
  }
  await resultWithin(handle, RUN_TIMEOUT_MS, `journey ${kind.label} ×${count}`);
  return { counts: countByType(await handle.fetchHistory()) };
}

async function bareHistory(bare: BareTemporal, id: string, command: BareCommand, count: number, kind?: StepKind): Promise<Record<string, number>> {
  const measured = await clean(`bare ${command} ×${count}`, (attempt) => bareOnce(bare, `${id}-${attempt}`, command, count, kind));
  return measured.counts;
}

async function bareOnce(bare: BareTemporal, id: string, command: BareCommand, count: number, kind?: StepKind): Promise<{ counts: Record<string, number> }> {
  const handle = await bare.client.workflow.start('bareCommands', { taskQueue: bare.taskQueue, workflowId: `bare-history-${id}`, args: [command, count, kind?.timeoutMs ?? 600_000] });
  for (let k = 1; kind?.signals && k <= count; k++) {
    await waitForEvents(handle, 'TimerStarted', k);
    await handle.signal(bareEventSignal, PING);
  }
  await resultWithin(handle, RUN_TIMEOUT_MS, `bare ${command} ×${count}`);
  return { counts: countByType(await handle.fetchHistory()) };
}

/** POST /v1/track; returns the workflow id of the run it started (when `starts`). */
async function track(stack: BenchStack, body: Record<string, unknown>, starts = true): Promise<string> {
  const res = await stack.api.post<{ runs?: Array<{ workflowId: string; action: string; journeyId: string }> }>('/v1/track', body);
  if (res.status !== 200) throw new Error(`POST /v1/track ${JSON.stringify(body)} answered ${res.status}: ${JSON.stringify(res.body)}`);
  const started = res.body.runs?.find((r) => r.action === 'started');
  if (starts && !started) throw new Error(`POST /v1/track ${JSON.stringify(body)} started no run: ${JSON.stringify(res.body)}`);
  return started?.workflowId ?? '';
}
