// fast-check arbitraries for bad HTTP requests: bodies shaped like identify/track/batch with
// wrong types in any field, any JSON, malformed JSON, deep nesting, huge bodies, every kind of
// Unicode (NUL, lone surrogates, bidi marks, emoji), odd content types and odd paths.
import fc from 'fast-check';

export interface FuzzRequest {
  /** What kind of bad input this is, for the tally. */
  kind: string;
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  contentType: string | null;
  body: string | null;
}

/** Characters that broke or could break something: NUL, lone surrogates, BOM, bidi, JSON and HTML syntax. */
const nastyUnit = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  fc.constantFrom('\u0000', '\ud800', '\udfff', '\ufeff', '\u202e', '\u2028', '😀', 'é', '"', '\\', '{', '<', '%', '\n', '\u0085'),
);
export const nastyString = fc.string({ unit: nastyUnit, maxLength: 40 });

/** Any JSON value, strings and keys full of nasty characters. */
const anyJson = fc.jsonValue({ maxDepth: 4, stringUnit: nastyUnit });
const wrong = fc.oneof(anyJson, nastyString, fc.constantFrom(null, true, 0, -1, 1e308, '', [], {}));
const maybe = <T>(valid: fc.Arbitrary<T>) => fc.oneof({ weight: 2, arbitrary: valid }, { weight: 1, arbitrary: wrong });
const id = fc.stringMatching(/^[a-z0-9-]{1,20}$/);
const timestamp = fc.oneof(
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc.constantFrom('0000-01-01T00:00:00Z', '9999-12-31T23:59:59-14:00', '2025-02-30T10:00:00Z', '2025-01-01', '2025-01-01T10:00:00+25:00'),
);

const trackBody = fc.record(
  {
    type: maybe(fc.constant('track')),
    userId: maybe(id),
    event: maybe(fc.stringMatching(/^[a-z]{1,8}\.[a-z_]{1,10}$/)),
    messageId: maybe(id),
    properties: maybe(fc.dictionary(nastyString, anyJson, { maxKeys: 5 })),
    traits: maybe(fc.dictionary(nastyString, anyJson, { maxKeys: 5 })),
    context: maybe(fc.record({ traits: maybe(fc.dictionary(nastyString, anyJson, { maxKeys: 3 })) })),
    timestamp: maybe(timestamp),
  },
  { requiredKeys: [] },
);
const identifyBody = fc.record(
  { type: maybe(fc.constant('identify')), userId: maybe(id), messageId: maybe(id), traits: maybe(fc.dictionary(nastyString, anyJson, { maxKeys: 5 })), timestamp: maybe(timestamp) },
  { requiredKeys: [] },
);
const batchBody = fc.record({ batch: maybe(fc.array(fc.oneof(trackBody, identifyBody, wrong), { maxLength: 20 })) }, { requiredKeys: [] });

/** JSON text nested `depth` levels, as arrays or objects. */
const deep = fc.tuple(fc.integer({ min: 40, max: 200_000 }), fc.boolean()).map(([depth, arrays]) => (arrays ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)));

const json = (value: unknown) => JSON.stringify(value);
/** The kinds of body, each as JSON text. */
const bodies = fc.oneof(
  { weight: 4, arbitrary: fc.oneof(trackBody, identifyBody, batchBody).map((b) => ({ kind: 'wrong types', text: json(b) })) },
  { weight: 2, arbitrary: anyJson.map((b) => ({ kind: 'any JSON', text: json(b) })) },
  {
    weight: 2,
    arbitrary: fc.oneof(
      nastyString,
      fc.tuple(trackBody.map(json), fc.nat()).map(([text, cut]) => text.slice(0, cut % Math.max(text.length, 1))),
      trackBody.map((b) => `${json(b)}${'}'.repeat(3)}`),
      fc.constantFrom('', 'null', '[]', '\ufeff{}', '{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"x":1}}}', '{"userId":"a","userId":1}', '{"a":1e999999}', '{"a":-0}', '"\\ud800"'),
    ).map((text) => ({ kind: 'malformed JSON', text })),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(deep, fc.constantFrom('/', 'properties', 'traits', 'batch')).map(([nested, where]) => ({
      kind: 'deep nesting',
      text: where === '/' ? nested : where === 'batch' ? `{"batch":[{"type":"track","userId":"u","event":"a.b","messageId":"m","properties":{"d":${nested}}}]}` : `{"userId":"u","event":"a.b","messageId":"m","${where}":{"d":${nested}}}`,
    })),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.integer({ min: 100_000, max: 2_000_000 }), nastyUnit).map(([size, unit]) => ({
      kind: 'huge body',
      text: json({ userId: 'u', event: 'a.b', messageId: `huge-${size}`, properties: { blob: unit.repeat(Math.ceil(size / Math.max(unit.length, 1))) } }),
    })),
  },
);

const contentType = fc.oneof(
  { weight: 8, arbitrary: fc.constant('application/json') },
  { weight: 1, arbitrary: fc.constantFrom('application/json; charset=utf-8', 'application/json; charset=latin1', 'text/plain', 'application/x-www-form-urlencoded', 'application/octet-stream', 'multipart/form-data; boundary=x', 'application/json; x=') },
  { weight: 1, arbitrary: fc.constant(null) },
);

/** Every UTF-8 byte percent-encoded (encodeURIComponent refuses lone surrogates; UTF-8 turns them into U+FFFD). */
const percentEncoded = (text: string) => Array.from(Buffer.from(text, 'utf8'), (byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');
/** A path segment: encoded nasty text, or percent sequences that do not decode (or decode to a surrogate or NUL). */
const segment = fc.oneof(nastyString.map(percentEncoded), fc.constantFrom('%', '%E0%A4%A', '%zz', '%ED%A0%80', '%00', '..', '%2F', 'x'.repeat(300)));

/** The other routes of a running Touchpoint; `$` marks where junk goes. */
const OTHER_ROUTES: Array<[FuzzRequest['method'], string]> = [
  ['POST', '/v1/push-subscriptions'], ['DELETE', '/v1/push-subscriptions'], ['POST', '/push/clicks'],
  ['GET', '/u/$'], ['POST', '/u/$'], ['GET', '/t/c/$'], ['GET', '/t/o/$.gif'], ['GET', '/s/$'], ['POST', '/s/$'],
  ['POST', '/webhooks/twilio/status'], ['POST', '/webhooks/twilio/inbound'],
  ['GET', '/v1/customers/$'], ['POST', '/v1/customers/$/consent'], ['POST', '/v1/customers/$/exit-all'],
  ['GET', '/v1/runs?customer=$&pageSize=$&pageToken=$'], ['GET', '/v1/runs/$'], ['POST', '/v1/runs/$/exit'], ['GET', '/v1/audit?target=$&limit=$'],
  ['POST', '/inspector/login'], ['GET', '/inspector/customers/$'], ['GET', '/$'],
];
const otherRoute = fc.tuple(segment, fc.constantFrom(...OTHER_ROUTES));

/** One bad request: mostly at identify/track/batch, some at every other route. */
export const fuzzRequest: fc.Arbitrary<FuzzRequest> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.tuple(fc.constantFrom('/v1/track', '/v1/identify', '/v1/batch'), bodies, contentType).map(([path, body, type]) => ({
      kind: body.kind,
      method: 'POST' as const,
      path,
      contentType: type,
      body: body.text,
    })),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(otherRoute, bodies, contentType).map(([[junk, [method, path]], body, type]) => ({
      kind: 'other routes',
      method,
      path: path.split('$').join(junk),
      contentType: method === 'GET' ? null : type,
      body: method === 'GET' ? null : body.text,
    })),
  },
);

const post = (path: string, body: string, contentType: string | null = 'application/json'): FuzzRequest => ({ kind: 'found before', method: 'POST', path, contentType, body });
const get = (path: string): FuzzRequest => ({ kind: 'found before', method: 'GET', path, contentType: null, body: null });

/** Requests that once got a 5xx (or a body in another shape): every run sends them first. */
export const FOUND_BEFORE: FuzzRequest[] = [
  post('/v1/track', '{"userId":"u1","event":"a.b","messageId":"m1","traits":{"x":"a\\u0000b"}}'),
  post('/v1/track', '{"userId":"u\\u0000","event":"a.b","messageId":"m2"}'),
  post('/v1/track', '{"userId":"u1","event":"a.b","messageId":"m3","properties":{"k\\u0000":1,"s":"\\ud800"}}'),
  post('/v1/track', `{"userId":"u1","event":"a.b","messageId":"m4","properties":{"d":${'['.repeat(5_000)}${']'.repeat(5_000)}}}`),
  post('/v1/batch', '{"batch":[{"type":"track","userId":"u","event":"e.e","messageId":"b\\u0000"}]}'),
  post('/v1/identify', '{"userId":"u1","messageId":"m5","timestamp":"0000-01-01T00:00:00Z"}'),
  post('/v1/identify', '{"userId":"u1","messageId":"m6","timestamp":"9999-12-31T23:59:59-14:00"}'),
  post('/v1/customers/u1/consent', '{"channel":"email","status":"unsubscribed","reason":"r\\u0000"}'),
  get('/v1/customers/%00'),
  get('/v1/customers/%E0%A4%A'),
  get('/v1/runs/'),
];
