// What a browser key (role `browser`) may send. Its key sits in a web page, so anyone has it: it
// may send events and anonymous traits, but never an email or phone, never Touchpoint's own
// engagement events, and a call naming a customer (userId) only with identity verification:
// `context.userHash`, the HMAC-SHA256 of the userId under TOUCHPOINT_IDENTITY_SECRET, which the
// shop's backend computes for its signed-in customer (as Intercom and Braze do).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { HttpError } from './http-error';

/** The hash a shop's backend puts in the page for its signed-in customer: lowercase hex. */
export function userHash(secret: string, userId: string): string {
  return createHmac('sha256', secret).update(userId, 'utf8').digest('hex');
}

/** Traits that reach a customer's addresses: the contact's email and phone. */
const ADDRESS_TRAITS = /^(email|phone)$/i;
/** Opens and clicks Touchpoint records from its own signed links (api/ingest.ts ENGAGEMENT); a page could forge them for any message. */
const ENGAGEMENT_EVENTS = new Set(['email.opened', 'email.clicked', 'push.clicked']);

const FIX_ADDRESS = 'A browser key may not set a customer\'s email or phone (anyone can read it from the page); send them from your backend with an ingest key.';
const HOW_TO_VERIFY =
  'Calls from a browser key that carry a userId need identity verification: put context.userHash = hex HMAC-SHA256 of the userId ' +
  'under TOUCHPOINT_IDENTITY_SECRET, computed by your backend for the signed-in customer (analytics.js: pass { userHash } as the options argument).';

type Item = Record<string, unknown>;

/**
 * Throws 403 naming the field when a browser key's call (a single route's body) is not allowed.
 * Bodies that are not objects are left to the route's validation.
 */
export function refuseForBrowserKey(body: unknown, identitySecret: string | undefined): void {
  if (isObject(body)) refuseItem(body, '', identitySecret);
}

/**
 * The 403 a browser key's batch item would get, or null when it may be sent: a batch answers each
 * item on its own, so one refused item does not refuse the others.
 */
export function browserKeyRefusal(item: unknown, index: number, identitySecret: string | undefined): HttpError | null {
  if (!isObject(item)) return null;
  try {
    refuseItem(item, `batch[${index}].`, identitySecret);
    return null;
  } catch (error) {
    if (error instanceof HttpError) return error;
    throw error;
  }
}

function refuseItem(item: Item, at: string, secret: string | undefined): void {
  const context = isObject(item.context) ? item.context : {};
  for (const [where, traits] of [['traits', item.traits], ['context.traits', context.traits]] as const) {
    if (!isObject(traits)) continue;
    const address = Object.keys(traits).find((key) => ADDRESS_TRAITS.test(key));
    if (address !== undefined) throw forbidden(`${at}${where}.${address}`, FIX_ADDRESS);
  }
  if (typeof item.event === 'string' && ENGAGEMENT_EVENTS.has(item.event)) {
    throw forbidden(`${at}event`, `"${item.event}" is recorded by Touchpoint's own tracking links; a browser key may not send it.`);
  }
  if (item.userId === undefined || item.userId === null) return;
  const userId = String(item.userId);
  if (secret === undefined) throw forbidden(`${at}userId`, `Identity verification is off on this server (TOUCHPOINT_IDENTITY_SECRET is not set), so a browser key may only send anonymous calls (anonymousId, no userId). ${HOW_TO_VERIFY}`);
  const given = context.userHash;
  if (typeof given !== 'string' || given === '') throw forbidden(`${at}context.userHash`, `The call names userId "${userId}" without context.userHash. ${HOW_TO_VERIFY}`);
  if (!sameHash(given.toLowerCase(), userHash(secret, userId))) {
    throw forbidden(`${at}context.userHash`, `context.userHash does not match userId "${userId}". ${HOW_TO_VERIFY}`);
  }
  // alias links previousId's history to userId: from a page, only the visitor's own anonymous id.
  if (item.previousId !== undefined && item.previousId !== null && item.previousId !== item.anonymousId) {
    throw forbidden(`${at}previousId`, 'A browser key may alias only the call\'s own anonymousId to the verified userId; link other ids from your backend with an ingest key.');
  }
}

/** Constant time over equal lengths; a hash of another length is simply wrong. */
function sameHash(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function forbidden(field: string, message: string): HttpError {
  return new HttpError(403, 'browser_key_forbidden', `${field}: ${message}`, [{ path: field.split(/[.[\]]+/).filter(Boolean).map((p) => (/^\d+$/.test(p) ? Number(p) : p)), message, code: 'browser_key_forbidden' }]);
}

function isObject(value: unknown): value is Item {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
