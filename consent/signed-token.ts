// Signed tokens for links we hand out (unsubscribe, push clicks, ...): a JSON payload and an
// HMAC-SHA256 over it, bound to a purpose so a token made for one use never passes for another.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { z } from 'zod';

const BASE64URL = /^[A-Za-z0-9_-]+$/;

function mac(secret: string, purpose: string, payload: string): string {
  return createHmac('sha256', secret).update(`${purpose}.${payload}`).digest('base64url');
}

/** `<base64url(JSON payload)>.<base64url(HMAC)>`: URL-safe, no padding. */
export function signToken(secret: string, purpose: string, body: unknown): string {
  const payload = Buffer.from(JSON.stringify(body)).toString('base64url');
  return `${payload}.${mac(secret, purpose, payload)}`;
}

/** The payload of a token `secret` signed for `purpose`, valid per `schema`; null for anything else. */
export function verifyToken<T extends z.ZodType>(secret: string, purpose: string, token: string, schema: T): z.output<T> | null {
  const parts = token.split('.');
  if (parts.length !== 2) return null;
  const [payload = '', signed = ''] = parts;
  if (!BASE64URL.test(payload) || !BASE64URL.test(signed)) return null;
  // Compared as canonical text: base64url decoding ignores the last character's spare bits,
  // which would let two different strings pass for one signature. Constant time, so the
  // comparison does not tell an attacker how many leading characters were right.
  const expected = Buffer.from(mac(secret, purpose, payload));
  const given = Buffer.from(signed);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  const parsed = schema.safeParse(decoded);
  return parsed.success ? parsed.data : null;
}
