// Reading failures of `client.messages.create`: which mean "this number is bad" (final), "the
// recipient opted out at Twilio" (final), "Twilio refused for good" (final), "nothing was sent,
// try again" (retry), and "it may have been sent" (in doubt: never retried, never sent twice).

export type TwilioFailure =
  | { kind: 'invalid_address'; code: number; detail: string }
  | { kind: 'unsubscribed'; code: number; detail: string }
  | { kind: 'rejected'; detail: string }
  | { kind: 'transient'; type: 'RateLimited' | 'ProviderUnavailable' | 'ProviderAuthFailed'; detail: string }
  | { kind: 'in_doubt'; detail: string };

/**
 * Twilio error codes that say the `To` number cannot receive SMS: 21211 invalid number, 21265
 * a short code, 21268 a premium-rate number, 21401 invalid phone number, 21614 not a mobile number.
 */
export const INVALID_TO_CODES: ReadonlySet<number> = new Set([21211, 21265, 21268, 21401, 21614]);

/** 21610: the recipient texted STOP to this sender; Twilio refuses until they text START. */
export const UNSUBSCRIBED_CODE = 21610;

// Errors raised while connecting (DNS, TCP connect, TLS handshake): no request reached Twilio.
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);
const NOT_SENT_SYSCALLS = new Set(['connect', 'getaddrinfo']);

const field = (value: unknown, name: string): unknown =>
  typeof value === 'object' && value !== null ? Reflect.get(value, name) : undefined;

/** Classify an error thrown by the twilio library (a RestException, an axios error, or anything else). */
export function classifyTwilioError(error: unknown): TwilioFailure {
  const status = field(error, 'status');
  const message = String(field(error, 'message') ?? error);
  if (typeof status === 'number') {
    const rawCode = field(error, 'code');
    const code = typeof rawCode === 'number' ? rawCode : Number(rawCode);
    const moreInfo = field(error, 'moreInfo');
    const detail = `Twilio answered HTTP ${status}${Number.isFinite(code) ? ` with error ${code}` : ''}: ${message}${typeof moreInfo === 'string' ? ` (${moreInfo})` : ''}`;
    // A 429 is refused before anything is queued: Twilio documents it as safe to retry.
    if (status === 429 || code === 20429) return { kind: 'transient', type: 'RateLimited', detail };
    if (status >= 500) return { kind: 'transient', type: 'ProviderUnavailable', detail };
    // Credentials say nothing about the recipient and can be fixed while Temporal backs off.
    if (status === 401 || code === 20003) return { kind: 'transient', type: 'ProviderAuthFailed', detail: `${detail}. Check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN.` };
    if (INVALID_TO_CODES.has(code)) return { kind: 'invalid_address', code, detail };
    if (code === UNSUBSCRIBED_CODE) return { kind: 'unsubscribed', code, detail };
    return { kind: 'rejected', detail };
  }

  const code = field(error, 'code');
  const cause = field(error, 'cause');
  const syscall = field(error, 'syscall') ?? field(cause, 'syscall');
  const causeCode = field(cause, 'code');
  const notSent =
    (typeof code === 'string' && NOT_SENT_CODES.has(code)) ||
    (typeof causeCode === 'string' && NOT_SENT_CODES.has(causeCode)) ||
    (typeof syscall === 'string' && NOT_SENT_SYSCALLS.has(syscall));
  const label = typeof code === 'string' ? `${code}: ` : '';
  if (notSent) return { kind: 'transient', type: 'ProviderUnavailable', detail: `Could not reach Twilio (${label}${message}); nothing was sent.` };
  // A timeout, a reset connection or an unreadable answer after the request left: Twilio may
  // have queued the message. Only Twilio's own log can tell.
  return { kind: 'in_doubt', detail: `The request reached Twilio but no answer could be read (${label}${message}).` };
}
