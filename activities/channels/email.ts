// The email channel: the customer's email column, the rendered template, one SMTP send with a
// Message-ID derived from the message key (so a receiving server can spot any duplicate), and
// RFC 8058 one-click unsubscribe headers on marketing email. The message is marked `dispatching`
// only after the server answered DATA and was handed the message, just before the "." ending it.
import { createHash } from 'node:crypto';
import { rewriteLinks } from '../../tracking/rewrite-links';
import type { ActivityDeps } from '../contract';
import type { ChannelInput, ChannelResult, ChannelSender } from './channel';
import { gatedSendOptions, installDataGate } from './smtp-data-gate';
import { classifySmtpError } from './smtp-errors';

/** `<sha256(messageKey)[:32]@touchpoint>`: the same for every attempt of one send. */
export function stableMessageId(messageKey: string): string {
  return `<${createHash('sha256').update(messageKey).digest('hex').slice(0, 32)}@touchpoint>`;
}

/** One plain address, nothing nodemailer could read as a list, a display name or a header. */
const ADDRESS = /^[^\s@<>()[\]\\,;:"]{1,64}@[^\s@<>()[\]\\,;:"'.]+(\.[^\s@<>()[\]\\,;:"'.]+)*$/u;

export function isPlausibleEmail(address: string): boolean {
  return address.length <= 254 && ADDRESS.test(address);
}

interface EmailContent {
  subject: string;
  html: string | null;
  text: string;
}

/** The rendered parts back from the decision path's generic content record. */
function emailContent(content: Record<string, unknown>): EmailContent {
  const { subject, html, text } = content;
  if (typeof subject !== 'string' || typeof text !== 'string' || (html !== null && typeof html !== 'string')) {
    throw new Error('email: rendered content lacks subject/text (render() and deliver() disagree)');
  }
  return { subject, html, text };
}

/** RFC 2369 + RFC 8058 headers: mail clients show "Unsubscribe" and POST to the link in one click. */
export function listUnsubscribeHeaders(input: ChannelInput): Record<string, string> {
  const url = input.context.links?.unsubscribe;
  if ((input.request.category ?? 'marketing') !== 'marketing' || !url) return {};
  return { 'List-Unsubscribe': `<${url}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
}

/** @param links With PUBLIC_URL and the secret, HTML links become tracked redirects plus an open pixel. @default none: sent as rendered */
export function createEmailChannel(email: ActivityDeps['email'], links?: ActivityDeps['links']): ChannelSender {
  if (email) installDataGate(email.transport);
  return {
    channel: 'email',
    configured: email !== null,
    notConfiguredDetail: 'Email is not configured: set SMTP_URL (and EMAIL_FROM) for the worker.',

    async addresses({ contact }) {
      return contact?.email ? [contact.email] : [];
    },

    async render({ request, context, renderer }) {
      const rendered = (await renderer.load({ name: request.template, hash: request.templateVersion })).email(context);
      if (!links || rendered.html === null) return { subject: rendered.subject, html: rendered.html, text: rendered.text };
      // The stored content is what was sent (tracked HTML) plus the original URLs the click links point into.
      const tracked = rewriteLinks(rendered.html, { ...links, messageKey: request.messageKey, customerId: request.customerId, journeyId: request.journeyId, stepId: request.stepId });
      return { subject: rendered.subject, html: tracked.html, text: rendered.text, links: tracked.links };
    },

    async deliver(input, rendered, addresses, markDispatching): Promise<ChannelResult> {
      const { request, store } = input;
      const address = addresses[0];
      if (!email || address === undefined) {
        return { kind: 'final', reason: 'failed:channel_not_configured', detail: 'Email is not configured: set SMTP_URL (and EMAIL_FROM) for the worker.' };
      }
      if (!isPlausibleEmail(address)) {
        return { kind: 'final', reason: 'failed:invalid_address', address, detail: `"${address}" (traits.email of customer ${request.customerId}) is not a valid email address; correct the trait.` };
      }
      const { subject, html, text } = emailContent(rendered);
      const trackedLinks = Array.isArray(rendered.links) ? { links: rendered.links } : {};
      const messageId = stableMessageId(request.messageKey);
      const listHeaders = listUnsubscribeHeaders(input);
      const content = { to: address, subject, html, text, ...trackedLinks, ...(listHeaders['List-Unsubscribe'] ? { listUnsubscribe: listHeaders['List-Unsubscribe'] } : {}) };
      // Runs once the server answered DATA and the message was handed to the connection, before the "." that lets the server accept it.
      const mark: { state: 'not reached' | 'marked' | 'refused'; error?: unknown } = { state: 'not reached' };
      const gate = gatedSendOptions(async () => {
        try {
          await markDispatching?.();
          mark.state = 'marked';
        } catch (error) {
          mark.state = 'refused';
          mark.error = error;
          throw error;
        }
      });
      try {
        const info: unknown = await email.transport.sendMail({
          from: email.from,
          to: { name: '', address },
          subject,
          ...(html !== null ? { html } : {}),
          text,
          messageId,
          headers: { 'X-Touchpoint-Message-Key': request.messageKey, ...listHeaders },
          ...gate.option,
        });
        const providerId = stringField(info, 'messageId') ?? messageId;
        const response = stringField(info, 'response');
        return { kind: 'final', reason: 'sent', address, providerId, content, detail: `Accepted by the SMTP server${response ? `: ${response}` : ''}.` };
      } catch (error) {
        // The connection dropped without "." being sent: nothing can have arrived.
        if (mark.state === 'refused') throw mark.error;
        const failure = classifySmtpError(error);
        if (mark.state === 'marked' && failure.kind === 'transient' && !hasServerReply(error)) {
          // "." may have reached the server, and its answer did not come back: it may have accepted the message.
          return {
            kind: 'final',
            reason: 'unknown:provider_outcome',
            address,
            detail:
              `The message went to the SMTP server in full, then ${failure.detail} before the server answered, so whether it was accepted is unknown. ` +
              `Not resent, so the customer never gets it twice; the SMTP server's log shows whether Message-ID ${messageId} went out.`,
          };
        }
        if (failure.kind === 'invalid_address') {
          // A permanent refusal of the recipient is a hard bounce: no journey may mail it again.
          await store.addSuppression({ channel: 'email', address, reason: 'hard_bounce', detail: failure.detail, at: new Date().toISOString() });
          return { kind: 'final', reason: 'failed:invalid_address', address, detail: `The SMTP server refused the recipient ${address}: ${failure.detail}. The address is now suppressed.` };
        }
        if (failure.kind === 'rejected') {
          return { kind: 'final', reason: 'failed:provider', address, detail: `The SMTP server refused the message for good: ${failure.detail}` };
        }
        return { kind: 'retry', type: 'ProviderUnavailable', detail: `SMTP server unavailable, will retry: ${failure.detail}` };
      } finally {
        gate.release();
      }
    },
  };
}

/** Nodemailer sets `responseCode` when the server answered (e.g. 451 after DATA: refused, safe to retry). */
function hasServerReply(error: unknown): boolean {
  return typeof error === 'object' && error !== null && typeof Reflect.get(error, 'responseCode') === 'number';
}

function stringField(value: unknown, name: string): string | undefined {
  const found: unknown = typeof value === 'object' && value !== null ? Reflect.get(value, name) : undefined;
  return typeof found === 'string' && found !== '' ? found : undefined;
}
