// The sample journeys of journeys/ for the history scenario: loaded with every duration cut to
// seconds, run through the API on each path they can take, and the minimum history for the
// steps a run took (the bare run base plus the bare cost of each step).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { WorkflowHandle } from '@temporalio/client';
import type { RunState } from '../../core/run-state';
import type { BareCommand } from '../workflows';
import { countByType } from './history';
import { REPO_ROOT } from './paths';
import type { BenchStack } from './stack';

/** Events of the bare run base and of each bare command (from the per-kind measurements). */
export type Minimums = Record<BareCommand | 'base', number>;

export interface Sample {
  id: string;
  file: string;
  /** The journey YAML with its durations cut to seconds. */
  text: string;
  doc: Record<string, unknown>;
  steps: Map<string, Record<string, unknown>>;
  variants: Variant[];
}
export type Variant = 'no events' | 'awaited events arrive';

export function loadSamples(): Sample[] {
  const dir = join(REPO_ROOT, 'journeys');
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((file) => {
      const doc = shorten(parse(readFileSync(join(dir, file), 'utf8')) as Record<string, unknown>) as Record<string, unknown>;
      const steps = new Map<string, Record<string, unknown>>();
      collectSteps(doc.steps, steps);
      const awaits = [...steps.values()].some((s) => 'wait_for' in s);
      return {
        id: String(doc.id),
        file: `sample-${file}`,
        text: JSON.stringify(doc),
        doc,
        steps,
        variants: awaits ? ['no events', 'awaited events arrive'] : ['no events'],
      };
    });
}

/**
 * Every duration a run would sleep on, cut to seconds. `wait: { until }` becomes `wait: 1s`: a
 * time of day cannot be put seconds ahead reliably (a slow start-up makes it tomorrow's), so
 * its one local-activity marker (nextLocalTime) is left out of both the run and its minimum.
 */
function shorten(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => shorten(v));
  if (key === 'wait' && typeof value === 'object' && value !== null) return '1s';
  if (typeof value !== 'object' || value === null) {
    if (typeof value !== 'string') return value;
    if (key === 'wait' || key === 'for') return '1s';
    if (key === 'timeout') return '10s';
    return value;
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === 'sample' ? v : shorten(v, k)]));
}

function collectSteps(list: unknown, into: Map<string, Record<string, unknown>>): void {
  if (!Array.isArray(list)) return;
  for (const step of list) {
    if (typeof step !== 'object' || step === null) continue;
    const s = step as Record<string, unknown>;
    if (typeof s.id === 'string') into.set(s.id, s);
    for (const nested of Object.values(s)) {
      if (typeof nested !== 'object' || nested === null) continue;
      for (const v of Object.values(nested)) {
        if (Array.isArray(v)) {
          collectSteps(v, into);
          for (const c of v) if (typeof c === 'object' && c !== null && 'steps' in c) collectSteps((c as Record<string, unknown>).steps, into);
        }
      }
    }
  }
}

/** A sample run takes seconds; one still running after this is stuck (reported, not waited on). */
export const RUN_TIMEOUT_MS = 300_000;

/** The run's result, or an error saying where it is stuck after `timeoutMs`. */
export async function resultWithin(handle: WorkflowHandle, timeoutMs: number, what: string): Promise<RunState> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      handle
        .query<RunState>('state')
        .then((s) => `at step ${s.currentStep ?? '?'}, next wake-up ${s.nextWakeUp ?? 'none'}, waiting for ${s.waitingFor ?? 'nothing'}`)
        .catch((error: Error) => `state unknown (${error.message})`)
        .then((where) => reject(new Error(`${what}: run ${handle.workflowId} still running after ${timeoutMs / 1000} s, ${where}`)));
    }, timeoutMs);
  });
  try {
    return (await Promise.race([handle.result(), late])) as RunState;
  } finally {
    clearTimeout(timer);
  }
}

export async function runSample(stack: BenchStack, sample: Sample, variant: Variant, run: string): Promise<{ counts: Record<string, number>; state: RunState }> {
  const sampleDoc = (sample.doc.sample ?? {}) as { traits?: Record<string, unknown>; event?: { name?: string; properties?: Record<string, unknown> } };
  const trigger = sample.doc.trigger as { event?: string; inactivity?: { event: string } };
  const userId = `sample-${sample.id}-${variant === 'no events' ? 'quiet' : 'events'}-${run}`;
  const properties = { ...sampleDoc.event?.properties, ...(sampleDoc.event?.properties?.order_id === undefined ? {} : { order_id: `${userId}-order` }) };
  const traits = { ...sampleDoc.traits, email: `${userId}@bench.test` };
  const res = await stack.api.post<{ runs?: Array<{ workflowId: string; journeyId: string; action: string }> }>('/v1/track', {
    userId,
    event: trigger.event ?? trigger.inactivity?.event,
    messageId: `${userId}-trigger`,
    properties,
    traits,
  });
  const workflowId = res.body.runs?.find((r) => r.journeyId === sample.id && r.action === 'started')?.workflowId;
  if (!workflowId) throw new Error(`sample journey ${sample.id}: the trigger started no run: ${JSON.stringify(res.body)}`);
  const handle = stack.client.workflow.getHandle(workflowId);
  if (variant === 'awaited events arrive') await deliverAwaitedEvents(stack, sample, handle, userId, properties);
  const state = await resultWithin(handle, RUN_TIMEOUT_MS, `sample journey ${sample.id}`);
  return { counts: countByType(await handle.fetchHistory()), state };
}

/** Whenever the run waits in a wait_for step, send the event it waits for (same entry key), until the run ends. */
async function deliverAwaitedEvents(stack: BenchStack, sample: Sample, handle: WorkflowHandle, userId: string, properties: Record<string, unknown>): Promise<void> {
  const sent = new Set<string>();
  for (;;) {
    const description = await handle.describe();
    if (description.status.name !== 'RUNNING') return;
    const state = await handle.query<RunState>('state').catch(() => null);
    // Only wait_for steps: survey answers come from the survey page, not from an order system.
    const waitsFor = state?.currentStep ? sample.steps.get(state.currentStep)?.wait_for !== undefined : false;
    const key = state?.waitingFor ? `${state.currentStep}/${state.waitingFor}` : null;
    if (state?.waitingFor && waitsFor && key && !sent.has(key)) {
      sent.add(key);
      await stack.api.post('/v1/track', { userId, event: state.waitingFor, messageId: `${userId}-${sent.size}`, properties });
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The base run plus the bare cost of each step the run took (by kind and outcome). */
export function journeyMinimum(sample: Sample, state: RunState, m: Minimums, timeoutMinimum: number): { events: number; unknown: string[] } {
  const unknown: string[] = [];
  let events = m.base;
  if ('inactivity' in (sample.doc.trigger as object)) events += 1 + m.timer; // the watched event's signal, the quiet-period timer
  for (const done of state.stepsDone) {
    const step = sample.steps.get(done.stepId);
    if (!step) {
      unknown.push(done.stepId);
      continue;
    }
    const outcome = done.outcome ?? '';
    if ('send' in step || 'webhook' in step) events += m.activity;
    else if ('wait' in step) events += m.timer + (typeof step.wait === 'object' && step.wait !== null && 'until' in step.wait ? m.local_activity : 0);
    else if ('wait_for' in step) events += outcome.startsWith('received') ? m.signal : timeoutMinimum;
    else if ('branch' in step) events += m.local_activity;
    else if ('survey' in step) events += m.activity + (outcome.startsWith('received') || outcome.includes('answered') ? m.signal : timeoutMinimum);
    else if (!('split' in step || 'goto' in step || 'exit' in step)) unknown.push(done.stepId);
  }
  return { events, unknown };
}
