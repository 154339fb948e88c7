// A TCP relay between the worker and the SMTP server that notes which messages the server had
// started to receive: those whose DATA it answered 354 and whose Message-ID header then came
// through. An email in doubt must be one of them (its worker died before "." or before the answer).
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface SmtpTap {
  port: number;
  /** Message-IDs (`<…>`) of messages whose body the SMTP server started to receive. */
  bodiesStarted: ReadonlySet<string>;
  close(): Promise<void>;
}

const MESSAGE_ID = /^message-id:[ \t]*(<[^>\r\n]+>)/im;
/** Headers are looked for in this many bytes of a message, at most. */
const HEADER_WINDOW = 64 * 1024;

export async function startSmtpTap(upstreamPort: number): Promise<SmtpTap> {
  const bodiesStarted = new Set<string>();
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(upstreamPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    }
    // Between the server's 354 and the Message-ID header: the client's bytes so far.
    let body: string | null = null;
    upstream.on('data', (chunk: Buffer) => {
      if (/(^|\n)354[ -]/.test(chunk.toString('latin1'))) body = '';
    });
    client.on('data', (chunk: Buffer) => {
      if (body === null) return;
      body += chunk.toString('latin1');
      const id = MESSAGE_ID.exec(body)?.[1];
      if (id) bodiesStarted.add(id);
      if (id || body.length > HEADER_WINDOW) body = null;
    });
    // pipe() ends the other side once one side ended: bytes already sent (such as a final ".") still go through.
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('error', () => upstream.end());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    bodiesStarted,
    close: () =>
      new Promise<void>((resolve) => {
        sockets.forEach((socket) => socket.destroy());
        server.close(() => resolve());
      }),
  };
}
