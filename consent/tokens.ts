// Signed unsubscribe tokens: who (customer), which channel, from which message, when issued;
// HMAC-SHA256 over the payload so a changed customer id or channel is refused.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { ChannelSchema, type Channel } from '../dsl/schema';

/** Binds the signature to this use: a token signed for something else never passes as an unsubscribe token. */
const PURPOSE = 'touchpoint.unsubscribe.v1';

export interface UnsubscribeClaims {
  customerId: string;
  channel: Channel;
  /** The message the link was in, for the consent history. */
  messageKey?: string;
  /** When the token was made, ISO. */
  issuedAt: string;
}

const PayloadSchema = z.strictObject({
  c: z.string().min(1),
  ch: ChannelSchema,
  k: z.string().min(1).optional(),
  iat: z.number().int().nonnegative(),
});

function signature(secret: string, payload: string): Buffer {
  return createHmac('sha256', secret).update(`${PURPOSE}.${payload}`).digest();
}

/** `<base64url(JSON payload)>.<base64url(HMAC)>`: URL-safe, no padding. */
export function signUnsubscribeToken(secret: string, claims: Omit<UnsubscribeClaims, 'issuedAt'> & { issuedAt?: string }): string {
  const issued = claims.issuedAt === undefined ? Date.now() : Date.parse(claims.issuedAt);
  const body = { c: claims.customerId, ch: claims.channel, ...(claims.messageKey ? { k: claims.messageKey } : {}), iat: Math.floor(issued / 1000) };
  const payload = Buffer.from(JSON.stringify(body)).toString('base64url');
  return `${payload}.${signature(secret, payload).toString('base64url')}`;
}

/** The claims of a token this secret signed, or null for anything else (tampered, truncated, foreign). */
export function verifyUnsubscribeToken(secret: string, token: string): UnsubscribeClaims | null {
  const parts = token.split('.');
  if (parts.length !== 2) return null;
  const [payload = '', signed = ''] = parts;
  if (!/^[A-Za-z0-9_-]+$/.test(payload) || !/^[A-Za-z0-9_-]+$/.test(signed)) return null;
  // Compared as canonical text: base64url decoding ignores the last character's spare bits,
  // which would let two different strings pass for one signature.
  const expected = Buffer.from(signature(secret, payload).toString('base64url'));
  const given = Buffer.from(signed);
  // Constant time: the comparison must not tell an attacker how many leading bytes were right.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  const parsed = PayloadSchema.safeParse(decoded);
  if (!parsed.success) return null;
  const { c, ch, k, iat } = parsed.data;
  return { customerId: c, channel: ch, ...(k === undefined ? {} : { messageKey: k }), issuedAt: new Date(iat * 1000).toISOString() };
}
