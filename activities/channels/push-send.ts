// One push message to one browser subscription: the web-push library encrypts it (aes128gcm)
// and builds the RFC 8030 request; we POST it (push-http.ts) and turn the push service's answer
// into a result.
import { STATUS_CODES } from 'node:http';
import webpush from 'web-push';
import { createGuardedAgents, type GuardedAgents } from '../../net/agents';
import { isNamedTarget, TargetRefusedError, urlRefusal, type TargetPolicy } from '../../net/targets';
import type { PushSubscriptionRecord } from '../../store/types';
import { postPush, PushTimeoutError, type PushHttpResponse } from './push-http';
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
  /** Where pushes may go (public addresses, plus PUSH_ALLOWED_PRIVATE_TARGETS), and the agents enforcing it. */
  targets: { policy: TargetPolicy; agents: GuardedAgents };
}

/** The policy and the keep-alive agents enforcing it (create once per channel). */
export function pushTargets(policy: TargetPolicy): PushRequestOptions['targets'] {
  return { policy, agents: createGuardedAgents(policy) };
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
  const refused = endpointRefusal(endpoint, options.targets.policy);
  if (refused) return { kind: 'rejected', endpoint, status: null, detail: `not sent: ${refused}` };
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

  // Content-Length is set from the body by postPush.
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(details.headers)) {
    if (name.toLowerCase() !== 'content-length') headers[name] = String(value);
  }
  let response: PushHttpResponse;
  try {
    response = await postPush(options.targets.agents, details.endpoint, headers, details.body, options.timeoutMs);
  } catch (error) {
    // Refused after DNS (the name now resolves to a non-public address): final, nothing was sent.
    if (error instanceof TargetRefusedError) return { kind: 'rejected', endpoint, status: null, detail: `not sent: ${error.message}` };
    return { kind: 'transient', endpoint, status: null, detail: `${new URL(endpoint).origin} unreachable: ${networkReason(error)}` };
  }
  const status = response.status;
  // A short status only: the reply body is never read into what is stored (messages.detail).
  const said = `${new URL(endpoint).origin} answered ${status}${STATUS_CODES[status] ? ` ${STATUS_CODES[status]}` : ''}`;
  if (status >= 200 && status < 300) return { kind: 'sent', endpoint, status, location: response.header('location') };
  if (status === 404 || status === 410) return { kind: 'gone', endpoint, status, detail: said };
  if (status === 429 || status >= 500) {
    const after = response.header('retry-after');
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

/** A stored endpoint that is not https, or names a refused host, is not sent to (subscriptions stored before the check, or a changed allow-list). */
export function endpointRefusal(endpoint: string, policy: TargetPolicy): string | null {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return 'the endpoint is not a URL';
  }
  const where = urlRefusal(policy, url);
  if (where) return where;
  if (url.protocol === 'https:') return null;
  return url.protocol === 'http:' && isNamedTarget(policy, url)
    ? null
    : `${url.origin} is not https; push endpoints must be https URLs (plain http only to a local push service ${policy.setting} names)`;
}

function networkReason(error: unknown): string {
  if (error instanceof PushTimeoutError) return 'no answer in time';
  const code = field(error, 'code');
  return typeof code === 'string' ? code : messageOf(error);
}

function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null ? Reflect.get(value, name) : undefined;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
