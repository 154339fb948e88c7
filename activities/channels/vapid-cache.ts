// VAPID Authorization headers, one per push-service origin, reused while valid: signing an
// ES256 JWT per message is wasted work, and push services rate-limit by the token anyway.
import webpush from 'web-push';

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
  /** `mailto:` or `https:` contact for the push service operator. */
  subject: string;
}

export interface VapidCacheOptions {
  /** Lifetime of each JWT (RFC 8292 allows at most 24 hours). @default 43200 (12 hours) */
  lifetimeSeconds?: number;
  /** A header is replaced this long before its JWT expires, so one in flight never arrives expired. @default 3600 (1 hour) */
  renewBeforeSeconds?: number;
  /** The clock. @default () => Date.now() */
  now?: () => number;
}

export interface VapidCache {
  /** `vapid t=<jwt>, k=<public key>` for the push service that owns `endpoint` (audience = its origin). */
  authorization(endpoint: string): string;
  /** Forget the header for this origin (the push service refused it): the next call signs a new one. */
  forget(endpoint: string): void;
}

export function createVapidCache(keys: VapidKeys, options: VapidCacheOptions = {}): VapidCache {
  const lifetime = options.lifetimeSeconds ?? 12 * 60 * 60;
  const renewBefore = options.renewBeforeSeconds ?? 60 * 60;
  const now = options.now ?? (() => Date.now());
  const byOrigin = new Map<string, { header: string; renewAt: number }>();
  return {
    authorization(endpoint) {
      const origin = new URL(endpoint).origin;
      const at = now();
      const cached = byOrigin.get(origin);
      if (cached && at < cached.renewAt) return cached.header;
      const expiration = Math.floor(at / 1000) + lifetime;
      const { Authorization } = webpush.getVapidHeaders(origin, keys.subject, keys.publicKey, keys.privateKey, 'aes128gcm', expiration);
      byOrigin.set(origin, { header: Authorization, renewAt: (expiration - renewBefore) * 1000 });
      return Authorization;
    },
    forget(endpoint) {
      byOrigin.delete(new URL(endpoint).origin);
    },
  };
}
