// Activities of the bare-Temporal baselines: nothing, or one email through nodemailer to the
// given SMTP server (the same kind of transport the engine builds: createSmtpTransport(SMTP_URL), pooled).
import { createSmtpTransport } from '../../runtime/smtp-transport';

export interface BareEmail {
  to: string;
  subject: string;
  text: string;
}

export interface BareActivities {
  /** Does nothing: the cost of an activity round trip alone. */
  noop(): Promise<void>;
  /** Sends one plain-text email; throws when the SMTP server refuses it. */
  sendEmail(email: BareEmail): Promise<string>;
}

/** `smtpUrl` unset: sendEmail fails, for baselines that only need noop. */
export function createBareActivities(smtpUrl?: string, from = 'Bench <bench@touchpoint.localhost>'): BareActivities & { close(): void } {
  const transport = smtpUrl ? createSmtpTransport(smtpUrl) : null;
  return {
    async noop() {},
    async sendEmail(email) {
      if (!transport) throw new Error('bench: this bare worker was started without an SMTP URL');
      const info = await transport.sendMail({ from, to: email.to, subject: email.subject, text: email.text });
      return info.messageId;
    },
    close: () => transport?.close(),
  };
}
