// Small journeys for router and API tests (validated by the real schema) and run-history helpers.
import { defaultPayloadConverter, type Client } from '@temporalio/client';
import { JourneySchema, type JourneyInput, type JourneySnapshot } from '../../dsl/schema';
import type { JourneyEvent } from '../../core/events';

/** A snapshot of a journey given in its YAML shape (defaults applied by the schema). */
export function snapshotOf(input: JourneyInput, version = 'v1'): JourneySnapshot {
  return { journey: JourneySchema.parse(input), version, templates: {}, source: `test:${input.id}` };
}

/** One send step, enough for a run to have a first step. */
export const sendStep = (id = 'hello') => ({ id, send: { channel: 'email' as const, template: 'welcome' } });

/** What the latest run of `workflowId` received: how many starts, and the events signalled to it. */
export async function runHistory(client: Client, workflowId: string, runId?: string): Promise<{ started: number; signals: JourneyEvent[] }> {
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  let started = 0;
  const signals: JourneyEvent[] = [];
  for (const event of history.events ?? []) {
    if (event.workflowExecutionStartedEventAttributes) started += 1;
    const signal = event.workflowExecutionSignaledEventAttributes;
    if (signal?.signalName === 'journeyEvent') {
      const payload = signal.input?.payloads?.[0];
      if (payload) signals.push(defaultPayloadConverter.fromPayload<JourneyEvent>(payload));
    }
  }
  return { started, signals };
}

/** Wait until visibility lists `expected` executions for `query` (it lags a moment behind starts). */
export async function waitForVisibility(client: Client, query: string, expected: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { count } = await client.workflow.count(query);
    if (count === expected) return;
    if (Date.now() > deadline) throw new Error(`visibility shows ${count} executions for ${query}, expected ${expected}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
