// A local Web Push service for tests: it speaks RFC 8030 over HTTP, checks the VAPID header
// (RFC 8292) and decrypts the aes128gcm body (RFC 8291/8188) with the subscription's own
// keys, written here from the RFCs with node:crypto so it checks the web-push library.
import { createECDH, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { checkVapid, decrypt, Refusal, type VapidClaims } from './push-protocol-checks';

/** What a browser's PushSubscription.toJSON() gives a site, plus the test's handle. */
export interface TestSubscription {
  id: string;
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

/** One push message the service accepted, decrypted. */
export interface ReceivedPush {
  subscriptionId: string;
  endpoint: string;
  /** The decrypted payload as text (padding and delimiter stripped). */
  text: string;
  /** The payload parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
  /** The whole JWT from `Authorization: vapid t=…`. */
  jwt: string;
  claims: VapidClaims;
  /** The `k=` key (base64url). */
  vapidKey: string;
  ttl: number;
  urgency: string | null;
  topic: string | null;
  /** The Location the service answered with. */
  location: string;
}

/** A request the service refused, and why (for assertions and debugging). */
export interface RefusedPush {
  endpoint: string;
  status: number;
  reason: string;
}

export type { VapidClaims };

export interface PushService {
  /** `http://127.0.0.1:<port>`: the VAPID audience this service expects. */
  origin: string;
  /**
   * A new subscription like a browser makes: a fresh P-256 key pair and 16-byte auth secret.
   * With `applicationServerKey`, messages signed by another VAPID key are refused (403).
   */
  subscribe(options?: { applicationServerKey?: string }): TestSubscription;
  /** Answer the next requests to this subscription with these statuses (then accept again). */
  script(subscription: TestSubscription, ...statuses: number[]): void;
  /** Answer 410 Gone from now on (the browser unsubscribed). */
  expire(subscription: TestSubscription): void;
  received: ReceivedPush[];
  refused: RefusedPush[];
  /** Resolve once `count` messages were accepted; reject after `timeoutMs`. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedPush[]>;
  close(): Promise<void>;
}

interface Subscriber {
  id: string;
  ecdh: ReturnType<typeof createECDH>;
  publicKey: Buffer;
  auth: Buffer;
  restrictedTo: string | null;
  scripted: number[];
  gone: boolean;
}

const b64u = (data: Buffer) => data.toString('base64url');

export async function startPushService(): Promise<PushService> {
  const subscribers = new Map<string, Subscriber>();
  const received: ReceivedPush[] = [];
  const refused: RefusedPush[] = [];
  const waiters: Array<() => void> = [];
  let origin = '';

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const body = await readBody(request);
    const endpoint = `${origin}${request.url ?? ''}`;
    try {
      const match = /^\/push\/([\w-]+)$/.exec(request.url ?? '');
      const subscriber = match?.[1] ? subscribers.get(match[1]) : undefined;
      if (request.method !== 'POST') throw new Refusal(405, 'only POST delivers a push message');
      if (!subscriber) throw new Refusal(404, 'no such subscription');
      if (subscriber.gone) throw new Refusal(410, 'subscription expired');
      const scripted = subscriber.scripted.shift();
      if (scripted !== undefined) throw new Refusal(scripted, `scripted answer ${scripted}`);
      const vapid = checkVapid(request.headers.authorization, origin, subscriber.restrictedTo);
      const ttl = Number(header(request, 'ttl'));
      if (!Number.isInteger(ttl) || ttl < 0) throw new Refusal(400, 'the TTL header is required (RFC 8030 §5.2)');
      if (header(request, 'content-encoding') !== 'aes128gcm') throw new Refusal(400, 'Content-Encoding must be aes128gcm (RFC 8291)');
      if (body.length > 4096) throw new Refusal(413, 'payload larger than 4096 bytes');
      const text = decrypt(body, subscriber).toString('utf8');
      const location = `${origin}/message/${randomUUID()}`;
      received.push({
        subscriptionId: subscriber.id,
        endpoint,
        text,
        json: parseJson(text),
        ...vapid,
        ttl,
        urgency: header(request, 'urgency'),
        topic: header(request, 'topic'),
        location,
      });
      waiters.splice(0).forEach((wake) => wake());
      response.writeHead(201, { location }).end();
    } catch (error) {
      const status = error instanceof Refusal ? error.status : 400;
      const reason = error instanceof Error ? error.message : String(error);
      refused.push({ endpoint, status, reason });
      response.writeHead(status, { 'content-type': 'text/plain', ...(status === 429 ? { 'retry-after': '1' } : {}) }).end(reason);
    }
  };

  const server = createServer((request, response) => {
    handle(request, response).catch(() => response.writeHead(500).end());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  const subscriberOf = (subscription: TestSubscription) => {
    const found = subscribers.get(subscription.id);
    if (!found) throw new Error(`push service ${origin} has no subscription ${subscription.id}`);
    return found;
  };

  return {
    origin,
    received,
    refused,
    subscribe(options = {}) {
      const ecdh = createECDH('prime256v1');
      ecdh.generateKeys();
      const id = randomUUID();
      const subscriber: Subscriber = { id, ecdh, publicKey: ecdh.getPublicKey(), auth: randomBytes(16), restrictedTo: options.applicationServerKey ?? null, scripted: [], gone: false };
      subscribers.set(id, subscriber);
      return { id, endpoint: `${origin}/push/${id}`, keys: { p256dh: b64u(subscriber.publicKey), auth: b64u(subscriber.auth) } };
    },
    script(subscription, ...statuses) {
      subscriberOf(subscription).scripted.push(...statuses);
    },
    expire(subscription) {
      subscriberOf(subscription).gone = true;
    },
    waitFor(count, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`push service ${origin}: ${received.length} of ${count} messages after ${timeoutMs} ms; refused: ${JSON.stringify(refused)}`)), timeoutMs);
        const check = () => {
          if (received.length >= count) {
            clearTimeout(timer);
            resolve(received.slice());
          } else waiters.push(check);
        };
        check();
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function header(request: IncomingMessage, name: string): string | null {
  const value = request.headers[name];
  return typeof value === 'string' ? value : null;
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
