// Signed click tokens carried in push payloads: the service worker posts one back when the
// customer clicks, and only a token Touchpoint signed becomes a `push.clicked` event.
import { z } from 'zod';
import { signToken, verifyToken } from '../../consent/signed-token';

/** What a click token says: which message (and so which customer, journey and step) was clicked. */
export interface PushClick {
  messageKey: string;
  customerId: string;
  journeyId: string;
  stepId: string;
}

// Short keys: the whole push payload must fit in about 4 KB once encrypted.
const ClaimsSchema = z.object({ v: z.literal(1), m: z.string().min(1), c: z.string().min(1), j: z.string().min(1), s: z.string().min(1) });

// The purpose is part of the MAC input, so a token signed for another feature (e.g. an
// unsubscribe link) with the same secret is never accepted here.
const PURPOSE = 'touchpoint.push-click.v1';

/** `<base64url(claims JSON)>.<base64url(HMAC-SHA256)>`. */
export function signPushClick(secret: string, click: PushClick): string {
  return signToken(secret, PURPOSE, { v: 1, m: click.messageKey, c: click.customerId, j: click.journeyId, s: click.stepId });
}

/** The click a token names, or null when it was not signed with `secret` or was altered. */
export function verifyPushClick(secret: string, token: string): PushClick | null {
  const claims = verifyToken(secret, PURPOSE, token, ClaimsSchema);
  if (claims === null) return null;
  return { messageKey: claims.m, customerId: claims.c, journeyId: claims.j, stepId: claims.s };
}
