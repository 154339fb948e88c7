// A lean JSON-over-HTTP client for load generation: keep-alive sockets, no retries, the status
// and parsed body back (fetch costs more CPU per call, and the load runs on the same 2 cores).
import { Agent, request } from 'node:http';

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
}

export interface ApiClient {
  post<T = unknown>(path: string, body: unknown): Promise<ApiResponse<T>>;
  get<T = unknown>(path: string): Promise<ApiResponse<T>>;
  close(): void;
}

/** Calls `baseUrl` with `Authorization: Bearer <apiKey>` over at most `maxSockets` kept-alive sockets. */
export function createApiClient(baseUrl: string, apiKey: string, maxSockets = 64): ApiClient {
  const agent = new Agent({ keepAlive: true, maxSockets });
  const base = new URL(baseUrl);
  const call = <T>(method: string, path: string, body?: unknown) =>
    new Promise<ApiResponse<T>>((resolve, reject) => {
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const req = request(
        {
          agent,
          host: base.hostname,
          port: base.port,
          method,
          path,
          headers: {
            authorization: `Bearer ${apiKey}`,
            ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            try {
              parsed = text === '' ? null : JSON.parse(text);
            } catch {
              // Not JSON (an HTML page or a proxy error): hand back the text.
            }
            resolve({ status: res.statusCode ?? 0, body: parsed as T });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  return {
    post: (path, body) => call('POST', path, body),
    get: (path) => call('GET', path),
    close: () => agent.destroy(),
  };
}
