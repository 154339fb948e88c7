// GET/POST /u/<token>: a signed unsubscribe link, and RFC 8058 one-click unsubscribe (the
// POST mail clients send with body `List-Unsubscribe=One-Click`). Both opt the customer out
// of marketing on the token's channel, at once, and show a page; repeating is harmless.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { verifyUnsubscribeToken } from '../../consent/tokens';
import type { Store } from '../../store/types';
import { invalidLinkPage, unsubscribedPage } from './unsubscribe-page';

export interface UnsubscribeRoutesDeps {
  store: Store;
  /** The HMAC secret the worker signs links with (resolveSecret). */
  secret: string;
  /** The clock for consent changes. @default () => new Date() */
  now?: () => Date;
}

export function unsubscribeRoutes(deps: UnsubscribeRoutesDeps): (app: FastifyInstance) => Promise<void> {
  const now = deps.now ?? (() => new Date());
  return async (app) => {
    // Scoped to this plugin: the JSON API keeps refusing forms. Any other body is read and ignored.
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(String(body))));
    });
    app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 4096 }, (_request, body, done) => done(null, String(body)));

    const unsubscribe = async (token: string, source: string, reply: FastifyReply) => {
      // The token is in the URL: never cache the page, never send it on as a referrer.
      reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').header('x-robots-tag', 'noindex');
      reply.header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'").type('text/html; charset=utf-8');
      const claims = verifyUnsubscribeToken(deps.secret, token);
      if (!claims) return reply.code(400).send(invalidLinkPage());
      const current = (await deps.store.getConsent(claims.customerId))[claims.channel];
      const already = current?.status === 'unsubscribed';
      if (!already) {
        await deps.store.setConsent({
          customerId: claims.customerId,
          channel: claims.channel,
          status: 'unsubscribed',
          source,
          reason: claims.messageKey ? `link in message ${claims.messageKey}` : null,
          by: null,
          at: now().toISOString(),
        });
      }
      return reply.code(200).send(unsubscribedPage(claims.channel, already));
    };

    // A wildcard, not `:token`: tokens are longer than Fastify's 100-character limit on a named parameter.
    app.get<{ Params: { '*': string } }>('/u/*', (request, reply) => unsubscribe(request.params['*'], 'unsubscribe_link', reply));
    app.post<{ Params: { '*': string } }>('/u/*', (request, reply) => {
      const body: unknown = request.body;
      const oneClick = typeof body === 'object' && body !== null && Reflect.get(body, 'List-Unsubscribe') === 'One-Click';
      return unsubscribe(request.params['*'], oneClick ? 'list_unsubscribe' : 'unsubscribe_link', reply);
    });
  };
}
