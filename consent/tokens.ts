// Signed unsubscribe tokens: who (customer), which channel, from which message, when issued;
// HMAC-SHA256 over the payload so a changed customer id or channel is refused.
import { z } from 'zod';
import { ChannelSchema, type Channel } from '../dsl/schema';
import { signToken, verifyToken } from './signed-token';

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

/** `<base64url(JSON payload)>.<base64url(HMAC)>`: URL-safe, no padding. */
export function signUnsubscribeToken(secret: string, claims: Omit<UnsubscribeClaims, 'issuedAt'> & { issuedAt?: string }): string {
  const issued = claims.issuedAt === undefined ? Date.now() : Date.parse(claims.issuedAt);
  const body = { c: claims.customerId, ch: claims.channel, ...(claims.messageKey ? { k: claims.messageKey } : {}), iat: Math.floor(issued / 1000) };
  return signToken(secret, PURPOSE, body);
}

/** The claims of a token this secret signed, or null for anything else (tampered, truncated, foreign). */
export function verifyUnsubscribeToken(secret: string, token: string): UnsubscribeClaims | null {
  const parsed = verifyToken(secret, PURPOSE, token, PayloadSchema);
  if (parsed === null) return null;
  const { c, ch, k, iat } = parsed;
  return { customerId: c, channel: ch, ...(k === undefined ? {} : { messageKey: k }), issuedAt: new Date(iat * 1000).toISOString() };
}
