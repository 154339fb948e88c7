// A catch-all SMTP server for `npm start` without SMTP_URL: keeps every email it receives
// under <dataDir>/mail so a newcomer sees what a journey sent without any account.
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface CaughtMail {
  id: string;
  receivedAt: string;
  from: string;
  to: string[];
  subject: string;
  messageId: string | null;
  /** File name of the raw message (.eml) inside the mail folder. */
  file: string;
  /** File name of the HTML body, when there is one. */
  htmlFile: string | null;
}

export interface LocalSmtp {
  /** `smtp://127.0.0.1:<port>`, for nodemailer. */
  url: string;
  port: number;
  mailDir: string;
  list(): Promise<CaughtMail[]>;
  stop(): Promise<void>;
}

/** Start the catch-all on `port` (0 → any free port); `onMail` hears of each message kept. */
export async function startLocalSmtp(opts: { port: number; mailDir: string; onMail?: (mail: CaughtMail) => void }): Promise<LocalSmtp> {
  await mkdir(opts.mailDir, { recursive: true });
  const index = join(opts.mailDir, 'index.jsonl');
  let sequence = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    banner: 'Touchpoint local catch-all',
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        const receivedAt = new Date();
        const id = `${receivedAt.toISOString().replace(/[:.]/g, '-')}-${process.pid}-${++sequence}`;
        keep(raw, id, receivedAt, session.envelope.rcptTo.map((r) => r.address), session.envelope.mailFrom ? session.envelope.mailFrom.address : '')
          .then((mail) => {
            opts.onMail?.(mail);
            callback();
          })
          .catch((error: Error) => callback(error));
      });
    },
  });

  async function keep(raw: Buffer, id: string, receivedAt: Date, to: string[], from: string): Promise<CaughtMail> {
    const parsed = await simpleParser(raw);
    const file = `${id}.eml`;
    await writeFile(join(opts.mailDir, file), raw);
    let htmlFile: string | null = null;
    if (typeof parsed.html === 'string') {
      htmlFile = `${id}.html`;
      await writeFile(join(opts.mailDir, htmlFile), parsed.html);
    }
    const mail: CaughtMail = { id, receivedAt: receivedAt.toISOString(), from, to, subject: parsed.subject ?? '', messageId: parsed.messageId ?? null, file, htmlFile };
    await appendFile(index, `${JSON.stringify(mail)}\n`);
    return mail;
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new Error(`Port ${opts.port} for the local SMTP catch-all is taken; set LOCAL_SMTP_PORT to a free port or SMTP_URL to a real server.`) : error),
    );
    server.listen(opts.port, '127.0.0.1', () => resolve());
  });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    mailDir: opts.mailDir,
    async list() {
      const text = await readFile(index, 'utf8').catch(() => '');
      return text
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as CaughtMail);
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
