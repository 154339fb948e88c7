// The email transport from SMTP_URL: nodemailer over a pool of open connections unless the URL
// says `pool=false`. A new SMTP connection costs a TCP and TLS handshake, the server's greeting
// (servers hold it back on purpose: smtp-server 100 ms, Postfix's postscreen longer) and EHLO,
// which is most of a send's time; pooled connections pay that once per maxMessages (100) sends.
import nodemailer, { type Transporter } from 'nodemailer';
import { hideUrlCredentials } from '../core/url-credentials';

/** SMTP_URL with `pool=true` added when it does not choose (`?pool=false` keeps one connection per message). */
export function pooledSmtpUrl(smtpUrl: string): string {
  let url: URL | null = null;
  try {
    url = new URL(smtpUrl);
  } catch {
    // Answered below, with the URL's password hidden.
  }
  if (!url || (url.protocol !== 'smtp:' && url.protocol !== 'smtps:')) {
    throw new Error(`SMTP_URL must be an smtp:// or smtps:// URL, not ${hideUrlCredentials(smtpUrl)}; write it as smtp://user:pass@host:587 or smtps://user:pass@host:465`);
  }
  if (url.searchParams.has('pool')) return smtpUrl;
  return `${smtpUrl}${smtpUrl.includes('?') ? '&' : '?'}pool=true`;
}

/** The transport `touchpoint start` sends email with. */
export function createSmtpTransport(smtpUrl: string): Transporter {
  return nodemailer.createTransport(pooledSmtpUrl(smtpUrl));
}
