// Recorded workflow histories on disk: protobufjs JSON of temporal.api.history.v1.History
// (`History.toJSON()`). We do not use historyToJSON/historyFromJSON from @temporalio/common:
// with the protobufjs copies installed here they throw "type must be a Type".
import { readFileSync } from 'node:fs';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

type History = temporal.api.history.v1.IHistory;

/** The file text for a history fetched from the server (stable key order, one field a line). */
export function historyFileText(history: History): string {
  return `${JSON.stringify(temporal.api.history.v1.History.fromObject(history).toJSON(), null, 1)}\n`;
}

/** A history file read back as the History message replay workers take. */
export function readHistoryFile(path: string): temporal.api.history.v1.History {
  const json: unknown = JSON.parse(readFileSync(path, 'utf8'));
  if (typeof json !== 'object' || json === null || !('events' in json) || !Array.isArray(json.events)) {
    throw new Error(`${path} is not a recorded history (no "events" list); record it again with RECORD_HISTORIES=1 npx jest tests/workflows/record-histories`);
  }
  return temporal.api.history.v1.History.fromObject(json);
}


/** The history of every run of a workflow, following continue-as-new from the first run. */
export async function fetchRunChain(client: Client, workflowId: string, firstRunId: string): Promise<History[]> {
  const histories: History[] = [];
  let runId: string | null | undefined = firstRunId;
  while (runId) {
    const history: History = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    histories.push(history);
    const last = history.events?.[history.events.length - 1];
    runId = last?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
  }
  return histories;
}
