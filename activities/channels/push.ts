// The web push channel: every browser subscription of the customer, the template's push parts
// as a JSON payload (with a signed click token), sent through web-push with reused VAPID headers.
import { createHash } from 'node:crypto';
import type webpush from 'web-push';
import { z } from 'zod';
import { publicOnly } from '../../net/targets';
import type { ActivityDeps } from '../contract';
import type { ChannelResult, ChannelSender } from './channel';
import { signPushClick } from './push-click-token';
import { pushTargets, pushToSubscription, type EndpointResult } from './push-send';
import { createVapidCache, type VapidCacheOptions } from './vapid-cache';

// The payload's size is checked by the decision path (render/channel-limits.ts), as every channel's.
export { MAX_PUSH_PAYLOAD_BYTES } from '../../render/channel-limits';

/** What the service worker (public/sw.js) receives in a `push` event, as JSON. */
export const PushPayloadSchema = z.object({
  title: z.string(),
  body: z.string(),
  icon: z.string().nullable(),
  /** Opened on click. */
  url: z.string().nullable(),
  /** Notification tag: a repeated delivery of the same message replaces the notification instead of stacking. */
  tag: z.string(),
  /** Click reporting: POST `{ token }` to `report`. Null when Touchpoint has no public URL/secret. */
  click: z.object({ token: z.string(), report: z.string() }).nullable(),
});
export type PushPayload = z.infer<typeof PushPayloadSchema>;

export interface PushChannelOptions {
  /** Public URL and HMAC secret for click reporting (ActivityDeps.links). @default no click reporting */
  links?: { publicUrl: string; secret: string };
  /** How long a push service keeps a message for an offline browser, per category. @default { marketing: 86400, transactional: 604800 } */
  ttlSeconds?: { marketing: number; transactional: number };
  /** Per-request timeout. @default 10000 */
  timeoutMs?: number;
  /** VAPID header reuse (lifetime, renewal, clock). @default 12 h JWTs renewed 1 h before expiry */
  vapid?: VapidCacheOptions;
  /** Clock for lastSuccessAt. @default () => new Date() */
  now?: () => Date;
}

const URGENCY: Record<'marketing' | 'transactional', webpush.Urgency> = { marketing: 'normal', transactional: 'high' };

const digest = (text: string) => createHash('sha256').update(text).digest();

export function createPushChannel(push: ActivityDeps['push'] | null, options: PushChannelOptions = {}): ChannelSender {
  const vapid = push ? createVapidCache(push.vapid, options.vapid) : null;
  const targets = pushTargets(push?.allowedTargets ?? publicOnly('PUSH_ALLOWED_PRIVATE_TARGETS'));
  const ttl = options.ttlSeconds ?? { marketing: 86_400, transactional: 604_800 };
  const now = options.now ?? (() => new Date());

  const notConfiguredDetail =
    'Web push is not configured: set VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY and VAPID_SUBJECT for the worker ' +
    '(or leave all three unset and `touchpoint start` generates keys once under the data dir).';

  return {
    channel: 'push',
    configured: push != null,
    notConfiguredDetail,

    async addresses({ request, store }) {
      return (await store.listPushSubscriptions(request.customerId)).map((subscription) => subscription.endpoint);
    },

    async render({ request, context, renderer }) {
      const rendered = (await renderer.load({ name: request.template, hash: request.templateVersion })).push(context);
      const links = options.links;
      const payload: PushPayload = {
        title: rendered.title,
        body: rendered.body,
        icon: rendered.icon,
        url: rendered.url,
        tag: `tp-${digest(request.messageKey).toString('hex').slice(0, 24)}`,
        click: links
          ? {
              token: signPushClick(links.secret, { messageKey: request.messageKey, customerId: request.customerId, journeyId: request.journeyId, stepId: request.stepId }),
              report: new URL('/push/clicks', links.publicUrl).toString(),
            }
          : null,
      };
      return payload;
    },

    async deliver({ request, store }, content, addresses, markDispatching): Promise<ChannelResult> {
      if (!vapid) return { kind: 'final', reason: 'failed:channel_not_configured', detail: notConfiguredDetail };
      const payload = PushPayloadSchema.safeParse(content);
      if (!payload.success) {
        return { kind: 'retry', type: 'PushPayloadInvalid', nonRetryable: true, detail: `The rendered push message is not a push payload: ${payload.error.message}` };
      }
      const key = request.messageKey;
      const category = request.category ?? 'marketing';
      const wanted = new Set(addresses);
      const subscriptions = (await store.listPushSubscriptions(request.customerId)).filter((s) => wanted.has(s.endpoint));
      const text = JSON.stringify(payload.data);
      const topic = digest(key).toString('base64url').slice(0, 32);
      if (subscriptions.length > 0) await markDispatching?.();

      // The send is final as soon as one subscription accepted (a retry is only ever asked for
      // when none did), so a retry never reaches a browser that already has the message, except
      // after a timeout whose request did arrive: then the Topic lets the push service replace a
      // queued copy and the tag makes the browser replace a shown one.
      const results = await Promise.all(
        subscriptions.map(async (subscription): Promise<EndpointResult> => {
          const result = await pushToSubscription(subscription, text, { vapid, ttl: ttl[category], urgency: URGENCY[category], topic, timeoutMs: options.timeoutMs ?? 10_000, targets });
          if (result.kind === 'sent') {
            // Bookkeeping only: a database hiccup here must not turn an accepted push into a retry.
            await store.markPushSubscriptionUsed(subscription.endpoint, now().toISOString()).catch(() => undefined);
          }
          if (result.kind === 'gone') await store.deletePushSubscription(subscription.endpoint).catch(() => undefined);
          return result;
        }),
      );
      // An address whose subscription vanished since it was listed counts as gone.
      for (const endpoint of wanted) {
        if (!subscriptions.some((s) => s.endpoint === endpoint)) results.push({ kind: 'gone', endpoint, status: 410, detail: 'the subscription was removed' });
      }
      return summarise(request.customerId, payload.data, results);
    },
  };
}

function summarise(customerId: string, payload: PushPayload, results: EndpointResult[]): ChannelResult {
  const of = (kind: EndpointResult['kind']) => results.filter((r) => r.kind === kind);
  const sent = of('sent');
  const gone = of('gone');
  const transient = of('transient');
  const rejected = of('rejected');
  const notes = [
    gone.length ? `${gone.length} gone and removed (${first(gone)})` : '',
    transient.length ? `${transient.length} unavailable (${first(transient)})` : '',
    rejected.length ? `${rejected.length} refused (${first(rejected)})` : '',
  ].filter(Boolean);
  const deliveries = results.map((r) => ({ endpoint: r.endpoint, result: r.kind, status: r.status, ...(r.kind === 'sent' ? { location: r.location } : {}) }));

  if (sent.length === 0 && transient.length > 0) {
    return { kind: 'retry', type: 'ProviderUnavailable', detail: `No push subscription of customer ${customerId} accepted the message yet, will retry: ${notes.join('; ')}.` };
  }
  const content = { ...payload, deliveries };
  if (results.length === 0) {
    return { kind: 'final', reason: 'skipped:no_address', detail: `Customer ${customerId} has no push subscription; nothing was sent.` };
  }
  const top = sent[0];
  if (top?.kind === 'sent') {
    return {
      kind: 'final',
      reason: 'sent',
      address: top.endpoint,
      providerId: top.location ?? top.endpoint,
      content,
      detail: `Accepted by ${sent.length} of ${results.length} push subscription(s)${notes.length ? `; ${notes.join('; ')}` : ''}.`,
    };
  }
  if (gone.length === results.length) {
    return {
      kind: 'final',
      reason: 'failed:invalid_address',
      address: gone[0]?.endpoint ?? null,
      content,
      detail: `Every push subscription of customer ${customerId} is gone (${first(gone)}); they were removed. The customer must allow notifications again in the browser.`,
    };
  }
  return { kind: 'final', reason: 'failed:provider', address: rejected[0]?.endpoint ?? null, content, detail: `No push subscription of customer ${customerId} accepted the message: ${notes.join('; ')}.` };
}

const first = (results: EndpointResult[]) => {
  const result = results[0];
  return result && result.kind !== 'sent' ? result.detail : '';
};
