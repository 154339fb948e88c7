// One push message to one browser subscription: the web-push library encrypts it (aes128gcm)
// and builds the RFC 8030 request; we POST it and turn the push service's answer into a result.
import webpush from 'web-push';
import type { PushSubscriptionRecord } from '../../store/types';
import type { VapidCache } from './vapid-cache';

export type EndpointResult =
  | { kind: 'sent'; endpoint: string; status: number; location: string | null }
  /** 404/410: the browser dropped the subscription; it never comes back. */
  | { kind: 'gone'; endpoint: string; status: number; detail: string }
  /** 429, 5xx, network: nothing was accepted, another attempt may succeed. */
  | { kind: 'transient'; endpoint: string; status: number | null; detail: string }
  /** Refused for good (bad VAPID, payload too large, malformed). */
  | { kind: 'rejected'; endpoint: string; status: number | null; detail: string };

export interface PushRequestOptions {
  vapid: VapidCache;
  /** Seconds the push service keeps the message for an offline browser. */
  ttl: number;
  urgency: webpush.Urgency;
  /** RFC 8030 Topic: a queued message with the same topic is replaced, not duplicated. */
  topic: string;
  timeoutMs: number;
}

export async function pushToSubscription(subscription: PushSubscriptionRecord, payload: string, options: PushRequestOptions): Promise<EndpointResult> {
  const { endpoint } = subscription;
  const first = await attempt(subscription, payload, options);
  if (first.kind === 'rejected' && (first.status === 401 || first.status === 403)) {
    // The reused header may be what was refused (e.g. the service's clock is ahead): sign a
    // fresh one once. A refused request delivered nothing, so trying again cannot duplicate.
    options.vapid.forget(endpoint);
    return attempt(subscription, payload, options);
  }
  return first;
}

async function attempt(subscription: PushSubscriptionRecord, payload: string, options: PushRequestOptions): Promise<EndpointResult> {
  const { endpoint } = subscription;
  let details: webpush.RequestDetails;
  try {
    details = webpush.generateRequestDetails({ endpoint, keys: { p256dh: subscription.p256dh, auth: subscription.auth } }, payload, {
      contentEncoding: 'aes128gcm',
      TTL: options.ttl,
      urgency: options.urgency,
      topic: options.topic,
      headers: { Authorization: options.vapid.authorization(endpoint) },
    });
  } catch (error) {
    return { kind: 'rejected', endpoint, status: null, detail: `web-push could not prepare the message for this subscription: ${messageOf(error)}` };
  }

  // The library's own sender speaks HTTPS only; fetch sends the same request over either
  // scheme, so local push services (tests, dev) exercise exactly the production path.
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(details.headers)) {
    if (name.toLowerCase() !== 'content-length') headers[name] = String(value);
  }
  let response: Response;
  try {
    response = await fetch(details.endpoint, { method: 'POST', headers, body: details.body, signal: AbortSignal.timeout(options.timeoutMs) });
  } catch (error) {
    return { kind: 'transient', endpoint, status: null, detail: `${new URL(endpoint).origin} unreachable: ${networkReason(error)}` };
  }
  const text = (await response.text().catch(() => '')).trim().slice(0, 200);
  const status = response.status;
  const said = `${new URL(endpoint).origin} answered ${status}${text ? ` (${text})` : ''}`;
  if (status >= 200 && status < 300) return { kind: 'sent', endpoint, status, location: response.headers.get('location') };
  if (status === 404 || status === 410) return { kind: 'gone', endpoint, status, detail: said };
  if (status === 429 || status >= 500) {
    const after = response.headers.get('retry-after');
    return { kind: 'transient', endpoint, status, detail: `${said}${after ? `, Retry-After ${after}` : ''}` };
  }
  if (status === 401 || status === 403) {
    return {
      kind: 'rejected',
      endpoint,
      status,
      detail: `${said}: the push service refused the VAPID signature. The subscription was probably made with another VAPID public key; keep VAPID_PUBLIC_KEY/VAPID_PRIVATE_KEY stable, or have the browser subscribe again.`,
    };
  }
  if (status === 413) return { kind: 'rejected', endpoint, status, detail: `${said}: the payload is too large; shorten the template's push parts.` };
  return { kind: 'rejected', endpoint, status, detail: said };
}

function networkReason(error: unknown): string {
  // Duck-typed: fetch's errors come from Node's own realm, where `instanceof Error` may not hold.
  if (field(error, 'name') === 'TimeoutError') return 'no answer in time';
  const cause = field(error, 'cause');
  const code = field(cause, 'code') ?? field(error, 'code');
  return typeof code === 'string' ? code : String(field(cause, 'message') ?? field(error, 'message') ?? error);
}

function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null ? Reflect.get(value, name) : undefined;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
