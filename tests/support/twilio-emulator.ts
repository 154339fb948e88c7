// A local HTTP server speaking Twilio's Messages API (Basic auth, form fields, Twilio's JSON and
// error bodies), with scriptable failures, and a signer that calls webhooks the way Twilio does.
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

export interface EmulatedMessage {
  sid: string;
  to: string;
  from: string | null;
  messagingServiceSid: string | null;
  body: string;
  statusCallback: string | null;
  numSegments: number;
  dateCreated: string;
}

/** What the next Messages.json POST answers instead of accepting it. */
export type EmulatedFailure =
  | { kind: 'server_error' }
  | { kind: 'rate_limited'; retryAfterSeconds?: number }
  | { kind: 'invalid_to' }
  | { kind: 'not_mobile' }
  | { kind: 'unsubscribed' }
  /** Accept and record the message, then drop the connection before answering (the in-doubt case). */
  | { kind: 'accept_then_hang_up' };

export interface WebhookAnswer {
  status: number;
  contentType: string;
  body: string;
}

export interface TwilioEmulator {
  /** Base URL for TWILIO_API_URL. */
  url: string;
  accountSid: string;
  authToken: string;
  /** Accepted messages, in order. */
  messages: EmulatedMessage[];
  /** Every Messages.json POST, answered or not. */
  requests: number;
  /** Answer the next `count` Messages.json POSTs with `failure`. */
  failNext(failure: EmulatedFailure, count?: number): void;
  /** X-Twilio-Signature for a POST of `params` to `url`. @default signed with the emulator's auth token */
  sign(url: string, params: Record<string, string>, authToken?: string): string;
  /**
   * Deliver webhooks for URLs under `publicBase` to `localBase` instead, like a reverse proxy in
   * front of Touchpoint: the signature still covers the public URL Twilio was given.
   */
  forward(publicBase: string, localBase: string): void;
  /** POST a signed webhook the way Twilio does (form body, X-Twilio-Signature). */
  post(url: string, params: Record<string, string>, options?: { signature?: string }): Promise<WebhookAnswer>;
  /** POST a status callback for an accepted message to its StatusCallback URL. */
  sendStatus(sid: string, status: string, options?: { errorCode?: number; signature?: string }): Promise<WebhookAnswer>;
  /** POST an inbound text from `from` to `url`. */
  sendInbound(url: string, text: { from: string; body: string; to?: string }, options?: { signature?: string }): Promise<WebhookAnswer>;
  stop(): Promise<void>;
}

const sid = (prefix: string) => `${prefix}${randomBytes(16).toString('hex')}`;
const E164 = /^\+[1-9]\d{6,14}$/;
const rfc2822 = (date: Date) => date.toUTCString().replace('GMT', '+0000');

/** Twilio's algorithm: HMAC-SHA1 keyed by the auth token over the URL then each param name+value, names sorted; base64. */
export function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, key) => acc + key + params[key], url);
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf-8')).digest('base64');
}

function twilioError(response: ServerResponse, status: number, code: number, message: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status }));
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf-8');
}

export async function startTwilioEmulator(options: { accountSid?: string; authToken?: string } = {}): Promise<TwilioEmulator> {
  const accountSid = options.accountSid ?? sid('AC');
  const authToken = options.authToken ?? randomBytes(16).toString('hex');
  const messages: EmulatedMessage[] = [];
  const failures: EmulatedFailure[] = [];
  let requests = 0;
  const forwards = new Map<string, string>();
  const delivered = (url: string) => {
    for (const [publicBase, localBase] of forwards) if (url.startsWith(publicBase)) return `${localBase}${url.slice(publicBase.length)}`;
    return url;
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) twilioError(response, 500, 20500, `Emulator failure: ${String(error)}`);
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://emulator').pathname;
    const route = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/.exec(path);
    if (!route || request.method !== 'POST') return twilioError(response, 404, 20404, `The requested resource ${path} was not found`);
    const auth = /^Basic (.+)$/.exec(request.headers.authorization ?? '');
    const [user, password] = auth?.[1] ? Buffer.from(auth[1], 'base64').toString('utf-8').split(':') : [];
    if (user !== accountSid || password !== authToken) {
      response.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Basic realm="Twilio API"' });
      response.end(JSON.stringify({ code: 20003, detail: 'Your AccountSid or AuthToken was incorrect.', message: 'Authenticate', more_info: 'https://www.twilio.com/docs/errors/20003', status: 401 }));
      return;
    }
    if (route[1] !== accountSid) return twilioError(response, 404, 20404, `The requested resource ${path} was not found`);
    requests += 1;
    const form = new URLSearchParams(await readBody(request));
    const to = form.get('To') ?? '';
    const from = form.get('From');
    const messagingServiceSid = form.get('MessagingServiceSid');
    const body = form.get('Body') ?? '';

    const failure = failures.shift();
    if (failure?.kind === 'server_error') return twilioError(response, 500, 20500, 'Internal Server Error');
    if (failure?.kind === 'rate_limited') return twilioError(response, 429, 20429, 'Too Many Requests', { 'retry-after': String(failure.retryAfterSeconds ?? 1) });
    if (failure?.kind === 'unsubscribed') return twilioError(response, 400, 21610, 'Attempt to send to unsubscribed recipient');
    if (failure?.kind === 'not_mobile') return twilioError(response, 400, 21614, `'To' number ${to} is not a valid mobile number`);
    if (!to) return twilioError(response, 400, 21604, "A 'To' phone number is required.");
    if (failure?.kind === 'invalid_to' || !E164.test(to)) return twilioError(response, 400, 21211, `The 'To' number ${to} is not a valid phone number.`);
    if (!from && !messagingServiceSid) return twilioError(response, 400, 21603, "A 'From' or 'MessagingServiceSid' parameter is required to send a message.");
    if (!body) return twilioError(response, 400, 21602, 'Message body is required.');
    if (body.length > 1600) return twilioError(response, 400, 21617, 'The concatenated message body exceeds the 1600 character limit.');

    const now = new Date();
    const numSegments = body.length <= 160 ? 1 : Math.ceil(body.length / 153);
    const message: EmulatedMessage = { sid: sid('SM'), to, from, messagingServiceSid, body, statusCallback: form.get('StatusCallback'), numSegments, dateCreated: rfc2822(now) };
    messages.push(message);
    if (failure?.kind === 'accept_then_hang_up') {
      request.socket.destroy();
      return;
    }
    const uri = `/2010-04-01/Accounts/${accountSid}/Messages/${message.sid}.json`;
    response.writeHead(201, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({
        account_sid: accountSid,
        api_version: '2010-04-01',
        body,
        date_created: message.dateCreated,
        date_sent: null,
        date_updated: message.dateCreated,
        direction: 'outbound-api',
        error_code: null,
        error_message: null,
        from,
        messaging_service_sid: messagingServiceSid,
        // A Messaging Service picks the sender later: Twilio answers "accepted" and 0 segments then.
        num_media: '0',
        num_segments: messagingServiceSid ? '0' : String(numSegments),
        price: null,
        price_unit: 'USD',
        sid: message.sid,
        status: messagingServiceSid ? 'accepted' : 'queued',
        subresource_uris: { media: `${uri.replace(/\.json$/, '')}/Media.json` },
        to,
        uri,
      }),
    );
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  const emulator: TwilioEmulator = {
    url: `http://127.0.0.1:${port}`,
    accountSid,
    authToken,
    messages,
    get requests() {
      return requests;
    },
    failNext(failure, count = 1) {
      for (let i = 0; i < count; i++) failures.push(failure);
    },
    sign: (url, params, token = authToken) => twilioSignature(token, url, params),
    forward(publicBase, localBase) {
      forwards.set(publicBase.replace(/\/+$/, ''), localBase.replace(/\/+$/, ''));
    },
    async post(url, params, postOptions = {}) {
      const response = await fetch(delivered(url), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': postOptions.signature ?? emulator.sign(url, params), 'user-agent': 'TwilioProxy/1.1' },
        body: new URLSearchParams(params).toString(),
      });
      return { status: response.status, contentType: response.headers.get('content-type') ?? '', body: await response.text() };
    },
    async sendStatus(messageSid, status, statusOptions = {}) {
      const message = messages.find((m) => m.sid === messageSid);
      if (!message?.statusCallback) throw new Error(`Emulator: message ${messageSid} was not accepted with a StatusCallback URL`);
      const params: Record<string, string> = {
        AccountSid: accountSid,
        ApiVersion: '2010-04-01',
        From: message.from ?? '+15005550006',
        MessageSid: message.sid,
        MessageStatus: status,
        SmsSid: message.sid,
        SmsStatus: status,
        To: message.to,
        ...(message.messagingServiceSid ? { MessagingServiceSid: message.messagingServiceSid } : {}),
        ...(statusOptions.errorCode !== undefined ? { ErrorCode: String(statusOptions.errorCode) } : {}),
      };
      return emulator.post(message.statusCallback, params, statusOptions.signature ? { signature: statusOptions.signature } : {});
    },
    async sendInbound(url, text, inboundOptions = {}) {
      const messageSid = sid('SM');
      const params: Record<string, string> = {
        AccountSid: accountSid,
        ApiVersion: '2010-04-01',
        Body: text.body,
        From: text.from,
        MessageSid: messageSid,
        NumMedia: '0',
        NumSegments: '1',
        SmsMessageSid: messageSid,
        SmsSid: messageSid,
        SmsStatus: 'received',
        To: text.to ?? '+15005550006',
      };
      return emulator.post(url, params, inboundOptions.signature ? { signature: inboundOptions.signature } : {});
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return emulator;
}
