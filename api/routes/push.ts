// Web push routes: browser subscriptions behind API keys (/v1/push-subscriptions), and the
// public side a site uses — VAPID key, service worker, client script, click reports.
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { verifyPushClick } from '../../activities/channels/push-click-token';
import { endpointRefusal } from '../../activities/channels/push-send';
import { checkTargetNow } from '../../net/agents';
import { publicOnly, type TargetPolicy } from '../../net/targets';
import type { LoggedEventInput, Store } from '../../store/types';
import { bearerAuth, type ApiKey } from '../auth';
import { HttpError, invalidBody } from '../http-error';
import { toLoggedEvent } from '../ingest';
import { PushClickRequestSchema, PushSubscriptionRequestSchema, PushUnsubscribeRequestSchema } from './push-schemas';

export interface PushRoutesDeps {
  store: Store;
  /** Accepted bearer keys for /v1/push-subscriptions. */
  /** Keys allowed to register subscriptions (your site's backend): ingest or admin roles. */
  apiKeys: readonly (string | ApiKey)[];
  /** The VAPID public key browsers subscribe with (applicationServerKey). */
  vapidPublicKey: string;
  /** Touchpoint's public base URL (PUBLIC_URL). */
  publicUrl: string;
  /** HMAC secret that signs click tokens; without it POST /push/clicks answers 404. */
  secret?: string;
  /** The event path (api/ingest.ts `ingest` with its deps); without it clicks are only logged, not routed to journeys. */
  ingest?: (event: LoggedEventInput) => Promise<unknown>;
  /** Non-public push services subscriptions may name (PUSH_ALLOWED_PRIVATE_TARGETS). @default public https endpoints only */
  allowedTargets?: TargetPolicy;
  /** Where sw.js and touchpoint-push.js are. @default the repository's public/ folder */
  publicDir?: string;
}

const SCRIPTS = { 'sw.js': 'sw.js', 'touchpoint-push.js': 'touchpoint-push.js' } as const;

/** A Fastify plugin with every push route; the lead registers it through createApiServer's `plugins`. */
export function pushRoutes(deps: PushRoutesDeps): (app: FastifyInstance) => Promise<void> {
  return async (app) => {
    const publicDir = deps.publicDir ?? (await findPublicDir());
    const scripts = new Map<string, { body: string; etag: string }>();
    for (const name of Object.values(SCRIPTS)) {
      const body = await readFile(join(publicDir, name), 'utf8');
      scripts.set(name, { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"` });
    }
    const now = () => new Date().toISOString();
    const policy = deps.allowedTargets ?? publicOnly('PUSH_ALLOWED_PRIVATE_TARGETS');

    await app.register(async (v1) => {
      v1.addHook('onRequest', bearerAuth(deps.apiKeys, { roles: ['ingest', 'admin'], purpose: 'register push subscriptions' }));
      v1.post('/v1/push-subscriptions', async (request, reply) => {
        const { userId, subscription, userAgent } = parse(PushSubscriptionRequestSchema, request.body, 'push subscription body');
        // https to a public push service only: checked now (scheme, literal address, what the name
        // resolves to) and again on every connection when sending (DNS can change).
        const why = endpointRefusal(subscription.endpoint, policy) ?? (await checkTargetNow(policy, new URL(subscription.endpoint)));
        if (why) {
          const message = `subscription.endpoint is refused: ${why}`;
          throw new HttpError(400, 'invalid_request', `Invalid push subscription body: ${message}. A browser's PushSubscription.endpoint is an https URL of its push service (FCM, Mozilla, Apple, Microsoft).`, [{ path: ['subscription', 'endpoint'], message, code: 'refused_target' }]);
        }
        const saved = await deps.store.savePushSubscription({
          customerId: userId,
          endpoint: subscription.endpoint,
          p256dh: subscription.keys.p256dh,
          auth: subscription.keys.auth,
          userAgent: userAgent ?? null,
          at: now(),
        });
        return reply.code(201).send({ userId: saved.customerId, endpoint: saved.endpoint, createdAt: saved.createdAt });
      });
      v1.delete('/v1/push-subscriptions', async (request, reply) => {
        const query: unknown = request.query;
        const body = request.body ?? (isRecord(query) && typeof query.endpoint === 'string' ? { endpoint: query.endpoint } : undefined);
        const { endpoint } = parse(PushUnsubscribeRequestSchema, body, 'push unsubscribe body (or ?endpoint=)');
        if (!(await deps.store.deletePushSubscription(endpoint))) {
          throw new HttpError(404, 'not_found', `No push subscription has the endpoint ${endpoint}; it was never stored or is already removed.`);
        }
        return reply.code(204).send();
      });
    });

    // Public routes, called from customers' browsers on other origins: CORS for everyone,
    // since nothing here is readable without a token Touchpoint signed.
    await app.register(async (open) => {
      open.addHook('onSend', async (_request, reply) => {
        reply.header('access-control-allow-origin', '*');
      });
      // The service worker posts clicks as text/plain to stay a CORS "simple" request.
      open.addContentTypeParser('text/plain', { parseAs: 'string' }, (_request, body, done) => {
        try {
          done(null, JSON.parse(String(body)));
        } catch {
          done(new HttpError(400, 'invalid_json', 'The body is not valid JSON; send {"token": "..."}.'), undefined);
        }
      });
      open.get('/push/vapid-public-key', async (_request, reply) => {
        return reply.header('cache-control', 'public, max-age=300').send({ publicKey: deps.vapidPublicKey });
      });
      open.get('/push/sw.js', async (request, reply) => sendScript(request, reply, scripts.get(SCRIPTS['sw.js']), 'no-cache', { 'service-worker-allowed': '/' }));
      open.get('/push/touchpoint-push.js', async (request, reply) => sendScript(request, reply, scripts.get(SCRIPTS['touchpoint-push.js']), 'public, max-age=3600'));
      open.options('/push/clicks', async (_request, reply) => {
        return reply.code(204).headers({ 'access-control-allow-methods': 'POST', 'access-control-allow-headers': 'content-type', 'access-control-max-age': '86400' }).send();
      });
      open.post('/push/clicks', async (request, reply) => {
        if (!deps.secret) throw new HttpError(404, 'not_found', 'Push click reporting is off on this Touchpoint: it has no TOUCHPOINT_SECRET to verify click tokens.');
        const { token } = parse(PushClickRequestSchema, request.body, 'push click body');
        const click = verifyPushClick(deps.secret, token);
        if (!click) throw new HttpError(400, 'invalid_token', 'This push click token was not signed by this Touchpoint or was altered; the click is not recorded.');
        // One event per message: repeated clicks (or devices) share the messageId and are de-duplicated.
        const messageId = `push.clicked:${createHash('sha256').update(click.messageKey).digest('hex').slice(0, 40)}`;
        const event = toLoggedEvent(
          {
            type: 'track',
            userId: click.customerId,
            event: 'push.clicked',
            properties: { journey_id: click.journeyId, step_id: click.stepId, message_key: click.messageKey },
            messageId,
          },
          now(),
        );
        if (deps.ingest) await deps.ingest(event);
        else await deps.store.recordEvent(event);
        return reply.code(202).send({ messageId });
      });
    });
  };
}

async function sendScript(request: FastifyRequest, reply: FastifyReply, script: { body: string; etag: string } | undefined, cacheControl: string, extra: Record<string, string> = {}) {
  if (!script) throw new HttpError(404, 'not_found', 'This script is not installed; reinstall Touchpoint (its public/ folder is missing).');
  reply.headers({ 'content-type': 'text/javascript; charset=utf-8', 'cache-control': cacheControl, etag: script.etag, ...extra });
  if (request.headers['if-none-match'] === script.etag) return reply.code(304).send();
  return reply.send(script.body);
}

/** public/ beside the sources (api/routes → ../../public) or beside dist/ (dist/api/routes → ../../../public). */
async function findPublicDir(): Promise<string> {
  for (const candidate of [resolve(__dirname, '../../public'), resolve(__dirname, '../../../public')]) {
    if (await stat(join(candidate, 'sw.js')).then(() => true, () => false)) return candidate;
  }
  throw new Error(`Touchpoint's public/ folder (sw.js, touchpoint-push.js) is not beside ${__dirname}; reinstall Touchpoint or pass publicDir.`);
}

function parse<T extends z.ZodType>(schema: T, body: unknown, what: string): z.output<T> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw invalidBody(parsed.error, what);
  return parsed.data;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
