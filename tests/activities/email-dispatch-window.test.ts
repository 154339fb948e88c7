// When an email becomes `dispatching` (in doubt if the worker dies): only after the SMTP server
// answered DATA and took the message, just before the "." that lets it accept the message.
// Against a real SMTP server (smtp-server) that can drop connections, plain and pooled transports.
import { createHash, randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { simpleParser, type ParsedMail } from 'mailparser';
import nodemailer, { type Transporter } from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { createActivities } from '../../activities';
import { stableMessageId } from '../../activities/channels/email';
import type { SendRequest } from '../../activities/contract';
import type { Store } from '../../store/types';
import { createTestStore, type TestStore } from '../support/db';

const NEWS = '{{!-- email.subject --}}\nNews for {{traits.first_name}}\n{{!-- email.text --}}\nHello {{traits.first_name}}.';
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

/** What the server does with the next connections. */
type Mode = 'accept' | 'drop at RCPT TO' | 'drop instead of answering the message';

interface Server {
  port: number;
  mode: Mode;
  /** Messages received in full ("." included). */
  messages: ParsedMail[];
  /** Times the server answered DATA with 354 and started reading a message. */
  dataStarted: number;
  close(): Promise<void>;
}

async function startServer(): Promise<Server> {
  const sockets = new Set<Socket>();
  const dropClient = (remotePort: number | undefined) => [...sockets].filter((s) => s.remotePort === remotePort).forEach((s) => s.destroy());
  const state: Server = {
    port: 0,
    mode: 'accept',
    messages: [],
    dataStarted: 0,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server: SMTPServer = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(_address, session, callback) {
      // No answer, the connection just goes: as if the server or the network died before DATA.
      if (state.mode === 'drop at RCPT TO') return dropClient(session.remotePort);
      callback();
    },
    onData(stream, session, callback) {
      state.dataStarted += 1;
      simpleParser(stream)
        .then((mail) => {
          state.messages.push(mail);
          if (state.mode === 'drop instead of answering the message') dropClient(session.remotePort);
          else callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  server.on('error', () => undefined);
  server.server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.server.address();
  state.port = typeof address === 'object' && address ? address.port : 0;
  return state;
}

/** The store with a hook run instead of markMessageDispatching (it calls the real one when it wants). */
function hookedStore(store: Store, mark: (real: Store['markMessageDispatching'], ...args: Parameters<Store['markMessageDispatching']>) => Promise<void>): Store {
  return new Proxy(store, {
    get(target, name, receiver) {
      if (name !== 'markMessageDispatching') return Reflect.get(target, name, receiver);
      const hooked: Store['markMessageDispatching'] = (key, at) => mark(target.markMessageDispatching.bind(target), key, at);
      return hooked;
    },
  });
}

describe.each([
  { transport: 'a plain SMTP transport', pool: false },
  { transport: 'a pooled SMTP transport (SMTP_URL ?pool=true)', pool: true },
])('email through $transport', ({ pool }) => {
  let testStore: TestStore;
  let store: Store;
  let server: Server;
  let transport: Transporter;

  beforeAll(async () => {
    testStore = await createTestStore('pglite');
    store = testStore.store;
    await store.saveTemplateVersion({ hash: sha(NEWS), name: 'news', source: NEWS });
    server = await startServer();
    transport = nodemailer.createTransport(`smtp://127.0.0.1:${server.port}${pool ? '/?pool=true' : ''}`);
  });
  afterAll(async () => {
    transport?.close();
    await server?.close();
    await testStore?.dispose();
  });
  beforeEach(() => {
    server.mode = 'accept';
  });

  const sendMessage = (storeForSend: Store) => createActivities({ store: storeForSend, email: { transport, from: 'hello@touchpoint.test' }, defaultTimezone: 'UTC' }).sendMessage;

  const newRequest = async (): Promise<SendRequest> => {
    const customerId = `c-${randomUUID().slice(0, 8)}`;
    await store.upsertContact({ customerId, traits: { email: `${customerId}@example.com`, first_name: 'Ada' }, at: new Date().toISOString() });
    return {
      messageKey: `journey/news/${customerId}/run-1/news/1`,
      workflowId: `journey/news/${customerId}`,
      runId: 'run-1',
      journeyId: 'news',
      journeyVersion: 'v1',
      stepId: 'news',
      customerId,
      channel: 'email',
      template: 'news',
      templateVersion: sha(NEWS),
      trigger: { id: `t-${customerId}`, name: 'signed_up', properties: {}, timestamp: '2024-05-01T10:00:00.000Z' },
    };
  };
  const arrived = (request: SendRequest) => server.messages.filter((m) => m.messageId === stableMessageId(request.messageKey));

  test('a connection dropped before DATA leaves the message not dispatching, and the retry sends it exactly once', async () => {
    const request = await newRequest();
    const marks: string[] = [];
    const send = sendMessage(hookedStore(store, async (real, key, at) => {
      marks.push(key);
      await real(key, at);
    }));

    server.mode = 'drop at RCPT TO';
    await expect(send(request)).rejects.toMatchObject({ type: 'ProviderUnavailable' });
    expect(marks).toEqual([]);
    expect(await store.getMessage(request.messageKey)).toMatchObject({ status: 'retrying', reason: null });

    server.mode = 'accept';
    expect(await send(request)).toMatchObject({ reason: 'sent', providerId: stableMessageId(request.messageKey) });
    expect(marks).toEqual([request.messageKey]);
    expect(arrived(request)).toHaveLength(1);
    expect(await store.getMessage(request.messageKey)).toMatchObject({ status: 'done', reason: 'sent', attempts: 2 });
  });

  test('the mark comes after the server answered DATA and before it can accept the message', async () => {
    const request = await newRequest();
    const seen: Array<{ dataStarted: number; arrived: number }> = [];
    const dataStartedBefore = server.dataStarted;
    const send = sendMessage(hookedStore(store, async (real, key, at) => {
      seen.push({ dataStarted: server.dataStarted - dataStartedBefore, arrived: arrived(request).length });
      // Were "." already on its way, the server would have the message by now.
      await sleep(300);
      seen.push({ dataStarted: server.dataStarted - dataStartedBefore, arrived: arrived(request).length });
      await real(key, at);
    }));
    expect(await send(request)).toMatchObject({ reason: 'sent' });
    expect(seen).toEqual([
      { dataStarted: 1, arrived: 0 },
      { dataStarted: 1, arrived: 0 },
    ]);
    expect(arrived(request)).toHaveLength(1);
  });

  test('when another attempt took the message over, the mark fails and the server never gets the message', async () => {
    const request = await newRequest();
    const dataStartedBefore = server.dataStarted;
    // The real store refuses the mark: the row was re-taken (attempt 2) while this attempt talked SMTP.
    const send = sendMessage(hookedStore(store, async (real, key, at) => {
      await store.retakeMessage(key);
      await real(key, at);
    }));
    await expect(send(request)).rejects.toMatchObject({ type: 'SendAttemptSuperseded', message: expect.stringContaining('another attempt owns it') });
    await sleep(300);
    expect(server.dataStarted - dataStartedBefore).toBe(1);
    expect(arrived(request)).toHaveLength(0);
    expect(await store.getMessage(request.messageKey)).toMatchObject({ status: 'deciding', attempts: 2 });

    // The attempt that owns it sends it, once; the transport is still usable.
    expect(await sendMessage(store)(request)).toMatchObject({ reason: 'sent' });
    expect(arrived(request)).toHaveLength(1);
  });

  test('a connection lost after the whole message went and before the answer ends as unknown:provider_outcome, never resent', async () => {
    const request = await newRequest();
    server.mode = 'drop instead of answering the message';
    const outcome = await sendMessage(store)(request);
    expect(outcome).toMatchObject({ reason: 'unknown:provider_outcome', detail: expect.stringContaining(`Message-ID ${stableMessageId(request.messageKey)}`) });
    server.mode = 'accept';
    expect(await sendMessage(store)(request)).toEqual(outcome);
    expect(arrived(request)).toHaveLength(1);
  });
});
