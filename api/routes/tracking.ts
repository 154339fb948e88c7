// GET /t/o/<token>.gif (open pixel) and GET /t/c/<token> (click redirect): each records an
// `email.opened` / `email.clicked` event through the event path, so runs waiting for it wake.
// A click only ever redirects to a URL the message contained: the token holds an index into
// the link list stored with the sent message, never a URL, so there is no open redirect.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { LoggedEventInput, Store } from '../../store/types';
import { clickedEvent, openedEvent } from '../../tracking/events';
import { isPrivacyProxyOpen } from '../../tracking/privacy-proxy';
import { isTrackableUrl } from '../../tracking/rewrite-links';
import { verifyClickToken, verifyOpenToken } from '../../tracking/tokens';

export interface TrackingRoutesDeps {
  store: Store;
  /** The HMAC secret the worker signs tracking links with (the same as ActivityDeps.links.secret). */
  secret: string;
  /** The event path (api/ingest.ts with the store and router). */
  ingest: (event: LoggedEventInput) => Promise<unknown>;
  /** The clock for event timestamps and dedupe windows. @default () => new Date() */
  now?: () => Date;
  /** Where a failed event write goes (the customer still gets the image or the page). @default a line on stderr */
  log?: (line: string) => void;
}

/** The smallest transparent GIF (1x1, 43 bytes). */
export const PIXEL_GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

function invalidTrackingLink(): string {
  return (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">' +
    '<title>Link not valid</title></head><body style="font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem">' +
    '<h1>This link is not valid</h1><p>The link is incomplete or was changed after it was sent. ' +
    'Open the message again and use the link as it is, or copy the whole address into your browser.</p></body></html>'
  );
}

export function trackingRoutes(deps: TrackingRoutesDeps): (app: FastifyInstance) => Promise<void> {
  const now = deps.now ?? (() => new Date());
  const log = deps.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const record = async (event: LoggedEventInput) => {
    await deps.ingest(event).catch((error: unknown) => {
      log(`touchpoint tracking: ${event.event} for message ${String(event.properties.message_key)} (customer ${event.customerId}) not recorded: ${error instanceof Error ? error.message : String(error)}`);
    });
  };
  const refuse = (reply: FastifyReply) =>
    reply.code(400).header('cache-control', 'no-store').header('x-robots-tag', 'noindex').type('text/html; charset=utf-8').send(invalidTrackingLink());

  return async (app) => {
    // Wildcards, not `:token`: tokens are longer than Fastify's 100-character limit on a named parameter.
    app.get<{ Params: { '*': string } }>('/t/o/*', async (request, reply) => {
      const file = request.params['*'];
      const claims = file.endsWith('.gif') ? verifyOpenToken(deps.secret, file.slice(0, -'.gif'.length)) : null;
      if (!claims) return refuse(reply);
      const proxy = isPrivacyProxyOpen({ userAgent: request.headers['user-agent'], ip: request.ip });
      await record(openedEvent(claims, proxy, now()));
      return reply.code(200).header('cache-control', 'no-store, max-age=0').type('image/gif').send(PIXEL_GIF);
    });

    app.get<{ Params: { '*': string } }>('/t/c/*', async (request, reply) => {
      const claims = verifyClickToken(deps.secret, request.params['*']);
      if (!claims) return refuse(reply);
      const message = await deps.store.getMessage(claims.k);
      const links: unknown = message?.customerId === claims.c ? message.content?.links : undefined;
      const url: unknown = Array.isArray(links) ? links[claims.i] : undefined;
      if (typeof url !== 'string' || !isTrackableUrl(url)) return refuse(reply);
      await record(clickedEvent(claims, url, now()));
      return reply.code(302).header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').redirect(url);
    });
  };
}
