// The HTTP POST of one push message (RFC 8030) over Node's own http/https with keep-alive
// agents: the request web-push's sendNotification makes (https.request), over either scheme so
// local push services (tests, dev) take the production path. fetch (undici) costs about four
// times the CPU per request here (~360-480 µs against ~75-100 µs, client and server together,
// measured on a loopback service), which a sender of thousands of pushes per second pays per message.
// Connections go through guarded agents (net/agents.ts): only to public addresses, or to the
// private targets PUSH_ALLOWED_PRIVATE_TARGETS names, checked on every new connection.
import http from 'node:http';
import https from 'node:https';
import type { GuardedAgents } from '../../net/agents';

export interface PushHttpResponse {
  status: number;
  /** A response header, or null (names are case-insensitive). */
  header(name: string): string | null;
}

/** Raised when the push service gave no full answer within `timeoutMs`. */
export class PushTimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

/**
 * POST `body` (none: an empty body) to `endpoint` over `agents` (connections stay open between
 * messages to the same push service: one TLS handshake, not one per push); rejects on a network
 * error (its `code`, e.g. ECONNREFUSED; ETARGETREFUSED for an address the agents refuse) or
 * after `timeoutMs` in all.
 */
export function postPush(agents: GuardedAgents, endpoint: string, headers: Record<string, string>, body: Buffer | null, timeoutMs: number): Promise<PushHttpResponse> {
  const bytes = body ?? Buffer.alloc(0);
  const url = new URL(endpoint);
  const agent = url.protocol === 'https:' ? agents['https:'] : url.protocol === 'http:' ? agents['http:'] : null;
  if (!agent) return Promise.reject(new Error(`a push endpoint must be http(s), not ${url.protocol}`));
  const send = url.protocol === 'https:' ? https.request : http.request;
  return new Promise((resolve, reject) => {
    const request = send(url, { method: 'POST', agent, headers: { ...headers, 'Content-Length': String(bytes.length) } }, (response) => {
      // The body is read to the end (so the connection can be reused) and dropped: a push
      // service's reply text is not ours to keep (it may echo the endpoint or request); the status says enough.
      response.resume();
      response.on('end', () => {
        clearTimeout(timer);
        resolve({ status: response.statusCode ?? 0, header: (name) => headerText(response.headers[name.toLowerCase()]) });
      });
      response.on('error', fail);
    });
    const timer = setTimeout(() => request.destroy(new PushTimeoutError(`no answer from ${url.origin} within ${timeoutMs} ms`)), timeoutMs);
    function fail(error: Error): void {
      clearTimeout(timer);
      reject(error);
    }
    request.on('error', fail);
    request.end(bytes);
  });
}

function headerText(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(', ') : value;
}
