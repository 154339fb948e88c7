// Holds an SMTP message's end-of-data mark until a callback (marking the message `dispatching`)
// has finished: until "." ends DATA a server cannot accept the message, so a worker that dies
// earlier leaves nothing at the server and the message can be sent again.
import { Readable } from 'node:stream';
import type { Transporter } from 'nodemailer';

/** A `sendMail` option naming the gate for this message (any other transport ignores it). */
export const DATA_GATE_OPTION = 'touchpointDataGate';

const gates = new Map<string, () => Promise<void>>();
const installed = new WeakSet<Transporter>();
let nextGate = 0;

/**
 * Lets `gatedSendOptions` work on this transport (pooled or not): a 'stream' plugin wraps the
 * message the transport sends in `holdEndOfData`. Idempotent.
 *
 * Why a plugin and not a `raw` stream: nodemailer pipes a `raw` source into its own buffers as
 * soon as the transport opens the message, before MAIL FROM, so reads of it say nothing about
 * DATA. The stream a 'stream' plugin's processFunc returns is the one SMTPConnection.send pipes
 * to the socket, and it pipes it only after the server answered DATA (354).
 */
export function installDataGate(transport: Transporter): void {
  if (installed.has(transport)) return;
  installed.add(transport);
  transport.use('stream', (mail, done) => {
    const id: unknown = Reflect.get(mail.data, DATA_GATE_OPTION);
    const gate = typeof id === 'string' ? gates.get(id) : undefined;
    if (gate) mail.message.processFunc((message) => holdEndOfData(message, gate));
    done();
  });
}

/**
 * Registers `beforeEnd` for one `sendMail` call: spread the returned option into its options and
 * call `release` once it settled.
 */
export function gatedSendOptions(beforeEnd: () => Promise<void>): { option: Record<string, string>; release: () => void } {
  const id = `gate-${process.pid}-${++nextGate}`;
  gates.set(id, beforeEnd);
  return { option: { [DATA_GATE_OPTION]: id }, release: () => gates.delete(id) };
}

/**
 * The message as a stream that starts reading `message` only when its consumer first reads it,
 * and ends only after `beforeEnd` resolved. If `beforeEnd` rejects, the stream errors instead of
 * ending: nodemailer then drops the connection without the end-of-data mark.
 */
export function holdEndOfData(message: Readable, beforeEnd: () => Promise<void>): Readable {
  async function* body(): AsyncGenerator<Buffer | string> {
    for await (const chunk of message) {
      if (typeof chunk !== 'string' && !Buffer.isBuffer(chunk)) throw new Error('smtp-data-gate: the message stream gave a chunk that is neither a Buffer nor a string');
      yield chunk;
    }
    await beforeEnd();
  }
  return Readable.from(body(), { objectMode: false });
}
