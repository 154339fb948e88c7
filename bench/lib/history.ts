// Reading workflow histories for the history scenario: event type names, counts by type, the
// difference between two histories, and waiting until a running history reaches a point.
import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { until } from './load';

type History = temporal.api.history.v1.IHistory;

/** "ActivityTaskScheduled" for EVENT_TYPE_ACTIVITY_TASK_SCHEDULED. */
export function eventTypeName(type: number | null | undefined): string {
  const raw = temporal.api.enums.v1.EventType[type ?? 0] ?? `Unknown${type}`;
  return raw
    .replace(/^EVENT_TYPE_/, '')
    .toLowerCase()
    .replace(/(^|_)([a-z])/g, (_, __: string, c: string) => c.toUpperCase());
}

/** Events of a history by type name. */
export function countByType(history: History): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const event of history.events ?? []) {
    const name = eventTypeName(event.eventType);
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}

/** `a − b` per type, only the types that differ. */
export function diffCounts(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const d = (a[key] ?? 0) - (b[key] ?? 0);
    if (d !== 0) out[key] = d;
  }
  return out;
}

/** "+1 UpsertWorkflowSearchAttributes, −1 TimerFired". */
export function describeDiff(diff: Record<string, number>): string {
  const parts = Object.entries(diff).map(([k, d]) => `${d > 0 ? '+' : '−'}${Math.abs(d)} ${k}`);
  return parts.length ? parts.join(', ') : 'the same events';
}

/** Poll the history until it holds at least `count` events of `type` (e.g. the k-th TimerStarted). */
export async function waitForEvents(handle: WorkflowHandle, type: string, count: number, timeoutMs = 30_000): Promise<void> {
  let seen = 0;
  await until(
    async () => {
      seen = countByType(await handle.fetchHistory())[type] ?? 0;
      return seen >= count;
    },
    timeoutMs,
    () => `workflow ${handle.workflowId} has ${seen} ${type} event(s) after ${timeoutMs} ms, expected ${count}`,
    50,
  );
}
