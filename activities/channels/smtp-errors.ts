// Reading nodemailer/SMTP failures: which mean "this address is bad" (final), "the server
// refused for good" (final), and which are worth retrying (connections, 4xx, auth).

export type SmtpFailure =
  | { kind: 'invalid_address'; detail: string }
  | { kind: 'rejected'; detail: string }
  | { kind: 'transient'; detail: string };

const field = (error: unknown, name: string): unknown =>
  typeof error === 'object' && error !== null ? Reflect.get(error, name) : undefined;

/** Classify an error thrown by `transport.sendMail`. */
export function classifySmtpError(error: unknown): SmtpFailure {
  const code = field(error, 'code');
  const command = String(field(error, 'command') ?? '');
  const responseCode = Number(field(error, 'responseCode'));
  const message = String(field(error, 'message') ?? error);
  const detail = `${command && command !== 'API' ? `${command}: ` : ''}${message}`;
  // Nodemailer refuses a malformed recipient itself, before talking to the server.
  if (code === 'EENVELOPE' && command === 'API' && /recipient/i.test(message)) return { kind: 'invalid_address', detail };
  // Credentials can be fixed while Temporal backs off; they say nothing about the recipient.
  if (code === 'EAUTH' || code === 'ENOAUTH') return { kind: 'transient', detail };
  if (responseCode >= 500 && responseCode < 600) {
    return /RCPT/i.test(command) ? { kind: 'invalid_address', detail } : { kind: 'rejected', detail };
  }
  return { kind: 'transient', detail };
}
