// Dev-only routes over the local catch-all SMTP server: list the kept emails and show one.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { bearerAuth, type ApiKey } from '../api/auth';
import type { LocalSmtp } from './local-smtp';

/** Caught mail holds customers' data: the routes need a support or admin key (an ingest key, the one order systems hold, is refused). */
export function registerDevMailRoutes(app: FastifyInstance, smtp: LocalSmtp, apiKeys: readonly (string | ApiKey)[]): void {
  app.register(async (dev) => {
    dev.addHook('onRequest', bearerAuth(apiKeys, { roles: ['support', 'admin'], purpose: 'read the emails the local catch-all kept (/dev/mail)' }));
    routes(dev, smtp);
  });
}

function routes(app: FastifyInstance, smtp: LocalSmtp): void {
  app.get('/dev/mail', async () => {
    const mails = await smtp.list();
    return { mails: mails.reverse().map((m) => ({ ...m, htmlUrl: m.htmlFile ? `/dev/mail/${m.id}` : null })) };
  });
  app.get<{ Params: { id: string } }>('/dev/mail/:id', async (request, reply) => {
    const mail = (await smtp.list()).find((m) => m.id === request.params.id);
    if (!mail) return reply.code(404).send({ error: { code: 'not_found', message: `No kept email with id ${request.params.id}; GET /dev/mail lists them.` } });
    const file = mail.htmlFile ?? mail.file;
    const body = await readFile(join(smtp.mailDir, file), 'utf8');
    return reply
      .header('content-type', mail.htmlFile ? 'text/html; charset=utf-8' : 'message/rfc822')
      .header('content-security-policy', "default-src 'none'; img-src * data:; style-src 'unsafe-inline'")
      .send(body);
  });
}
