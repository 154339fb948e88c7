// An HTTP client for bad requests: exact headers and bytes (no content type added, any method),
// a connection of its own per request, and a fair reading of servers that refuse a body early.
import { once } from 'node:events';
import { request as httpRequest } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

export interface RawRequest {
  method: string;
  /** Path and query, appended to the base URL as they are. */
  path: string;
  headers: Record<string, string>;
  body: string | null;
}

export interface Answer {
  /** 0 when no answer came. */
  status: number;
  contentType: string;
  text: string;
  /** The server closed the connection while the body was being sent, and gave no answer the client could read. */
  reset: boolean;
}

const RESETS = /EPIPE|ECONNRESET|socket hang up/;

/**
 * Send once; if the server cut the connection while the body was going out, send again with the
 * headers first, waiting up to `earlyAnswerMs` for an answer before the body: a server refusing a
 * body from its headers alone (413, 404, 415) answers then, and a client already writing would
 * otherwise only see EPIPE.
 */
export async function send(baseUrl: string, request: RawRequest, earlyAnswerMs = 5_000): Promise<Answer> {
  const first = await attempt(baseUrl, request, 0);
  if (first.status !== 0 || !RESETS.test(first.text)) return first;
  const second = await attempt(baseUrl, request, earlyAnswerMs);
  return second.status === 0 && RESETS.test(second.text) ? { ...second, reset: true } : second;
}

async function attempt(baseUrl: string, request: RawRequest, earlyAnswerMs: number): Promise<Answer> {
  const body = request.body === null ? null : Buffer.from(request.body);
  const headers = { ...request.headers, ...(body ? { 'content-length': String(body.length) } : {}) };
  let failed = false;
  // A connection of its own: one left with half a body would swallow the next request.
  const outgoing = httpRequest(`${baseUrl}${request.path}`, { method: request.method, headers, timeout: 30_000, agent: false });
  const answer = new Promise<Answer>((resolve) => {
    outgoing.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', () => undefined);
      response.on('close', () =>
        resolve({ status: response.statusCode ?? 0, contentType: response.headers['content-type'] ?? '', text: Buffer.concat(chunks).toString('utf8'), reset: false }),
      );
    });
    outgoing.on('error', (error) => {
      failed = true;
      resolve({ status: 0, contentType: '', text: `no answer: ${error.message}`, reset: false });
    });
  });
  outgoing.on('timeout', () => outgoing.destroy(new Error('no answer within 30 s')));
  let answered = false;
  void answer.then(() => (answered = true));
  outgoing.flushHeaders();
  if (body && earlyAnswerMs > 0) await Promise.race([answer, sleep(earlyAnswerMs, undefined, { ref: false })]);
  for (let offset = 0; body && offset < body.length && !answered && !failed; offset += 65_536) {
    if (!outgoing.write(body.subarray(offset, offset + 65_536))) await Promise.race([once(outgoing, 'drain'), answer]);
  }
  if (answered) outgoing.destroy();
  else if (!failed) outgoing.end();
  return answer;
}
