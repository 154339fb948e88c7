// Bearer API keys: `Authorization: Bearer <key>`, compared in constant time against every key.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { HttpError } from './http-error';

const HOW_TO_GET_A_KEY =
  'Send `Authorization: Bearer <key>`. Keys are set on the Touchpoint server in TOUCHPOINT_API_KEYS (comma-separated); ' +
  'without it, `npm start` generates one and prints it. Ask whoever runs Touchpoint for a key.';

const digest = (text: string) => createHash('sha256').update(text).digest();

/** An onRequest hook that rejects requests without one of `apiKeys`. */
export function bearerAuth(apiKeys: readonly string[]): (request: FastifyRequest) => Promise<void> {
  // Hashing gives equal-length buffers, so timingSafeEqual never leaks a key's length.
  const keys = apiKeys.filter((key) => key !== '').map(digest);
  return async (request) => {
    const header = request.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match?.[1]) throw unauthorized(header ? 'The Authorization header is not "Bearer <key>".' : 'No API key.');
    const candidate = digest(match[1]);
    let ok = false;
    for (const key of keys) ok = timingSafeEqual(key, candidate) || ok;
    if (!ok) throw unauthorized('This API key is not valid.');
  };
}

function unauthorized(what: string): HttpError {
  return new HttpError(401, 'unauthorized', `${what} ${HOW_TO_GET_A_KEY}`, undefined, { 'www-authenticate': 'Bearer' });
}
