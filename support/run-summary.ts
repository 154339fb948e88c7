// A Temporal execution (from visibility or describe) as a RunSummary support staff read.
import type { WorkflowExecutionInfo } from '@temporalio/client';
import type { RunState } from '../core/run-state';
import { CURRENT_STEP, CUSTOMER_ID, JOURNEY_ID, JOURNEY_VERSION } from '../workflows/search-attributes';
import type { RunListStatus, RunSummary } from './types';

/** Where the Temporal Web UI lives and which namespace the runs are in. */
export interface UiLink {
  /** Base of the Web UI, e.g. `http://127.0.0.1:8233`; null means no links. */
  baseUrl: string | null;
  namespace: string;
}

/** The parts of `journey/<journeyId>/<customerId>[/<entryKey>]` (customer and key URI-decoded). */
export function parseJourneyWorkflowId(workflowId: string): { journeyId: string; customerId: string; entryKey: string | null } | null {
  const parts = workflowId.split('/');
  if (parts[0] !== 'journey' || parts.length < 3 || parts.length > 4) return null;
  try {
    return {
      journeyId: parts[1] ?? '',
      customerId: decodeURIComponent(parts[2] ?? ''),
      entryKey: parts[3] === undefined ? null : decodeURIComponent(parts[3]),
    };
  } catch {
    return null;
  }
}

/**
 * The list status of an execution. A completed run's own status (completed, exited, converted)
 * lives in its result: pass it when read, else `completed` is reported.
 */
export function runListStatus(info: Pick<WorkflowExecutionInfo, 'status'>, result: RunState | null): RunListStatus {
  switch (info.status.name) {
    case 'RUNNING':
    case 'PAUSED':
    case 'CONTINUED_AS_NEW':
      return 'running';
    case 'COMPLETED':
      return result && result.status !== 'running' && result.status !== 'watching' ? result.status : 'completed';
    case 'FAILED':
      return 'failed';
    case 'TERMINATED':
      return 'terminated';
    case 'TIMED_OUT':
      return 'timed_out';
    case 'CANCELLED':
      return 'cancelled';
    default:
      return 'failed';
  }
}

export function temporalUiLink(ui: UiLink, workflowId: string, runId: string): string | null {
  if (!ui.baseUrl) return null;
  const base = ui.baseUrl.replace(/\/+$/, '');
  return `${base}/namespaces/${encodeURIComponent(ui.namespace)}/workflows/${encodeURIComponent(workflowId)}/${runId}/history`;
}

/** The step a running run shows: its `state` query's step, or `watching` before entry. */
function stepOf(state: RunState): string | null {
  return state.currentStep ?? (state.status === 'watching' ? 'watching' : null);
}

/**
 * Search attributes first, the workflow id and the run state as fallbacks; the current step
 * comes from the run state, else TouchpointStep (set on every step only by runs started before
 * the `touchpoint-no-step-attribute` patch).
 */
export function toRunSummary(
  info: Pick<WorkflowExecutionInfo, 'workflowId' | 'runId' | 'status' | 'startTime' | 'closeTime' | 'typedSearchAttributes'>,
  ui: UiLink, state: RunState | null): RunSummary {
  const attrs = info.typedSearchAttributes;
  const parsed = parseJourneyWorkflowId(info.workflowId);
  const status = runListStatus(info, info.status.name === 'COMPLETED' ? state : null);
  return {
    workflowId: info.workflowId,
    runId: info.runId,
    journeyId: attrs.get(JOURNEY_ID) ?? state?.journeyId ?? parsed?.journeyId ?? '',
    journeyVersion: attrs.get(JOURNEY_VERSION) ?? state?.journeyVersion ?? '',
    customerId: attrs.get(CUSTOMER_ID) ?? state?.customerId ?? parsed?.customerId ?? '',
    entryKey: state?.entryKey ?? parsed?.entryKey ?? null,
    status,
    currentStep: status === 'running' ? (state ? stepOf(state) : null) ?? attrs.get(CURRENT_STEP) ?? null : null,
    startedAt: info.startTime.toISOString(),
    closedAt: info.closeTime ? info.closeTime.toISOString() : null,
    nextWakeUp: status === 'running' ? (state?.nextWakeUp ?? null) : null,
    temporalUiUrl: temporalUiLink(ui, info.workflowId, info.runId),
  };
}
