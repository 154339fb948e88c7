// The webhook step's HTTP exchange over node:http(s), with the request path sent exactly as
// rendered. fetch cannot do this: WHATWG URL parsing drops `.`/`..` segments even when they are
// percent-encoded (`/customers/%2E%2E/notes` becomes `/notes`), so a customer id of `..` would
// call another resource.
import { request as httpRequest, type Agent, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface RawTarget {
  /** `http://host[:port]` as WHATWG serialises it (lower-case host, punycode, no default port). */
  origin: string;
  /** Path and query as they go on the request line: never re-normalised. */
  path: string;
}

/** Characters that may not stand as they are in a request target (and `\`, which WHATWG reads as `/`). */
const UNSAFE = /[^\x21-\x7e]|["<>\\^`{|}]/gu;

/**
 * Splits an absolute http(s) URL into its origin and its request target, keeping every path
 * segment as written (`%2E%2E` stays `%2E%2E`). Unsafe characters are percent-encoded as UTF-8;
 * the fragment is dropped. Null for a URL that is not `http(s)://host/...` or has credentials.
 */
export function rawTarget(url: string): RawTarget | null {
  const trimmed = url.trim();
  const authority = /^https?:\/\/[^/?#\\]+/iu.exec(trimmed);
  if (!authority) return null;
  let parsed: URL;
  try {
    parsed = new URL(authority[0]);
  } catch {
    return null;
  }
  if (parsed.username !== '' || parsed.password !== '') return null;
  let rest = trimmed.slice(authority[0].length);
  const hash = rest.indexOf('#');
  if (hash >= 0) rest = rest.slice(0, hash);
  rest = rest.replace(UNSAFE, percentEncoded);
  return { origin: parsed.origin, path: rest.startsWith('/') ? rest : `/${rest}` };
}

/** `é` → `%C3%A9`; a lone surrogate becomes U+FFFD's bytes, as Buffer writes it. */
function percentEncoded(text: string): string {
  return [...Buffer.from(text, 'utf8')].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('');
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body as UTF-8, up to `maxBytes`. */
  text: string;
}

/**
 * One request, no redirects followed. Rejects on network failure (the error keeps Node's
 * `code`, e.g. ECONNREFUSED) or when `signal` aborts, before or while the body is read.
 */
export function exchange(
  url: string,
  init: { method: string; headers: Record<string, string>; body: string; signal: AbortSignal; maxBytes: number; agents?: { 'http:': Agent; 'https:': Agent } },
): Promise<RawResponse> {
  const target = rawTarget(url);
  if (!target) return Promise.reject(new TypeError(`"${url}" is not an http(s) URL without credentials`));
  const { protocol, hostname, port } = new URL(target.origin);
  const send = protocol === 'https:' ? httpsRequest : httpRequest;
  const body = Buffer.from(init.body, 'utf8');
  return new Promise((resolve, reject) => {
    const request = send(
      {
        protocol,
        // `[::1]` in a URL, `::1` for the socket.
        hostname: hostname.replace(/^\[(.*)\]$/u, '$1'),
        port: port === '' ? undefined : Number(port),
        path: target.path,
        method: init.method,
        headers: { ...init.headers, 'content-length': String(body.length) },
        signal: init.signal,
        // The guarded agents (net/agents.ts) check the address each connection resolves to.
        ...(init.agents ? { agent: init.agents[protocol === 'https:' ? 'https:' : 'http:'] } : {}),
      },
      (response) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        response.on('data', (chunk: Buffer) => {
          if (kept < init.maxBytes) chunks.push(chunk.subarray(0, init.maxBytes - kept));
          kept += chunk.length;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, text: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}
