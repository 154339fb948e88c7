// Inspector sessions: a signed cookie naming the support key that signed in (never the key
// itself), and a CSRF token per session, HMAC of its id, that every POST form carries.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { signToken, verifyToken } from '../consent/signed-token';
import type { Role } from '../support/types';

export const SESSION_COOKIE = 'touchpoint_inspector';
export const SESSION_PURPOSE = 'touchpoint.inspector-session.v1';
const CSRF_PURPOSE = 'touchpoint.inspector-csrf.v1';
/** A working day: long enough for a shift, short enough that a forgotten laptop stops working. */
export const SESSION_SECONDS = 8 * 60 * 60;

const SessionSchema = z.object({
  sid: z.string().min(16),
  name: z.string().min(1),
  role: z.enum(['ingest', 'browser', 'support', 'admin']),
  /** Expiry, milliseconds since the epoch. */
  exp: z.number().int(),
});
export type Session = z.output<typeof SessionSchema>;

export interface InspectorKey {
  key: string;
  name: string;
  role: Role;
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/** The configured key matching `candidate` (constant time over every key), or null. */
export function findKey(keys: readonly InspectorKey[], candidate: string): InspectorKey | null {
  const given = digest(candidate);
  let found: InspectorKey | null = null;
  for (const entry of keys) {
    if (entry.key !== '' && timingSafeEqual(digest(entry.key), given) && !found) found = entry;
  }
  return found;
}

export function newSession(key: InspectorKey, now: number): Session {
  return { sid: randomBytes(18).toString('base64url'), name: key.name, role: key.role, exp: now + SESSION_SECONDS * 1000 };
}

export function sessionToken(secret: string, session: Session): string {
  return signToken(secret, SESSION_PURPOSE, session);
}

/**
 * The session in a cookie header, when signed by us, unexpired, and its key is still configured
 * with a role that may use the inspector (a key removed from the config ends its sessions).
 */
export function readSession(secret: string, keys: readonly InspectorKey[], cookieHeader: string | undefined, now: number): Session | null {
  const token = parseCookies(cookieHeader)[SESSION_COOKIE];
  if (!token) return null;
  const session = verifyToken(secret, SESSION_PURPOSE, token, SessionSchema);
  if (!session || session.exp <= now || !mayInspect(session.role)) return null;
  return keys.some((k) => k.name === session.name && k.role === session.role) ? session : null;
}

export function mayInspect(role: Role): boolean {
  return role === 'support' || role === 'admin';
}

export function csrfToken(secret: string, session: Session): string {
  return createHmac('sha256', secret).update(`${CSRF_PURPOSE}.${session.sid}`).digest('base64url');
}

export function csrfValid(secret: string, session: Session, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const expected = Buffer.from(csrfToken(secret, session));
  const actual = Buffer.from(given);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at < 0) continue;
    const name = part.slice(0, at).trim();
    if (name && !(name in cookies)) cookies[name] = part.slice(at + 1).trim();
  }
  return cookies;
}

/** Set-Cookie for a new session (`token`) or for signing out (`null`: expires it now). */
export function sessionCookie(token: string | null, secure: boolean): string {
  const parts = [`${SESSION_COOKIE}=${token ?? ''}`, 'Path=/inspector', 'HttpOnly', 'SameSite=Strict', `Max-Age=${token ? SESSION_SECONDS : 0}`];
  if (secure) parts.push('Secure');
  return parts.join('; ');
}
