// The unsubscribe link from a real email, opened and confirmed over real HTTP: marketing email
// stops at once, also for a run already waiting between two emails; the one-click POST and bad links.
import type { ParsedMail } from 'mailparser';
import { signUnsubscribeToken } from '../../consent/tokens';
import { rawHeader } from '../support/smtp-sink';
import { startWorld, type World } from './support/world';

/** The https URL in a `List-Unsubscribe: <url>` header. */
function unsubscribeUrl(mail: ParsedMail | undefined): string {
  const url = /^<(http:\/\/127\.0\.0\.1:\d+\/u\/[\w.-]+)>$/.exec(rawHeader(mail, 'List-Unsubscribe') ?? '')?.[1];
  if (!url) throw new Error(`no List-Unsubscribe URL in ${JSON.stringify(mail?.headerLines)}`);
  return url;
}

describe('unsubscribe links', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld();
  });
  afterAll(() => world?.stop());

  test("confirming the link's page from the first email stops the second one of a run already waiting (skipped:unsubscribed)", async () => {
    const customerId = await world.customer({ email: 'click@example.com' });
    const handle = await world.start(customerId, [
      { id: 'first', send: { channel: 'email', template: 'news' } },
      { id: 'pause', wait: '3d' },
      { id: 'second', send: { channel: 'email', template: 'tips' } },
    ]);
    await world.waitForState(handle, (s) => s.currentStep === 'pause' && s.nextWakeUp !== null, 'asleep in pause');
    const [first] = world.mail.to('click@example.com');
    const url = unsubscribeUrl(first);
    expect(rawHeader(first, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect(first?.text).toContain(`Unsubscribe: ${url}`);

    // Opening the link asks; the page's button (its POST) unsubscribes.
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('cache-control')).toBe('no-store');
    const confirmPage = await page.text();
    expect(confirmPage).toContain('<html lang="en">');
    expect(confirmPage).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(confirmPage).toContain('<h1>Unsubscribe from marketing emails?</h1>');
    expect(await world.store.consentHistory(customerId)).toEqual([]);
    const confirm = /name="confirm" value="([^"]+)"/.exec(confirmPage)?.[1] ?? '';
    const done = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ confirm }).toString() });
    expect(done.status).toBe(200);
    const html = await done.text();
    expect(html).toContain('<h1>You are unsubscribed</h1>');
    expect(html).toContain('Done: we will not send you any more marketing emails.');

    const state = await handle.result();
    expect(state.sends.map((s) => `${s.stepId}:${s.reason}`)).toEqual(['first:sent', 'second:skipped:unsubscribed']);
    expect(world.mail.to('click@example.com')).toHaveLength(1);
    expect(await world.store.consentHistory(customerId)).toEqual([
      expect.objectContaining({ channel: 'email', status: 'unsubscribed', source: 'unsubscribe_link', reason: `link in message ${state.sends[0]?.messageKey}` }),
    ]);
  });

  test('the one-click POST a mail client sends unsubscribes too, and repeating either request changes nothing more', async () => {
    const customerId = await world.customer({ email: 'oneclick@example.com' });
    const url = `${world.publicUrl}/u/${signUnsubscribeToken(world.secret, { customerId, channel: 'email', messageKey: 'k-1' })}`;
    const post = () =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect((await post()).status).toBe(200);
    const again = await post();
    expect(again.status).toBe(200);
    expect(await again.text()).toContain('You had already unsubscribed');
    expect((await fetch(url)).status).toBe(200);
    const history = await world.store.consentHistory(customerId);
    expect(history.map((c) => `${c.channel}:${c.status}:${c.source}`)).toEqual(['email:unsubscribed:list_unsubscribe']);
  });

  test('a tampered, cut or foreign token gets a 400 page saying the link is not valid, and changes no consent', async () => {
    const customerId = await world.customer({ email: 'tamper@example.com' });
    const token = signUnsubscribeToken(world.secret, { customerId, channel: 'email' });
    const [payload = '', signature = ''] = token.split('.');
    const otherCustomer = Buffer.from(JSON.stringify({ c: 'someone-else', ch: 'email', iat: 1 })).toString('base64url');
    const foreign = signUnsubscribeToken('a-different-secret-of-enough-length!!', { customerId, channel: 'email' });
    for (const bad of [`${otherCustomer}.${signature}`, `${payload}.${signature.slice(0, 20)}`, foreign, 'nonsense']) {
      const response = await fetch(`${world.publicUrl}/u/${bad}`, { method: bad === foreign ? 'POST' : 'GET' });
      expect(response.status).toBe(400);
      expect(await response.text()).toContain('<h1>This unsubscribe link is not valid</h1>');
    }
    expect(await world.store.consentHistory(customerId)).toEqual([]);
    expect(await world.store.consentHistory('someone-else')).toEqual([]);
  });
});
