// Survey answers on both engines: one row per surveyed message, updated by a second answer.
import type { Db } from './db';
import { iso, text, type DbRow } from './rows';
import type { SurveyResponse, SurveyResponseInput } from './types';

export class SqlSurveys {
  constructor(private readonly db: Db) {}

  async save(input: SurveyResponseInput): Promise<SurveyResponse> {
    // answered_at stays the first answer's time; revision counts the answers.
    const rows = await this.db.query<DbRow>(
      `insert into survey_responses as r (message_key, survey_id, customer_id, journey_id, step_id, kind, score, category, comment, sentiment_score, revision, answered_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, $11, $11)
       on conflict (message_key) do update set
         score = excluded.score, category = excluded.category, comment = excluded.comment,
         sentiment_score = excluded.sentiment_score, revision = r.revision + 1, updated_at = excluded.updated_at
       returning *`,
      [input.messageKey, input.surveyId, input.customerId, input.journeyId, input.stepId, input.kind, input.score, input.category, input.comment, input.sentimentScore, input.at],
    );
    const row = rows[0];
    if (!row) throw new Error(`store: survey response ${input.messageKey} not saved`);
    return toSurveyResponse(row);
  }

  async get(messageKey: string): Promise<SurveyResponse | null> {
    const rows = await this.db.query<DbRow>('select * from survey_responses where message_key = $1', [messageKey]);
    return rows[0] ? toSurveyResponse(rows[0]) : null;
  }
}

function num(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

function toSurveyResponse(row: DbRow): SurveyResponse {
  const comment = row.comment;
  return {
    messageKey: text(row, 'message_key'),
    surveyId: text(row, 'survey_id'),
    customerId: text(row, 'customer_id'),
    journeyId: text(row, 'journey_id'),
    stepId: text(row, 'step_id'),
    kind: text(row, 'kind'),
    score: num(row.score) ?? 0,
    category: text(row, 'category'),
    comment: typeof comment === 'string' ? comment : null,
    sentimentScore: num(row.sentiment_score),
    revision: num(row.revision) ?? 1,
    answeredAt: iso(row, 'answered_at'),
    updatedAt: iso(row, 'updated_at'),
  };
}
