// A real SMTP server for tests (smtp-server on a free or given port) that parses what arrives.
// Recipients starting "rejected" get 550 at RCPT TO; "refused" get 554 after DATA; a test can
// hold the DATA reply (beforeReply) to kill a worker between the provider call and its answer.
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface SmtpSink {
  url: string;
  port: number;
  /** Messages whose DATA was received in full (answered 250 or not). */
  messages: ParsedMail[];
  /** Messages to exactly this address. */
  to(address: string): ParsedMail[];
  /** Resolve once at least `count` messages arrived; reject after `timeoutMs`. */
  waitFor(count: number, timeoutMs?: number): Promise<ParsedMail[]>;
  close(): Promise<void>;
}

export interface SmtpSinkOptions {
  /** @default 0 (a free port) */
  port?: number;
  /** Awaited after a message arrived in full and before the server answers it (250/554). */
  beforeReply?: (mail: ParsedMail) => Promise<void>;
}

const recipient = (mail: ParsedMail) => (mail.to && !Array.isArray(mail.to) ? mail.to.text : '');

export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const messages: ParsedMail[] = [];
  const waiters: Array<() => void> = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (address.address.startsWith('rejected')) return callback(Object.assign(new Error('5.1.1 No such user here'), { responseCode: 550 }));
      callback();
    },
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then(async (mail) => {
          messages.push(mail);
          waiters.splice(0).forEach((wake) => wake());
          await options.beforeReply?.(mail);
          if (recipient(mail).startsWith('refused')) callback(Object.assign(new Error('5.7.1 Message refused by policy'), { responseCode: 554 }));
          else callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  // A client killed mid-conversation resets the socket: that is the point of some tests, not a failure.
  server.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages,
    to: (address) => messages.filter((m) => recipient(m) === address),
    waitFor(count, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const deadline = setTimeout(
          () => reject(new Error(`expected ${count} email(s) within ${timeoutMs} ms, got ${messages.length}: ${messages.map((m) => m.subject).join(' | ')}`)),
          timeoutMs,
        );
        const check = () => {
          if (messages.length >= count) {
            clearTimeout(deadline);
            resolve(messages.slice());
          } else waiters.push(check);
        };
        check();
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A header exactly as it came over the wire (unfolded), e.g. `List-Unsubscribe`; null when absent. */
export function rawHeader(mail: ParsedMail | undefined, name: string): string | null {
  const line = mail?.headerLines.find((h) => h.key === name.toLowerCase())?.line;
  return line === undefined ? null : line.slice(line.indexOf(':') + 1).replace(/\r?\n[ \t]+/g, ' ').trim();
}
