// One run in full: describe + its RunState (query or result) + every message decision it made.
import type { Client, WorkflowExecutionDescription } from '@temporalio/client';
import { traitWarnings } from '../core/trait-warnings';
import type { Store } from '../store/types';
import { JOURNEY_WORKFLOW, type JourneyRunWorkflow } from '../workflows/definitions';
import { readRunState } from './run-state-reader';
import { toRunSummary, type UiLink } from './run-summary';
import type { RunDetail } from './types';

/** The latest execution of `workflowId`, or null when there is none (or it is not a journey run). */
export async function describeRun(client: Client, workflowId: string): Promise<WorkflowExecutionDescription | null> {
  try {
    const description = await client.workflow.getHandle<JourneyRunWorkflow>(workflowId).describe();
    return description.type === JOURNEY_WORKFLOW ? description : null;
  } catch (error) {
    if (error instanceof Error && error.name === 'WorkflowNotFoundError') return null;
    throw error;
  }
}

/** `defaultTimezone`: the zone the run's local times use when the customer's `timezone` trait is not an IANA zone. */
export async function getRun(deps: { client: Client; store: Store; ui: UiLink; defaultTimezone?: string }, workflowId: string): Promise<RunDetail | null> {
  const description = await describeRun(deps.client, workflowId);
  if (!description) return null;
  const [state, messages] = await Promise.all([
    readRunState(deps.client, description),
    deps.store.listMessages({ workflowId, limit: 1000 }),
  ]);
  const summary = toRunSummary(description, deps.ui, state);
  // The run reads the profile afresh at each local time and send: the stored traits are what it uses.
  const contact = await deps.store.getContact(summary.customerId);
  const warnings = contact ? traitWarnings(contact.traits, deps.defaultTimezone ?? 'UTC') : [];
  // The log lists newest first; a timeline reads oldest first.
  return { ...summary, state, messages: [...messages].reverse(), warnings };
}
