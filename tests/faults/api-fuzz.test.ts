// Bad input fuzzed at a running `touchpoint start` (its own process): malformed JSON, wrong
// types, huge bodies, deep nesting and every kind of Unicode at /v1/track, /v1/identify and
// /v1/batch, and junk at every other route. Each answer is a 2xx or a 4xx with the JSON error
// body, never a 5xx or a crash, and /healthz answers 200 after every batch of requests.
import fc from 'fast-check';
import { FOUND_BEFORE, fuzzRequest, type FuzzRequest } from './support/fuzz-requests';
import { send, type RawRequest } from './support/raw-http';
import { seeded } from './support/seeded';
import { ADMIN_KEY, startTouchpointProcess, type TouchpointProcess } from './support/touchpoint-process';

const RUNS = 100;

const isErrorBody = (body: unknown): boolean =>
  typeof body === 'object' && body !== null && 'error' in body && typeof body.error === 'object' && body.error !== null &&
  'code' in body.error && typeof body.error.code === 'string' && 'message' in body.error && typeof body.error.message === 'string';

const raw = (request: FuzzRequest): RawRequest => ({
  method: request.method,
  path: request.path,
  headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(request.contentType === null ? {} : { 'content-type': request.contentType }) },
  body: request.body,
});

const shown = (request: FuzzRequest) =>
  `${request.kind}: ${request.method} ${request.path.slice(0, 120)} (${request.contentType ?? 'no content type'}) ${JSON.stringify((request.body ?? '').slice(0, 300))}`;

describe('bad input fuzzed at the API of a running Touchpoint', () => {
  let touchpoint: TouchpointProcess | undefined;
  beforeAll(async () => {
    touchpoint = await startTouchpointProcess();
  }, 180_000);
  afterAll(async () => {
    await touchpoint?.stop();
  }, 60_000);

  test('always a 2xx or a 4xx with a JSON error, never a 5xx or a crash; the process keeps serving', async () => {
    const { url, process: child } = touchpoint!;
    const { seed } = seeded();
    const statuses = new Map<number | string, number>();
    const kinds = new Map<string, number>();
    const count = <K>(map: Map<K, number>, key: K) => map.set(key, (map.get(key) ?? 0) + 1);
    const tail = () => child.output().split('\n').slice(-15).join('\n');

    // fc.check, not fc.assert: a failing request is reported by `shown` (truncated), never dumped whole.
    const result = await fc.check(
      fc.asyncProperty(fc.array(fuzzRequest, { minLength: 1, maxLength: 8 }), async (requests) => {
        for (const request of requests) {
          const answer = await send(url, raw(request));
          // A connection cut while a refused body was still going out is a refusal too; a crash shows at /healthz below.
          count(statuses, answer.reset ? 'cut mid-body' : answer.status);
          count(kinds, request.kind);
          if (!answer.reset && (answer.status === 0 || answer.status >= 500)) {
            throw new Error(`${shown(request)}\n→ ${answer.status} ${answer.text.slice(0, 500)}\nTouchpoint's last output:\n${tail()}`);
          }
          if (answer.status >= 400 && answer.contentType.startsWith('application/json')) {
            const body: unknown = JSON.parse(answer.text);
            if (!isErrorBody(body)) throw new Error(`${shown(request)}\n→ ${answer.status} without the { error: { code, message } } body: ${answer.text.slice(0, 300)}`);
          }
        }
        const health = await send(url, { method: 'GET', path: '/healthz', headers: {}, body: null });
        if (health.status !== 200 || !child.alive()) throw new Error(`after the batch, /healthz → ${health.status} ${health.text}; alive: ${child.alive()}\n${tail()}`);
      }),
      { numRuns: RUNS, seed, endOnFailure: true, examples: [[FOUND_BEFORE]] },
    );
    if (result.failed) {
      const why = result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance);
      throw new Error(`API fuzz failed (seed ${seed}, FAULTS_SEED=${seed} repeats it) after ${result.numRuns} batches:\n${why.slice(0, 3_000)}`);
    }

    const total = [...kinds.values()].reduce((a, b) => a + b, 0);
    const list = (map: Map<string | number, number>) => [...map].sort(([a], [b]) => String(a).localeCompare(String(b))).map(([key, n]) => `${key} ×${n}`).join(', ');
    console.log(`faults: API fuzz, ${total} bad requests in ${RUNS} batches (seed ${seed}) → 0 × 5xx, 0 crashes, /healthz 200 after each batch; statuses ${list(statuses)}; kinds ${list(kinds)}`);
  }, 600_000);
});
