// The pages customers open from a message, over real HTTP on the API server with a real store:
// an unsubscribe link fetched (GET, HEAD: what mail scanners do) changes nothing; only the page's
// own POST and the RFC 8058 one-click POST unsubscribe. Unsubscribe and survey pages speak the
// customer's language (traits.locale, then Accept-Language) in every locale templates/ has.
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createApiServer } from '../../api';
import { surveyRoutes } from '../../api/routes/surveys';
import { unsubscribeRoutes } from '../../api/routes/unsubscribe';
import { signUnsubscribeToken } from '../../consent/tokens';
import { VARIANT_FILE } from '../../dsl/locale-files';
import { PAGE_LANGUAGES, pageLanguageOf } from '../../render/page-language';
import type { Router } from '../../routing/router';
import { signSurveyToken } from '../../surveys/tokens';
import { listen, type Api } from './http';
import { createTestStore, type TestStore } from '../support/db';

const SECRET = 'customer-pages-secret-0123456789';
const form = (fields: Record<string, string>) => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
const confirmOf = (page: string) => /<input type="hidden" name="confirm" value="([^"]+)">/.exec(page)?.[1];
const langOf = (page: string) => /<html lang="([^"]+)">/.exec(page)?.[1];

describe('pages customers open from a message', () => {
  let db: TestStore;
  let api: Api;
  let n = 0;

  beforeAll(async () => {
    db = await createTestStore('pglite');
    const { store } = db;
    api = await listen(createApiServer({
      store, router: {} as Router, apiKeys: [], health: async () => ({}),
      plugins: [unsubscribeRoutes({ store, secret: SECRET }), surveyRoutes({ store, secret: SECRET, ingest: async () => undefined })],
    }));
  });
  afterAll(async () => {
    await api?.close();
    await db?.dispose();
  });

  async function customer(traits: Record<string, unknown> = {}): Promise<string> {
    const customerId = `cust-${++n}`;
    await db.store.upsertContact({ customerId, traits: { email: `${customerId}@example.com`, ...traits }, at: new Date().toISOString() });
    return customerId;
  }
  const unsubscribeUrl = (customerId: string) => `${api.url}/u/${signUnsubscribeToken(SECRET, { customerId, channel: 'email', messageKey: `m-${customerId}` })}`;
  const history = async (customerId: string) => (await db.store.consentHistory(customerId)).map((c) => `${c.channel}:${c.status}:${c.source}`);

  describe('unsubscribe links', () => {
    test('GET and HEAD (a mail scanner fetching the link) show a confirmation page and change nothing', async () => {
      const customerId = await customer();
      const url = unsubscribeUrl(customerId);
      for (let i = 0; i < 3; i++) {
        const head = await fetch(url, { method: 'HEAD' });
        expect(head.status).toBe(200);
        const page = await fetch(url);
        expect(page.status).toBe(200);
        expect(page.headers.get('cache-control')).toBe('no-store');
        expect(page.headers.get('content-security-policy')).toContain("form-action 'self'");
        const text = await page.text();
        expect(text).toContain('<h1>Unsubscribe from marketing emails?</h1>');
        expect(text).toContain('<form method="post" action="">');
        expect(text).toContain('<button type="submit">Unsubscribe</button>');
        expect(text).not.toContain('You are unsubscribed');
      }
      expect(await history(customerId)).toEqual([]);
      expect((await db.store.getConsent(customerId)).email).toBeUndefined();
    });

    test("the page's own POST unsubscribes; a POST without its confirmation (or with another link's) only asks again", async () => {
      const customerId = await customer();
      const other = await customer();
      const url = unsubscribeUrl(customerId);
      const otherConfirm = confirmOf(await (await fetch(unsubscribeUrl(other))).text());
      for (const blind of [{ method: 'POST' }, form({ confirm: 'yes' }), form({ confirm: otherConfirm ?? '' }), form({ 'List-Unsubscribe': 'yes' })]) {
        const response = await fetch(url, blind);
        expect(response.status).toBe(200);
        expect(await response.text()).toContain('<h1>Unsubscribe from marketing emails?</h1>');
      }
      expect(await history(customerId)).toEqual([]);

      const confirm = confirmOf(await (await fetch(url)).text());
      expect(confirm).toMatch(/^[\w-]{43}$/);
      const done = await fetch(url, form({ confirm: confirm ?? '' }));
      expect(done.status).toBe(200);
      expect(await done.text()).toContain('Done: we will not send you any more marketing emails.');
      expect(await history(customerId)).toEqual(['email:unsubscribed:unsubscribe_link']);
      // Opening the link again says so, and still changes nothing.
      expect(await (await fetch(url)).text()).toContain('You had already unsubscribed');
      expect(await history(customerId)).toEqual(['email:unsubscribed:unsubscribe_link']);
      expect(await history(other)).toEqual([]);
    });

    test('the RFC 8058 one-click POST unsubscribes, urlencoded or multipart', async () => {
      const urlencoded = await customer();
      expect((await fetch(unsubscribeUrl(urlencoded), form({ 'List-Unsubscribe': 'One-Click' }))).status).toBe(200);
      expect(await history(urlencoded)).toEqual(['email:unsubscribed:list_unsubscribe']);
      const multipart = await customer();
      const body = new FormData();
      body.set('List-Unsubscribe', 'One-Click');
      const response = await fetch(unsubscribeUrl(multipart), { method: 'POST', body });
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('Done: we will not send you any more marketing emails.');
      expect(await history(multipart)).toEqual(['email:unsubscribed:list_unsubscribe']);
    });

    test("speak the customer's traits.locale first, then Accept-Language, else English", async () => {
      const italian = await customer({ locale: 'it-IT' });
      const page = await (await fetch(unsubscribeUrl(italian), { headers: { 'accept-language': 'en-GB,en;q=0.9' } })).text();
      expect(langOf(page)).toBe('it');
      expect(page).toContain('<h1>Vuoi smettere di ricevere email promozionali?</h1>');
      const done = await (await fetch(unsubscribeUrl(italian), form({ confirm: confirmOf(page) ?? '' }))).text();
      expect(done).toContain('<h1>Iscrizione annullata</h1>');
      expect(done).toContain('Fatto: non ti invieremo più email promozionali.');

      const unknownLocale = await customer({ locale: 'de-DE' });
      const browser = await customer();
      for (const [who, acceptLanguage, lang] of [
        [browser, 'de-DE,de;q=0.9,it;q=0.8,en;q=0.5', 'it'],
        [browser, 'en;q=0.4, it-CH;q=0.7', 'it'],
        [browser, 'fr-FR,fr;q=0.9', 'en'],
        [browser, 'it;q=0, en', 'en'],
        [unknownLocale, 'it', 'it'],
      ] as const) {
        expect({ acceptLanguage, lang: langOf(await (await fetch(unsubscribeUrl(who), { headers: { 'accept-language': acceptLanguage } })).text()) }).toEqual({ acceptLanguage, lang });
      }
      const invalid = await fetch(`${api.url}/u/nonsense`, { headers: { 'accept-language': 'it' } });
      expect(invalid.status).toBe(400);
      expect(await invalid.text()).toContain('<h1>Questo link per annullare l’iscrizione non è valido</h1>');
    });
  });

  describe('survey pages', () => {
    const surveyUrl = (customerId: string) =>
      `${api.url}/s/${signSurveyToken(SECRET, { surveyId: 'post-purchase.nps', kind: 'nps', customerId, journeyId: 'post-purchase', stepId: 'nps', messageKey: `m-${customerId}`, expiresAt: '2099-01-01T00:00:00.000Z' })}`;

    test("speak the customer's traits.locale first, then Accept-Language; ?lang= still wins", async () => {
      const italian = await customer({ locale: 'it' });
      const page = await (await fetch(surveyUrl(italian), { headers: { 'accept-language': 'en' } })).text();
      expect(langOf(page)).toBe('it');
      expect(page).toContain('Quanto è probabile che ci consiglieresti a un amico o a un collega?');
      expect(langOf(await (await fetch(`${surveyUrl(italian)}?lang=en`)).text())).toBe('en');
      const thanks = await (await fetch(surveyUrl(italian), form({ score: '9' }))).text();
      expect(thanks).toContain('<h1>Grazie!</h1>');

      const browser = await customer();
      expect(langOf(await (await fetch(surveyUrl(browser), { headers: { 'accept-language': 'fr;q=0.9, it;q=0.8' } })).text())).toBe('it');
      expect(langOf(await (await fetch(surveyUrl(browser), { headers: { 'accept-language': 'fr' } })).text())).toBe('en');
    });
  });

  test('every locale that templates/ has a variant for has page strings', () => {
    const root = resolve(__dirname, '../../templates');
    const tags = new Set<string>();
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (entry.isDirectory()) walk(join(dir, entry.name));
        else {
          const tag = VARIANT_FILE.exec(entry.name)?.[2];
          if (tag) tags.add(tag);
        }
      }
    };
    walk(root);
    expect([...tags].length).toBeGreaterThan(0);
    for (const tag of tags) expect({ tag, page: pageLanguageOf(tag) }).toEqual({ tag, page: expect.stringMatching(new RegExp(`^(${PAGE_LANGUAGES.join('|')})$`)) });
  });
});
