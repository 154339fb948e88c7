// Webhook step calls in SQL: one webhook_calls row per call key, updated by each attempt until
// an attempt marks it done; a done row is never changed again (its outcome is the step's).
import type { Db } from './db';
import { iso, text, textOrNull, type DbRow } from './rows';
import type { WebhookAttemptInput, WebhookCall } from './types';

export class SqlWebhookCalls {
  constructor(private readonly db: Db) {}

  async get(callKey: string): Promise<WebhookCall | null> {
    const rows = await this.db.query<DbRow>('select * from webhook_calls where call_key = $1', [callKey]);
    return rows[0] ? toWebhookCall(rows[0]) : null;
  }

  async recordAttempt(input: WebhookAttemptInput): Promise<WebhookCall> {
    // `attempt` makes a re-recorded attempt (an activity retried after it wrote) count once.
    const rows = await this.db.query<DbRow>(
      `insert into webhook_calls as w (call_key, workflow_id, run_id, journey_id, step_id, customer_id, url, method, status, ok, done, attempts, detail, response_excerpt, created_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, coalesce($12::integer, 1), $13, $14, $15, $15)
       on conflict (call_key) do update set
         url = excluded.url, method = excluded.method, status = excluded.status, ok = excluded.ok, done = excluded.done,
         attempts = coalesce($12::integer, w.attempts + 1), detail = excluded.detail,
         response_excerpt = excluded.response_excerpt, updated_at = excluded.updated_at
       where not w.done
       returning *`,
      [input.callKey, input.workflowId, input.runId, input.journeyId, input.stepId, input.customerId, input.url, input.method,
        input.status, input.ok, input.done, input.attempt ?? null, input.detail, input.responseExcerpt, input.at],
    );
    if (rows[0]) return toWebhookCall(rows[0]);
    const done = await this.get(input.callKey);
    if (!done) throw new Error(`store: webhook call ${input.callKey} was neither recorded nor found`);
    return done;
  }
}

function toWebhookCall(row: DbRow): WebhookCall {
  return {
    callKey: text(row, 'call_key'),
    workflowId: text(row, 'workflow_id'),
    runId: text(row, 'run_id'),
    journeyId: text(row, 'journey_id'),
    stepId: text(row, 'step_id'),
    customerId: text(row, 'customer_id'),
    url: text(row, 'url'),
    method: text(row, 'method'),
    status: row.status === null || row.status === undefined ? null : Number(row.status),
    ok: row.ok === true,
    done: row.done === true,
    attempts: Number(row.attempts),
    detail: text(row, 'detail'),
    responseExcerpt: textOrNull(row, 'response_excerpt'),
    createdAt: iso(row, 'created_at'),
    updatedAt: iso(row, 'updated_at'),
  };
}
