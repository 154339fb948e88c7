// The one HTTP error type: every failure the API reports is an HttpError, rendered by the
// error handler as `{ error: { code, message, issues? } }`.
import type { z } from 'zod';

export interface IssueBody {
  /** Where in the body: keys and array indexes, e.g. ["batch", 3, "messageId"]. */
  path: (string | number)[];
  message: string;
  /** zod's issue code, e.g. invalid_type, too_big. */
  code: string;
}

export class HttpError extends Error {
  override readonly name = 'HttpError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues?: IssueBody[],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  toBody(): { error: { code: string; message: string; issues?: IssueBody[] } } {
    return { error: { code: this.code, message: this.message, ...(this.issues ? { issues: this.issues } : {}) } };
  }
}

/** zod issues as data, paths with symbols (never produced by JSON) turned into strings. */
export function issuesOf(error: z.ZodError): IssueBody[] {
  return error.issues.map((issue) => ({
    path: issue.path.map((part) => (typeof part === 'number' ? part : String(part))),
    message: issue.message,
    code: issue.code,
  }));
}

/** `batch[3].messageId` for a message a person reads. */
export function formatPath(path: (string | number)[]): string {
  return path.map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`)).join('') || '(body)';
}

/** 400 with every zod issue, and the first few spelled out in the message. */
export function invalidBody(error: z.ZodError, what: string): HttpError {
  const issues = issuesOf(error);
  const shown = issues.slice(0, 3).map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
  const more = issues.length > 3 ? ` (and ${issues.length - 3} more in "issues")` : '';
  return new HttpError(400, 'invalid_request', `Invalid ${what}: ${shown.join('; ')}${more}. See GET /openapi.json for the schema.`, issues);
}
