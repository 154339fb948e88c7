// What the local push service checks on every request, written from the RFCs with node:crypto:
// the VAPID header (RFC 8292) and the aes128gcm body (RFC 8291 over RFC 8188).
import { createDecipheriv, createPublicKey, hkdfSync, verify, type ECDH, type KeyObject } from 'node:crypto';

export interface VapidClaims {
  aud: string;
  exp: number;
  sub: string;
}

/** The subscription's side of the key agreement: its P-256 key pair and auth secret. */
export interface SubscriberKeys {
  ecdh: ECDH;
  publicKey: Buffer;
  auth: Buffer;
}

export class Refusal extends Error {
  constructor(
    readonly status: number,
    reason: string,
  ) {
    super(reason);
  }
}

const b64u = (data: Buffer) => data.toString('base64url');
/** Maximum lifetime of a VAPID JWT (RFC 8292 §2), plus a minute of clock skew. */
const MAX_JWT_AHEAD_SECONDS = 24 * 60 * 60 + 60;

/** RFC 8292 §3: `vapid t=<JWT>, k=<key>`; ES256 over header.payload; aud, exp, sub checked. */
export function checkVapid(authorization: string | undefined, origin: string, restrictedTo: string | null): { jwt: string; claims: VapidClaims; vapidKey: string } {
  if (!authorization) throw new Refusal(401, 'no Authorization header (VAPID is required)');
  const scheme = /^vapid\s+(.*)$/i.exec(authorization);
  if (!scheme?.[1]) throw new Refusal(401, `Authorization is not the "vapid" scheme: ${authorization.slice(0, 20)}`);
  const params = new Map<string, string>();
  for (const part of scheme[1].split(',')) {
    const [name, ...value] = part.trim().split('=');
    if (name) params.set(name.toLowerCase(), value.join('=').replace(/^"|"$/g, ''));
  }
  const jwt = params.get('t');
  const vapidKey = params.get('k');
  if (!jwt || !vapidKey) throw new Refusal(401, 'vapid authorization needs both t= and k=');
  const [encodedHeader, encodedPayload, encodedSignature, extra] = jwt.split('.');
  if (!encodedHeader || !encodedPayload || !encodedSignature || extra !== undefined) throw new Refusal(403, 'the JWT is not header.payload.signature');
  const jwtHeader = parseJson(Buffer.from(encodedHeader, 'base64url').toString('utf8'));
  if (!isRecord(jwtHeader) || jwtHeader.alg !== 'ES256') throw new Refusal(403, 'the JWT must be signed with ES256');
  const key = p256PublicKey(Buffer.from(vapidKey, 'base64url'));
  const signature = Buffer.from(encodedSignature, 'base64url');
  const signed = verify('sha256', Buffer.from(`${encodedHeader}.${encodedPayload}`), { key, dsaEncoding: 'ieee-p1363' }, signature);
  if (!signed) throw new Refusal(403, 'the JWT signature does not verify with k');
  if (restrictedTo !== null && restrictedTo !== vapidKey) throw new Refusal(403, 'k is not the applicationServerKey this subscription was made with');
  const claims = parseJson(Buffer.from(encodedPayload, 'base64url').toString('utf8'));
  if (!isRecord(claims)) throw new Refusal(403, 'the JWT claims are not a JSON object');
  const { aud, exp, sub } = claims;
  if (aud !== origin) throw new Refusal(403, `aud is ${JSON.stringify(aud)}, this push service is ${origin}`);
  const now = Math.floor(Date.now() / 1000);
  if (typeof exp !== 'number' || exp <= now) throw new Refusal(403, `exp ${String(exp)} is not in the future`);
  if (exp > now + MAX_JWT_AHEAD_SECONDS) throw new Refusal(403, `exp ${exp} is more than 24 hours ahead`);
  if (typeof sub !== 'string' || !/^(mailto:|https:)/.test(sub)) throw new Refusal(403, 'sub must be a mailto: or https: URI');
  return { jwt, claims: { aud, exp, sub }, vapidKey };
}

/** A KeyObject for an uncompressed P-256 point (0x04 || X || Y). */
function p256PublicKey(point: Buffer): KeyObject {
  if (point.length !== 65 || point[0] !== 0x04) throw new Refusal(403, 'k is not an uncompressed P-256 public key');
  try {
    return createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: b64u(point.subarray(1, 33)), y: b64u(point.subarray(33, 65)) }, format: 'jwk' });
  } catch {
    throw new Refusal(403, 'k is not a point on P-256');
  }
}

/** RFC 8188 header + RFC 8291 key derivation; one record, padding delimited by 0x02. */
export function decrypt(body: Buffer, subscriber: SubscriberKeys): Buffer {
  if (body.length < 21) throw new Refusal(400, 'body shorter than the aes128gcm header');
  const salt = body.subarray(0, 16);
  const recordSize = body.readUInt32BE(16);
  const idLength = body[20] ?? 0;
  const asPublic = body.subarray(21, 21 + idLength);
  const record = body.subarray(21 + idLength);
  if (idLength !== 65) throw new Refusal(400, `keyid must be the 65-byte application server key, got ${idLength} bytes`);
  if (record.length > recordSize) throw new Refusal(400, 'more than one record: a push message is a single record');
  const ecdhSecret = subscriber.ecdh.computeSecret(asPublic);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), subscriber.publicKey, asPublic]);
  const ikm = Buffer.from(hkdfSync('sha256', ecdhSecret, subscriber.auth, keyInfo, 32));
  const cek = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
  const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12));
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(record.subarray(record.length - 16));
  let plain: Buffer;
  try {
    plain = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
  } catch {
    throw new Refusal(400, 'the record does not decrypt with the subscription keys (bad tag)');
  }
  let end = plain.length - 1;
  while (end >= 0 && plain[end] === 0) end -= 1;
  if (plain[end] !== 0x02) throw new Refusal(400, 'the last record must end with the 0x02 delimiter');
  return plain.subarray(0, end);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
