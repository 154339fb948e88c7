// The email channel: the customer's email column, the rendered template, one SMTP send with a
// Message-ID derived from the message key, so a receiving server can spot any duplicate.
import { createHash } from 'node:crypto';
import { TemplateVersionMissingError } from '../../render/renderer';
import type { ActivityDeps } from '../contract';
import type { ChannelResult, ChannelSender } from './channel';
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

export function createEmailChannel(email: ActivityDeps['email']): ChannelSender {
  return {
    channel: 'email',
    async send({ request, contact, context, renderer }): Promise<ChannelResult> {
      const address = contact?.email ?? null;
      if (!address) {
        return { kind: 'final', reason: 'skipped:no_address', detail: `Customer ${request.customerId} has no email address (traits.email is empty or missing); nothing was sent.` };
      }
      if (!email) {
        return { kind: 'final', reason: 'failed:channel_not_configured', address, detail: 'Email is not configured: set SMTP_URL (and EMAIL_FROM) for the worker.' };
      }
      if (!isPlausibleEmail(address)) {
        return { kind: 'final', reason: 'failed:invalid_address', address, detail: `"${address}" (traits.email of customer ${request.customerId}) is not a valid email address; correct the trait.` };
      }

      let rendered;
      try {
        rendered = (await renderer.load({ name: request.template, hash: request.templateVersion })).email(context);
      } catch (error) {
        const missing = error instanceof TemplateVersionMissingError;
        return { kind: 'retry', type: missing ? 'TemplateVersionMissing' : 'TemplateRenderFailed', nonRetryable: !missing, detail: message(error) };
      }

      const messageId = stableMessageId(request.messageKey);
      const content = { to: address, subject: rendered.subject, html: rendered.html, text: rendered.text };
      try {
        const info: unknown = await email.transport.sendMail({
          from: email.from,
          to: { name: '', address },
          subject: rendered.subject,
          ...(rendered.html !== null ? { html: rendered.html } : {}),
          text: rendered.text,
          messageId,
          headers: { 'X-Touchpoint-Message-Key': request.messageKey },
        });
        const providerId = stringField(info, 'messageId') ?? messageId;
        const response = stringField(info, 'response');
        return { kind: 'final', reason: 'sent', address, providerId, content, detail: `Accepted by the SMTP server${response ? `: ${response}` : ''}.` };
      } catch (error) {
        const failure = classifySmtpError(error);
        if (failure.kind === 'invalid_address') {
          return { kind: 'final', reason: 'failed:invalid_address', address, detail: `The SMTP server refused the recipient ${address}: ${failure.detail}` };
        }
        if (failure.kind === 'rejected') {
          return { kind: 'final', reason: 'failed:provider', address, detail: `The SMTP server refused the message for good: ${failure.detail}` };
        }
        return { kind: 'retry', type: 'ProviderUnavailable', detail: `SMTP server unavailable, will retry: ${failure.detail}` };
      }
    },
  };
}

function stringField(value: unknown, name: string): string | undefined {
  const found: unknown = typeof value === 'object' && value !== null ? Reflect.get(value, name) : undefined;
  return typeof found === 'string' && found !== '' ? found : undefined;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));
