// API keys with roles: `Authorization: Bearer <key>`, or HTTP Basic with the key as user name and
// an empty password (how Segment's libraries send a write key). Compared in constant time against
// every key; a hook may require roles, and the matched key's name and role land on the request.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Role } from '../support/types';
import { authFailuresFor, tooManyFailures, type AuthFailures } from './auth-failures';
import { HttpError } from './http-error';

/** A configured key: the secret, a name for the audit log, and what it may do. */
export interface ApiKey {
  key: string;
  name: string;
  role: Role;
}

/** The key a request was authenticated with (never the secret). */
export interface AuthenticatedKey {
  name: string;
  role: Role;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by bearerAuth once the request's key matched. */
    apiKey?: AuthenticatedKey;
  }
}

export const ROLES: readonly Role[] = ['ingest', 'browser', 'support', 'admin'];

/** Roles that may send events. A browser key is public (it sits in a web page): it is let in only where a route lists it. */
export const SENDER_ROLES: readonly Role[] = ['ingest', 'admin', 'browser'];

const HOW_TO_GET_A_KEY =
  'Send `Authorization: Bearer <key>` (or HTTP Basic with the key as user name and an empty password, as Segment libraries do). Keys are set on the Touchpoint server in TOUCHPOINT_API_KEYS (comma-separated); ' +
  'without it, `npm start` generates one and prints it. Ask whoever runs Touchpoint for a key.';

const digest = (text: string) => createHash('sha256').update(text).digest();

/** A plain string key is an admin key named `key-<n>` (its 1-based position). */
export function toApiKey(key: string | ApiKey, index: number): ApiKey {
  return typeof key === 'string' ? { key, name: `key-${index + 1}`, role: 'admin' } : key;
}

export interface BearerAuthOptions {
  /** Roles allowed through; others get 403. @default every role but `browser` */
  roles?: readonly Role[];
  /** What the routes do, for the 403 message ("read customers and runs"). @default 'use these routes' */
  purpose?: string;
  /** Where wrong keys are counted per client address (429 once over the limit). @default one count shared by every user of the same key list */
  failures?: AuthFailures;
}

/**
 * An onRequest hook that rejects requests without one of `apiKeys` (401) or with a key of another
 * role (403), and every request from an address that sent too many wrong keys (429, Retry-After).
 */
export function bearerAuth(apiKeys: readonly (string | ApiKey)[], options: BearerAuthOptions = {}): (request: FastifyRequest) => Promise<void> {
  const match = keyMatcher(apiKeys);
  const roles = options.roles ?? ROLES.filter((role) => role !== 'browser');
  const failures = options.failures ?? authFailuresFor(apiKeys);
  return async (request) => {
    const wait = await failures.blockedFor(request.ip);
    if (wait !== null) throw tooManyFailures(wait);
    const header = request.headers.authorization;
    // A request without any key guesses nothing: only a key that does not match counts.
    if (!header) throw unauthorized('No API key.');
    let found: AuthenticatedKey | null;
    try {
      found = match(presentedKey(header));
      if (!found) throw unauthorized('This API key is not valid.');
    } catch (error) {
      const over = await failures.fail(request.ip);
      throw over === null ? error : tooManyFailures(over);
    }
    request.apiKey = { name: found.name, role: found.role };
    if (!roles.includes(found.role)) {
      throw new HttpError(
        403,
        'forbidden',
        `API key "${found.name}" has role ${found.role}, which may not ${options.purpose ?? 'use these routes'}; ` +
          `it needs a key with role ${roles.join(' or ')}. Roles are set in TOUCHPOINT_API_KEYS as name:role:key.`,
      );
    }
  };
}

/** A lookup of a presented key among `apiKeys`, constant time over every key. */
export function keyMatcher(apiKeys: readonly (string | ApiKey)[]): (candidate: string) => AuthenticatedKey | null {
  // Hashing gives equal-length buffers, so timingSafeEqual never leaks a key's length.
  const keys = apiKeys.map(toApiKey).filter((k) => k.key !== '').map((k) => ({ digest: digest(k.key), name: k.name, role: k.role }));
  return (candidate) => {
    const given = digest(candidate);
    let found: AuthenticatedKey | null = null;
    for (const key of keys) if (timingSafeEqual(key.digest, given) && !found) found = { name: key.name, role: key.role };
    return found;
  };
}

/**
 * The key an Authorization header carries: `Bearer <key>`, or `Basic base64(<key>:)` (Segment's
 * libraries: the write key as user name, no password). Throws 401 naming what is wrong with it.
 */
export function presentedKey(header: string): string {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (bearer?.[1]) return bearer[1];
  const basic = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header);
  if (!basic?.[1]) throw unauthorized('The Authorization header is neither "Bearer <key>" nor HTTP Basic.');
  const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const [user, password] = colon < 0 ? [decoded, ''] : [decoded.slice(0, colon), decoded.slice(colon + 1)];
  if (password !== '') throw unauthorized('HTTP Basic takes the API key as the user name and an empty password; this one has a password.');
  if (user === '') throw unauthorized('The HTTP Basic user name (the API key) is empty.');
  return user;
}

function unauthorized(what: string): HttpError {
  return new HttpError(401, 'unauthorized', `${what} ${HOW_TO_GET_A_KEY}`, undefined, { 'www-authenticate': 'Bearer' });
}
