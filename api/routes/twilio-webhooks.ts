// Twilio's webhooks: delivery reports (POST /webhooks/twilio/status) and inbound texts (POST
// /webhooks/twilio/inbound: STOP / START / HELP keywords). Both refuse an unsigned request (403).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import twilio from 'twilio';
import { z } from 'zod';
import { INVALID_TO_CODES, UNSUBSCRIBED_CODE } from '../../activities/channels/twilio-errors';
import { normalisePhone } from '../../activities/channels/phone-number';
import type { LoggedEventInput, Store, SuppressionReason } from '../../store/types';
import { HttpError, invalidBody } from '../http-error';
import { smsKeyword } from './sms-keywords';

export const DEFAULT_SMS_HELP_TEXT = 'You get these texts because you signed up. Reply STOP to stop them, START to get them again. Msg & data rates may apply.';

export interface TwilioWebhookDeps {
  store: Store;
  /** TWILIO_AUTH_TOKEN: the key of Twilio's request signatures. */
  authToken: string;
  /** PUBLIC_URL: the base URL Twilio calls; signatures cover it plus the request path and query. */
  publicUrl: string;
  /** Where other inbound texts go as `sms.received` events, and delivery reports of known messages as `sms.delivered` / `sms.undelivered` / `sms.failed` (api/ingest.ts). @default none: they are only acknowledged */
  ingest?: (event: LoggedEventInput) => Promise<unknown>;
  /** The reply to HELP / INFO. @default DEFAULT_SMS_HELP_TEXT */
  helpText?: string;
  /** Where failures that still get a 200 go. @default a line on stderr */
  log?: (line: string) => void;
}

const StatusSchema = z.object({
  MessageSid: z.string().min(1),
  MessageStatus: z.string().min(1),
  ErrorCode: z.string().optional(),
  To: z.string().optional(),
});
const InboundSchema = z.object({ MessageSid: z.string().min(1), From: z.string().min(1), To: z.string().optional(), Body: z.string().default('') });

// Callbacks can arrive out of order: a late "sent" must not overwrite "delivered".
const STATUS_RANK: Record<string, number> = { accepted: 0, scheduled: 0, queued: 0, sending: 1, sent: 2, delivered: 3, undelivered: 3, failed: 3, read: 4 };

/** Final delivery statuses that become `sms.<status>` events for the customer's runs. */
const DELIVERY_EVENTS = new Set(['delivered', 'undelivered', 'failed']);

/** Delivery errors that say the number will never take SMS (30003, "switched off", is temporary: not here). */
function permanentSuppression(code: number): { reason: SuppressionReason; what: string } | null {
  if (code === 30005) return { reason: 'invalid_address', what: 'unknown destination handset: the number does not exist or is out of service' };
  if (code === 30006) return { reason: 'invalid_address', what: 'a landline or unreachable carrier: the number cannot receive SMS' };
  if (code === UNSUBSCRIBED_CODE) return { reason: 'sms_stop', what: 'the recipient texted STOP to this sender' };
  if (INVALID_TO_CODES.has(code)) return { reason: 'invalid_address', what: 'Twilio refused the number as a destination' };
  return null;
}

const twiml = (reply: FastifyReply, message?: string) => {
  const response = new twilio.twiml.MessagingResponse();
  if (message) response.message(message);
  return reply.code(200).type('text/xml; charset=utf-8').send(response.toString());
};

export function twilioWebhooks(deps: TwilioWebhookDeps): (app: FastifyInstance) => Promise<void> {
  const publicUrl = deps.publicUrl.replace(/\/+$/, '');
  const log = deps.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const helpText = deps.helpText ?? DEFAULT_SMS_HELP_TEXT;

  return async (app) => {
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
      const params = new Map<string, string | string[]>();
      for (const [key, value] of new URLSearchParams(String(body))) {
        const seen = params.get(key);
        params.set(key, seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value]);
      }
      done(null, Object.fromEntries(params));
    });

    app.addHook('preHandler', async (request: FastifyRequest) => {
      const signature = request.headers['x-twilio-signature'];
      const params = typeof request.body === 'object' && request.body !== null ? { ...request.body } : {};
      const url = `${publicUrl}${request.url}`;
      if (typeof signature !== 'string' || signature === '' || !twilio.validateRequest(deps.authToken, signature, url, params)) {
        throw new HttpError(
          403,
          'invalid_signature',
          `The X-Twilio-Signature of this request does not match ${url} signed with TWILIO_AUTH_TOKEN. Twilio signs the exact URL it calls: ` +
            "set PUBLIC_URL to the base URL configured in Twilio's console, and TWILIO_AUTH_TOKEN to the account's primary auth token.",
        );
      }
    });

    app.post('/webhooks/twilio/status', async (request, reply) => {
      const parsed = StatusSchema.safeParse(request.body);
      if (!parsed.success) throw invalidBody(parsed.error, 'Twilio status callback');
      const { MessageSid: sid, MessageStatus: status, ErrorCode: errorCode, To: to } = parsed.data;
      const at = new Date().toISOString();
      const known = await deps.store.getMessageByProviderId('sms', sid);
      if (known?.deliveryStatus && (STATUS_RANK[known.deliveryStatus] ?? 0) > (STATUS_RANK[status] ?? 0)) return reply.code(204).send();

      const code = errorCode ? Number(errorCode) : null;
      const detail = code ? `Twilio error ${code} (https://www.twilio.com/docs/api/errors/${code})` : null;
      const row = await deps.store.recordDelivery({ channel: 'sms', providerId: sid, status, detail, at });
      const suppression = code && (status === 'undelivered' || status === 'failed') ? permanentSuppression(code) : null;
      const address = row?.address ?? (to ? normalisePhone(to) : null);
      if (suppression && address) {
        await deps.store.addSuppression({ channel: 'sms', address, reason: suppression.reason, detail: `Message ${sid} ${status} with Twilio error ${code}: ${suppression.what}.`, at });
      }
      if (deps.ingest && row && DELIVERY_EVENTS.has(status)) {
        // One event per message and final status (messageId), so Twilio's retries dedupe in the log.
        const event: LoggedEventInput = {
          messageId: `twilio-status:${sid}:${status}`,
          type: 'track',
          customerId: row.customerId,
          event: `sms.${status}`,
          properties: { message_key: row.messageKey, journey_id: row.journeyId, step_id: row.stepId, message_sid: sid, error_code: code },
          traits: {},
          timestamp: at,
        };
        await deps.ingest(event).catch((error: unknown) => {
          log(`touchpoint twilio: sms.${status} for ${sid} (message ${row.messageKey}) not recorded: ${error instanceof Error ? error.message : String(error)}`);
        });
      }
      return reply.code(204).send();
    });

    app.post('/webhooks/twilio/inbound', async (request, reply) => {
      const parsed = InboundSchema.safeParse(request.body);
      if (!parsed.success) throw invalidBody(parsed.error, 'Twilio inbound message');
      const { MessageSid: sid, From: from, To: to, Body: body } = parsed.data;
      const phone = normalisePhone(from);
      const at = new Date().toISOString();
      const found = smsKeyword(body);
      if (found?.keyword === 'help') return twiml(reply, helpText);
      const contacts = await deps.store.findContactsByPhone(phone);

      if (found?.keyword === 'opt_out') {
        for (const contact of contacts) {
          await deps.store.setConsent({ customerId: contact.customerId, channel: 'sms', status: 'unsubscribed', source: 'sms_keyword', reason: `texted ${found.word}`, by: null, at });
        }
        // The suppression covers numbers no contact has yet, and every contact that gets it later.
        await deps.store.addSuppression({ channel: 'sms', address: phone, reason: 'sms_stop', detail: `Texted "${body.trim()}" (message ${sid}).`, at });
        // Twilio itself sends the carrier-required confirmation; a second reply would be noise.
        return twiml(reply);
      }
      if (found?.keyword === 'opt_in') {
        for (const contact of contacts) {
          await deps.store.setConsent({ customerId: contact.customerId, channel: 'sms', status: 'subscribed', source: 'sms_keyword', reason: `texted ${found.word}`, by: null, at });
        }
        // Texting in proves the number works and wants texts; a manual or complaint block stays for support to lift.
        const suppressed = await deps.store.getSuppression('sms', phone);
        if (suppressed && (suppressed.reason === 'sms_stop' || suppressed.reason === 'invalid_address')) await deps.store.removeSuppression('sms', phone);
        return twiml(reply);
      }
      if (deps.ingest) {
        for (const contact of contacts) {
          const event: LoggedEventInput = {
            messageId: `twilio:${sid}:${contact.customerId}`,
            type: 'track',
            customerId: contact.customerId,
            event: 'sms.received',
            properties: { body, from: phone, to: to ?? null, messageSid: sid },
            traits: {},
            timestamp: at,
          };
          await deps.ingest(event).catch((error: unknown) => {
            // Twilio does not retry an inbound webhook: answering 5xx would lose the text all the same.
            log(`touchpoint twilio: inbound ${sid} from ${phone} not recorded for customer ${contact.customerId}: ${error instanceof Error ? error.message : String(error)}`);
          });
        }
      }
      return twiml(reply);
    });
  };
}
