// /dev/mail over real HTTP and real SMTP: caught emails hold customers' data, so listing and
// reading them needs a support or admin key; an ingest key (the one an order system holds) is refused.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { createApiServer } from '../../api';
import type { ApiKey } from '../../api/auth';
import type { Router } from '../../routing/router';
import type { Store } from '../../store/types';
import { registerDevMailRoutes } from '../../runtime/dev-mail-routes';
import { startLocalSmtp, type LocalSmtp } from '../../runtime/local-smtp';
import { listen, type Api } from '../api/http';

const KEYS: ApiKey[] = [
  { name: 'orders', role: 'ingest', key: 'ingest-key-0123456789abcdef' },
  { name: 'desk', role: 'support', key: 'support-key-0123456789abcdef' },
  { name: 'ops', role: 'admin', key: 'admin-key-0123456789abcdef' },
];

describe('/dev/mail', () => {
  let dir: string;
  let smtp: LocalSmtp;
  let api: Api;
  let mailId: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dev-mail-'));
    smtp = await startLocalSmtp({ port: 0, mailDir: dir });
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true });
    await transport.sendMail({ from: 'hello@touchpoint.test', to: 'ada@example.com', subject: 'Your order', html: '<p>Order A-1 for Ada Lovelace</p>' });
    transport.close();
    // As runtime/start.ts does: the API server (its store and router are not used by these routes).
    const app = createApiServer({ store: {} as Store, router: {} as Router, apiKeys: KEYS, health: async () => ({}) });
    registerDevMailRoutes(app, smtp, KEYS);
    api = await listen(app);
    mailId = (await smtp.list())[0]!.id;
  });
  afterAll(async () => {
    await api?.close();
    await smtp?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses an ingest key with 403 naming the roles that may read caught mail, and no key with 401', async () => {
    for (const path of ['/dev/mail', `/dev/mail/${mailId}`]) {
      const ingest = await api.call('GET', path, { key: KEYS[0]!.key });
      expect(ingest.status).toBe(403);
      expect(ingest.body.error.message).toContain('API key "orders" has role ingest');
      expect(ingest.body.error.message).toContain('support or admin');
      expect(JSON.stringify(ingest.body)).not.toContain('Ada');
      expect((await api.call('GET', path, { key: null })).status).toBe(401);
    }
  });

  it('lists and shows caught mail to support and admin keys', async () => {
    for (const key of [KEYS[1]!.key, KEYS[2]!.key]) {
      const list = await api.call('GET', '/dev/mail', { key });
      expect(list.status).toBe(200);
      expect(list.body.mails).toEqual([expect.objectContaining({ id: mailId, subject: 'Your order', to: ['ada@example.com'], htmlUrl: `/dev/mail/${mailId}` })]);
      const page = await fetch(`${api.url}/dev/mail/${mailId}`, { headers: { authorization: `Bearer ${key}` } });
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('Order A-1 for Ada Lovelace');
    }
  });
});
