// Request schemas of the push routes: a browser PushSubscription checked at the edge, so the
// push channel can trust every stored endpoint and key.
import { ECDH } from 'node:crypto';
import { z } from 'zod';
import { UserIdSchema } from '../schemas';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** One issue per bad key (zod would otherwise report the format and the length of one mistake twice). */
const base64urlKey = (name: string, bytes: number, what: string, check?: { test: (bytes: Buffer) => boolean; message: string }) =>
  z.string({ error: `${name} is required: copy it from PushSubscription.toJSON().keys` }).superRefine((text, context) => {
    const fail = (message: string) => context.addIssue({ code: 'custom', message, input: text });
    if (!/^[A-Za-z0-9_-]+={0,2}$/.test(text)) return fail(`${name} must be base64url (as PushSubscription.toJSON() gives it)`);
    const decoded = Buffer.from(text, 'base64url');
    if (decoded.length !== bytes) return fail(`${name} must decode to ${bytes} bytes (${what}), got ${decoded.length}`);
    if (check && !check.test(decoded)) fail(check.message);
  });

export const EndpointSchema = z
  .string({ error: 'endpoint is required: the push service URL from PushSubscription.endpoint' })
  .max(2048, 'endpoint is at most 2048 characters')
  .refine((text) => {
    try {
      const url = new URL(text);
      // http only for a push service on this machine (tests, local development), and only when
      // PUSH_ALLOWED_PRIVATE_TARGETS names it (checked by the route, api/routes/push.ts).
      return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname));
    } catch {
      return false;
    }
  }, 'endpoint must be an https URL (http is accepted only for a local push service on 127.0.0.1/localhost that PUSH_ALLOWED_PRIVATE_TARGETS names)')
  .meta({ description: 'PushSubscription.endpoint: the push service URL for this browser.' });

export const PushSubscriptionRequestSchema = z
  .object({
    userId: UserIdSchema,
    subscription: z.object({
      endpoint: EndpointSchema,
      expirationTime: z.number().nullable().optional(),
      keys: z.object({
        p256dh: base64urlKey('p256dh', 65, 'an uncompressed P-256 public key', { test: isP256Point, message: 'p256dh is not a point on the P-256 curve' }),
        auth: base64urlKey('auth', 16, 'the auth secret'),
      }),
    }),
    userAgent: z.string().max(512, 'userAgent is at most 512 characters').optional(),
  })
  .meta({ description: "Store a browser's push subscription (PushSubscription.toJSON()) for a customer." });

export const PushUnsubscribeRequestSchema = z.object({ endpoint: EndpointSchema }).meta({ description: 'Remove the push subscription with this endpoint.' });

export const PushClickRequestSchema = z.object({ token: z.string({ error: 'token is required: the click token from the push payload' }).min(1).max(2048) });

function isP256Point(point: Buffer): boolean {
  if (point.length !== 65 || point[0] !== 0x04) return false;
  try {
    ECDH.convertKey(point, 'prime256v1');
    return true;
  } catch {
    return false;
  }
}
