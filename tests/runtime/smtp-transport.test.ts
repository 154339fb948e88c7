// The email transport `touchpoint start` builds from SMTP_URL: pooled unless the URL says
// pool=false, so consecutive sends reuse one SMTP connection (one greeting, one EHLO).
import { SMTPServer } from 'smtp-server';
import { loadConfig } from '../../config/env';
import { createSmtpTransport, pooledSmtpUrl } from '../../runtime/smtp-transport';

describe('SMTP_URL in the environment', () => {
  test('a URL that is not smtp:// or smtps:// is refused at start-up, its password hidden', () => {
    expect(() => loadConfig({ SMTP_URL: 'https://apikey:hunter2@smtp.example.com' }, '/tmp')).toThrow(
      'SMTP_URL: write it as smtp://user:pass@host:587 or smtps://user:pass@host:465 (got "https://***@smtp.example.com")',
    );
    expect(loadConfig({ SMTP_URL: 'smtps://apikey:hunter2@smtp.example.com:465' }, '/tmp').SMTP_URL).toBe('smtps://apikey:hunter2@smtp.example.com:465');
  });
});

describe('pooledSmtpUrl', () => {
  test.each([
    ['smtp://127.0.0.1:2525', 'smtp://127.0.0.1:2525?pool=true'],
    ['smtps://apikey:s%2Fecret@smtp.example.com:465', 'smtps://apikey:s%2Fecret@smtp.example.com:465?pool=true'],
    ['smtp://mail.example.com:587?maxConnections=2', 'smtp://mail.example.com:587?maxConnections=2&pool=true'],
    ['smtp://mail.example.com:587?pool=false', 'smtp://mail.example.com:587?pool=false'],
    ['smtp://mail.example.com:587?pool=true&maxMessages=50', 'smtp://mail.example.com:587?pool=true&maxMessages=50'],
  ])('%s → %s', (given, built) => {
    expect(pooledSmtpUrl(given)).toBe(built);
  });

  test.each([
    ['mail.example.com:587', 'mail.example.com:587'],
    ['http://user:hunter2@mail.example.com', 'http://***@mail.example.com'],
    ['not a url', 'not a url'],
  ])('%s is refused with how to write it, and no password in the message', (given, shown) => {
    expect(() => pooledSmtpUrl(given)).toThrow(`SMTP_URL must be an smtp:// or smtps:// URL, not ${shown}; write it as smtp://user:pass@host:587 or smtps://user:pass@host:465`);
  });
});

describe('createSmtpTransport against a real SMTP server', () => {
  let server: SMTPServer;
  let port = 0;
  let connections = 0;
  let received = 0;
  beforeAll(async () => {
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onConnect(_session, callback) {
        connections++;
        callback();
      },
      onData(stream, _session, callback) {
        stream.on('data', () => undefined);
        stream.on('end', () => {
          received++;
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const address = server.server.address();
    port = typeof address === 'object' && address ? address.port : 0;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  async function sendFive(url: string): Promise<{ connections: number; received: number }> {
    const before = { connections, received };
    const transport = createSmtpTransport(url);
    try {
      for (let i = 0; i < 5; i++) await transport.sendMail({ from: 'shop@example.com', to: `c${i}@example.com`, subject: `n${i}`, text: 'hello' });
    } finally {
      transport.close();
    }
    return { connections: connections - before.connections, received: received - before.received };
  }

  test('by default five sends in a row share one connection', async () => {
    expect(await sendFive(`smtp://127.0.0.1:${port}`)).toEqual({ connections: 1, received: 5 });
  });

  test('with pool=false each send opens a connection of its own', async () => {
    expect(await sendFive(`smtp://127.0.0.1:${port}?pool=false`)).toEqual({ connections: 5, received: 5 });
  });
});
