// The SMS channel: the customer's phone column in E.164, the template's sms.text part, one
// `messages.create` through the twilio library. Never retried inside: a retry is Temporal's,
// and only after an answer that proves nothing was queued. With SMS_RATE_PER_SECOND, sends are
// paced by a token bucket in this process, so Twilio never answers 429.
import type { ActivityDeps } from '../contract';
import type { ChannelResult, ChannelSender } from './channel';
import { normalisePhone } from './phone-number';
import { SMS_MAX_SEGMENTS } from '../../render/channel-limits';
import { countSmsSegments } from '../../render/sms-segments';
import { createRateLimiter, type RateLimiter } from './rate-limit';
import { classifyTwilioError } from './twilio-errors';

export type SmsDeps = NonNullable<ActivityDeps['sms']>;

/**
 * How long a send waits for its slot before giving up and letting Temporal retry (nothing sent):
 * well inside the activity's 1-minute timeout with Twilio's 20 s request timeout after it.
 */
export const SMS_SLOT_MAX_WAIT_MS = 10_000;

export const SMS_NOT_CONFIGURED =
  'SMS is not configured: set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM (or TWILIO_MESSAGING_SERVICE_SID) for the worker, ' +
  'or add "fallback: email" to the step.';

export function createSmsChannel(sms: SmsDeps | null): ChannelSender {
  // One bucket per channel, and the worker builds its channels once: the limit is per process.
  const limiter = sms?.ratePerSecond ? createRateLimiter({ ratePerSecond: sms.ratePerSecond }) : null;
  return {
    channel: 'sms',
    configured: sms !== null,
    notConfiguredDetail: SMS_NOT_CONFIGURED,

    async addresses({ contact }) {
      const phone = contact?.phone?.trim();
      return phone ? [normalisePhone(phone)] : [];
    },

    async render({ request, renderer, context }) {
      const { text } = (await renderer.load({ name: request.template, hash: request.templateVersion })).sms(context);
      const { segments, encoding } = countSmsSegments(text);
      // The send slot is waited for here, the last step before the decision path marks the message
      // `dispatching`: a worker that dies while it waits leaves nothing in doubt, and the retry sends.
      // A text the decision path refuses as too long (SMS_MAX_SEGMENTS) takes no slot.
      const refused = limiter && text !== '' && segments <= SMS_MAX_SEGMENTS ? await slotRefusal(limiter) : null;
      return { text, segments, encoding, ...(refused ? { [RATE_LIMITED]: refused } : {}) };
    },

    async deliver({ request, store }, content, addresses, markDispatching): Promise<ChannelResult> {
      const to = addresses[0];
      if (!to) return { kind: 'final', reason: 'skipped:no_address', detail: `Customer ${request.customerId} has no phone number to text; nothing was sent.` };
      if (!sms) return { kind: 'final', reason: 'failed:channel_not_configured', address: to, detail: SMS_NOT_CONFIGURED };
      const body = typeof content.text === 'string' ? content.text : '';
      if (body === '') {
        return {
          kind: 'final',
          reason: 'failed:provider',
          address: to,
          detail: `Template "${request.template}" rendered an empty sms.text part for customer ${request.customerId}; nothing was sent. Fix templates/${request.template}.hbs.`,
        };
      }
      const { segments, encoding } = countSmsSegments(body);
      const refused = content[RATE_LIMITED];
      if (typeof refused === 'string') return { kind: 'retry', type: 'RateLimited', detail: refused };

      await markDispatching?.();
      let message;
      try {
        message = await sms.client.messages.create({
          to,
          body,
          // A Messaging Service picks the sender and applies its own opt-out list; it wins when both are set.
          ...(sms.messagingServiceSid ? { messagingServiceSid: sms.messagingServiceSid } : { from: sms.from }),
          ...(sms.statusCallback ? { statusCallback: sms.statusCallback } : {}),
        });
      } catch (error) {
        return failure(error, to, store, request.customerId);
      }
      return {
        kind: 'final',
        reason: 'sent',
        address: to,
        providerId: message.sid,
        content: { to, body, segments, encoding },
        detail: `Accepted by Twilio as ${message.sid} (status ${message.status}): ${segments} ${encoding} segment${segments === 1 ? '' : 's'}.`,
      };
    },
  };
}

/** Rendered content key: why this worker has no send slot for the message now (deliver then retries). */
const RATE_LIMITED = 'rateLimited';

/** Wait for this worker's next SMS slot; null once it came, or why it is too far away to wait for. */
async function slotRefusal(limiter: RateLimiter): Promise<string | null> {
  const slot = await limiter.acquire(SMS_SLOT_MAX_WAIT_MS);
  if (slot.granted) return null;
  return `this worker sends at most ${Number(limiter.ratePerSecond.toPrecision(3))} SMS per second (SMS_RATE_PER_SECOND) and its next slot is ${(slot.retryAfterMs / 1000).toFixed(1)} s away; nothing was sent, will retry.`;
}

async function failure(error: unknown, to: string, store: ActivityDeps['store'], customerId: string): Promise<ChannelResult> {
  const failed = classifyTwilioError(error);
  switch (failed.kind) {
    case 'invalid_address':
      return { kind: 'final', reason: 'failed:invalid_address', address: to, detail: `Twilio refused ${to} (phone of customer ${customerId}) as a destination: ${failed.detail}. Correct the phone trait.` };
    case 'unsubscribed': {
      // Twilio's own STOP list knew before we did: keep ours in step, so later sends skip early.
      const kept = await store
        .addSuppression({ channel: 'sms', address: to, reason: 'sms_stop', detail: `Twilio error ${failed.code}: the recipient texted STOP to this sender`, at: new Date().toISOString() })
        .then(() => 'added to the SMS suppression list')
        .catch((e: unknown) => `could not be added to the suppression list (${e instanceof Error ? e.message : String(e)})`);
      return { kind: 'final', reason: 'skipped:unsubscribed', address: to, detail: `${failed.detail}. ${to} opted out at Twilio and ${kept}; nothing was sent.` };
    }
    case 'rejected':
      return { kind: 'final', reason: 'failed:provider', address: to, detail: `Twilio refused the message for good: ${failed.detail}` };
    case 'transient':
      return { kind: 'retry', type: failed.type, detail: `${failed.detail}; nothing was sent, will retry.` };
    case 'in_doubt':
      return {
        kind: 'final',
        reason: 'unknown:provider_outcome',
        address: to,
        detail: `${failed.detail} Twilio may have queued it, so it is not resent; Twilio's Messaging logs show whether a message to ${to} went out at ${new Date().toISOString()}.`,
      };
  }
}
