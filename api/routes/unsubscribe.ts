// GET/HEAD/POST /u/<token>: a signed unsubscribe link. GET and HEAD only show a confirmation
// page (mail scanners and link previews fetch every link: a fetch must change nothing); the
// page's POST and the RFC 8058 one-click POST (body `List-Unsubscribe=One-Click`, urlencoded or
// multipart) opt the customer out of marketing on the token's channel. Repeating is harmless.
// Pages speak the customer's language: traits.locale, then Accept-Language.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { verifyUnsubscribeToken, type UnsubscribeClaims } from '../../consent/tokens';
import { pickPageLanguage, type PageLanguage } from '../../render/page-language';
import type { Store } from '../../store/types';
import { confirmUnsubscribePage, invalidLinkPage, unsubscribedPage } from './unsubscribe-page';

export interface UnsubscribeRoutesDeps {
  store: Store;
  /** The HMAC secret the worker signs links with (resolveSecret). */
  secret: string;
  /** The clock for consent changes. @default () => new Date() */
  now?: () => Date;
}

const CONFIRM_PURPOSE = 'touchpoint.unsubscribe-confirm.v1';
const BODY_LIMIT = 4096;

/** The value the confirmation form carries: an HMAC of the token, so only the page's own POST confirms. */
function confirmValue(secret: string, token: string): string {
  return createHmac('sha256', secret).update(`${CONFIRM_PURPOSE}.${token}`).digest('base64url');
}

function confirmed(secret: string, token: string, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const expected = Buffer.from(confirmValue(secret, token));
  const actual = Buffer.from(given);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** The posted form's fields, whatever encoding a mail client chose; anything else is no fields. */
function formOf(body: unknown): Record<string, unknown> {
  return typeof body === 'object' && body !== null ? Object.fromEntries(Object.entries(body)) : {};
}

type TokenRequest = FastifyRequest<{ Params: { '*': string } }>;

export function unsubscribeRoutes(deps: UnsubscribeRoutesDeps): (app: FastifyInstance) => Promise<void> {
  const now = deps.now ?? (() => new Date());
  return async (app) => {
    // Scoped to this plugin: the JSON API keeps refusing forms. Any other body is read and ignored.
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: BODY_LIMIT }, (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(String(body))));
    });
    // RFC 8058 lets mail clients send the one-click POST as multipart/form-data: parsed by the platform's own FormData parser.
    app.addContentTypeParser('multipart/form-data', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (request, body, done) => {
      new Response(typeof body === 'string' ? body : new Uint8Array(body), { headers: { 'content-type': request.headers['content-type'] ?? '' } })
        .formData()
        .then((form) => done(null, Object.fromEntries([...form.entries()].filter(([, value]) => typeof value === 'string'))))
        .catch(() => done(null, {}));
    });
    app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: BODY_LIMIT }, (_request, body, done) => done(null, String(body)));

    /** The token's claims and the page language, or null after sending the bad-link page. */
    const open = async (request: TokenRequest, reply: FastifyReply): Promise<{ claims: UnsubscribeClaims; lang: PageLanguage } | null> => {
      // The token is in the URL: never cache the page, never send it on as a referrer.
      reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').header('x-robots-tag', 'noindex');
      reply.header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
      reply.type('text/html; charset=utf-8');
      const acceptLanguage = request.headers['accept-language'];
      const claims = verifyUnsubscribeToken(deps.secret, request.params['*']);
      if (!claims) {
        void reply.code(400).send(invalidLinkPage(pickPageLanguage({ acceptLanguage })));
        return null;
      }
      const contact = await deps.store.getContact(claims.customerId);
      return { claims, lang: pickPageLanguage({ locale: contact?.traits.locale, acceptLanguage }) };
    };
    const isUnsubscribed = async (claims: UnsubscribeClaims) => (await deps.store.getConsent(claims.customerId))[claims.channel]?.status === 'unsubscribed';

    // A wildcard, not `:token`: tokens are longer than Fastify's 100-character limit on a named parameter.
    // Fastify answers HEAD with this handler too (without the body): it reads, never writes.
    app.get<{ Params: { '*': string } }>('/u/*', async (request, reply) => {
      const opened = await open(request, reply);
      if (!opened) return reply;
      const { claims, lang } = opened;
      if (await isUnsubscribed(claims)) return reply.code(200).send(unsubscribedPage(lang, claims.channel, true));
      return reply.code(200).send(confirmUnsubscribePage(lang, claims.channel, confirmValue(deps.secret, request.params['*'])));
    });

    app.post<{ Params: { '*': string } }>('/u/*', async (request, reply) => {
      const opened = await open(request, reply);
      if (!opened) return reply;
      const { claims, lang } = opened;
      const form = formOf(request.body);
      const oneClick = form['List-Unsubscribe'] === 'One-Click';
      // Neither the page's form nor a one-click POST: ask, as a GET does.
      if (!oneClick && !confirmed(deps.secret, request.params['*'], form.confirm)) {
        if (await isUnsubscribed(claims)) return reply.code(200).send(unsubscribedPage(lang, claims.channel, true));
        return reply.code(200).send(confirmUnsubscribePage(lang, claims.channel, confirmValue(deps.secret, request.params['*'])));
      }
      const already = await isUnsubscribed(claims);
      if (!already) {
        await deps.store.setConsent({
          customerId: claims.customerId,
          channel: claims.channel,
          status: 'unsubscribed',
          source: oneClick ? 'list_unsubscribe' : 'unsubscribe_link',
          reason: claims.messageKey ? `link in message ${claims.messageKey}` : null,
          by: null,
          at: now().toISOString(),
        });
      }
      return reply.code(200).send(unsubscribedPage(lang, claims.channel, already));
    });
  };
}
