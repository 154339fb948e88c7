// Signed click tokens carried in push payloads: the service worker posts one back when the
// customer clicks, and only a token Touchpoint signed becomes a `push.clicked` event.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

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
const mac = (secret: string, payload: string) => createHmac('sha256', secret).update(`touchpoint.push-click.v1\n${payload}`).digest();

/** `<base64url(claims JSON)>.<base64url(HMAC-SHA256)>`. */
export function signPushClick(secret: string, click: PushClick): string {
  const payload = Buffer.from(JSON.stringify({ v: 1, m: click.messageKey, c: click.customerId, j: click.journeyId, s: click.stepId })).toString('base64url');
  return `${payload}.${mac(secret, payload).toString('base64url')}`;
}

/** The click a token names, or null when it was not signed with `secret` or was altered. */
export function verifyPushClick(secret: string, token: string): PushClick | null {
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined) return null;
  // Buffer.from skips characters outside the alphabet: refuse them, so one token has one spelling.
  if (!/^[A-Za-z0-9_-]+$/.test(payload) || !/^[A-Za-z0-9_-]+$/.test(signature)) return null;
  const given = Buffer.from(signature, 'base64url');
  const expected = mac(secret, payload);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  const claims = ClaimsSchema.safeParse(json);
  if (!claims.success) return null;
  return { messageKey: claims.data.m, customerId: claims.data.c, journeyId: claims.data.j, stepId: claims.data.s };
}
