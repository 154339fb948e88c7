// The Touchpoint-Signature header of webhook step calls: `t=<unix seconds>,v1=<hex HMAC-SHA256>`
// over "<t>.<body>". Signing is ours; verifying is exported for receivers written in TypeScript
// (anyone else recomputes the HMAC as the README shows).
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The request header carrying the signature. */
export const SIGNATURE_HEADER = 'Touchpoint-Signature';

/** Hex HMAC-SHA256 of `"<timestamp>.<body>"` with `secret`. */
export function signaturePayloadHmac(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');
}

/**
 * The header value for `body` sent at `timestamp` (unix seconds).
 * @param timestamp @default now
 */
export function signWebhook(secret: string, body: string, timestamp: number = Math.floor(Date.now() / 1000)): string {
  return `t=${timestamp},v1=${signaturePayloadHmac(secret, timestamp, body)}`;
}

export interface VerifyOptions {
  /** Refuse signatures older (or newer) than this many seconds: replayed requests fail. @default 300 */
  toleranceSeconds?: number;
  /** The receiver's clock, unix seconds. @default now */
  now?: number;
}

export type VerifyResult = { ok: true; timestamp: number } | { ok: false; reason: string };

/**
 * Check a Touchpoint-Signature header against the raw body exactly as received (before any JSON
 * parsing). Any one `v1=` may match, so a sender rotating its secret may send two.
 */
export function verifyWebhook(secret: string, header: string | undefined | null, body: string, options: VerifyOptions = {}): VerifyResult {
  if (!header) return { ok: false, reason: `no ${SIGNATURE_HEADER} header` };
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const [key, value = ''] = part.trim().split('=', 2);
    if (key === 't' && /^\d+$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && /^[0-9a-f]{64}$/i.test(value)) signatures.push(value.toLowerCase());
  }
  if (timestamp === undefined) return { ok: false, reason: `${SIGNATURE_HEADER} has no t=<unix seconds>` };
  if (signatures.length === 0) return { ok: false, reason: `${SIGNATURE_HEADER} has no v1=<64 hex digits>` };
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const tolerance = options.toleranceSeconds ?? 300;
  if (Math.abs(now - timestamp) > tolerance) {
    return { ok: false, reason: `the signature's time t=${timestamp} is ${now - timestamp}s from now, more than the ${tolerance}s allowed` };
  }
  const expected = Buffer.from(signaturePayloadHmac(secret, timestamp, body), 'hex');
  const matches = signatures.some((signature) => timingSafeEqual(Buffer.from(signature, 'hex'), expected));
  return matches ? { ok: true, timestamp } : { ok: false, reason: 'no v1 signature matches the body with this secret' };
}
