// What Segment's own libraries need to talk to Touchpoint unchanged: the one-letter paths
// analytics.js posts to (/v1/t, /v1/i, …, /v1/b), its JSON bodies sent as text/plain, CORS for
// pages on other origins, and the settings analytics.js fetches from its CDN address.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { tooManyFailures, type AuthFailures } from './auth-failures';
import { HttpError } from './http-error';

/**
 * analytics.js posts each call to `<apiHost>/<first letter of its type>` and batches to
 * `<apiHost>/b` (node_modules/@segment/analytics-next/src/plugins/segmentio); with an apiHost of
 * `<touchpoint>/v1` these become our routes.
 */
const SHORT_PATHS: Record<string, string> = {
  t: 'track',
  i: 'identify',
  p: 'page',
  s: 'screen',
  g: 'group',
  a: 'alias',
  b: 'batch',
};

/** For Fastify's `rewriteUrl`: `/v1/t?x` → `/v1/track?x`; any other URL as it is. */
export function segmentShortPath(url: string): string {
  const match = /^\/v1\/([a-z])(?=$|\?)/.exec(url);
  const long = match ? SHORT_PATHS[match[1]!] : undefined;
  return long ? `/v1/${long}${url.slice(match![0].length)}` : url;
}

/** Routes a browser calls from another origin: the Segment Spec calls and the settings. */
const SEGMENT_ROUTES = new Set(['identify', 'track', 'page', 'screen', 'group', 'alias', 'batch'].map((type) => `/v1/${type}`));
const SETTINGS_ROUTE = '/v1/projects/:writeKey/settings';

function isBrowserRoute(request: FastifyRequest): boolean {
  const path = request.url.split('?')[0]!;
  return SEGMENT_ROUTES.has(path) || /^\/v1\/projects\/[^/]+\/settings$/.test(path);
}

/**
 * CORS for the browser routes only. The answer is `*` without credentials: requests carry a key in
 * the Authorization header, never a cookie, so any page may send events with a (browser) key it
 * holds. Retry-After is exposed so analytics.js can honour a 429.
 */
export function registerSegmentCors(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply) => {
    if (!isBrowserRoute(request)) return;
    reply.header('access-control-allow-origin', '*').header('access-control-expose-headers', 'retry-after');
  });
  for (const path of [...SEGMENT_ROUTES, SETTINGS_ROUTE]) {
    app.options(path, async (request, reply) => {
      const asked = request.headers['access-control-request-headers'];
      return reply
        .code(204)
        .header('access-control-allow-methods', path === SETTINGS_ROUTE ? 'GET' : 'POST')
        // Authorization is never covered by a `*`: name the headers the page asked for.
        .header('access-control-allow-headers', typeof asked === 'string' && /^[\w\s,-]*$/.test(asked) ? asked : 'authorization, content-type')
        .header('access-control-max-age', '7200')
        .send();
    });
  }
}

/**
 * analytics.js sends its JSON as `Content-Type: text/plain` (a "simple" request type). Register in
 * the scope of the event routes: text that is a JSON object is parsed as JSON would be; anything
 * else keeps the 415 every other text body gets.
 */
export function acceptTextPlainJson(scope: FastifyInstance): void {
  const json = scope.getDefaultJsonParser('error', 'error');
  scope.addContentTypeParser('text/plain', { parseAs: 'string' }, (request, body, done) => {
    const text = String(body);
    if (!/^\s*\{/.test(text)) {
      return done(new HttpError(415, 'unsupported_media_type', 'Send the body as JSON with `Content-Type: application/json` (analytics.js\'s JSON sent as text/plain is accepted too).'), undefined);
    }
    json(request, text, done);
  });
}

export interface SegmentSettingsOptions {
  /** Touchpoint's address as browsers reach it (PUBLIC_URL). @default the request's own protocol and Host */
  publicUrl?: string;
  /** Whether `writeKey` is a key that may send events; false answers 404 as Segment's CDN does. */
  mayLoad: (writeKey: string) => boolean;
  /** Unknown write keys count as wrong keys of the client address (the same count as the API's). */
  failures: AuthFailures;
}

/**
 * `GET /v1/projects/<writeKey>/settings`: what analytics.js loads from `cdnURL` before anything
 * else. It points the Segment.io destination (analytics.js's sender) at Touchpoint's /v1 and turns
 * off the metrics analytics.js would otherwise send to Segment.
 */
export function registerSegmentSettings(app: FastifyInstance, options: SegmentSettingsOptions): void {
  app.get<{ Params: { writeKey: string } }>(SETTINGS_ROUTE, async (request, reply) => {
    const { writeKey } = request.params;
    const wait = await options.failures.blockedFor(request.ip);
    if (wait !== null) throw tooManyFailures(wait);
    if (!options.mayLoad(writeKey)) {
      const over = await options.failures.fail(request.ip);
      if (over !== null) throw tooManyFailures(over);
      throw new HttpError(404, 'unknown_write_key', 'No key that may send events has this write key. Use a browser key (role browser) from TOUCHPOINT_API_KEYS as the write key.');
    }
    const base = new URL(options.publicUrl ?? `${request.protocol}://${request.host}`);
    const apiHost = `${base.host}${base.pathname.replace(/\/+$/, '')}/v1`;
    reply.header('cache-control', 'private, max-age=300');
    return {
      integrations: {
        'Segment.io': { apiKey: writeKey, apiHost, protocol: base.protocol === 'https:' ? 'https' : 'http' },
      },
      metrics: { sampleRate: 0 },
      remotePlugins: [],
    };
  });
}
