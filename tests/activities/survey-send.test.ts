// A survey step's message over real SMTP: templates/nps-survey.hbs (and its Italian variant)
// rendered with signed one-click score links bound to the message, click tracking of the other
// links intact, and a clear failure when the worker has no signed links to give.
import { join } from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import { createActivities } from '../../activities';
import type { SendRequest } from '../../activities/contract';
import { readTemplate } from '../../dsl/templates';
import type { Store } from '../../store/types';
import { verifySurveyToken } from '../../surveys/tokens';
import { decodeAttribute } from '../../tracking/rewrite-links';
import { createTestStore, type TestStore } from '../support/db';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';

const LINKS = { publicUrl: 'https://touchpoint.example/', secret: 's'.repeat(40) };
const EXPIRES = '2030-02-01T10:00:00.000Z';

describe('survey messages', () => {
  let testStore: TestStore;
  let store: Store;
  let mailbox: SmtpSink;
  let transport: Transporter;
  let npsHash: string;

  beforeAll(async () => {
    [testStore, mailbox] = await Promise.all([createTestStore('pglite'), startSmtpSink()]);
    store = testStore.store;
    const template = await readTemplate(join(__dirname, '../../templates'), 'nps-survey');
    if (!template) throw new Error('templates/nps-survey.hbs is missing');
    expect(template.problems).toEqual([]);
    npsHash = template.hash;
    await store.saveTemplateVersion({ hash: template.hash, name: template.name, source: template.source });
    transport = nodemailer.createTransport({ host: '127.0.0.1', port: mailbox.port, secure: false, ignoreTLS: true });
  });
  afterAll(async () => {
    transport?.close();
    await mailbox?.close();
    await testStore?.dispose();
  });

  const activities = (links: typeof LINKS | undefined) =>
    createActivities({ store, email: { transport, from: 'Ferncroft <hello@ferncroft.example>' }, defaultTimezone: 'UTC', ...(links ? { links } : {}) });

  const request = (customerId: string, over: Partial<SendRequest> = {}): SendRequest => ({
    messageKey: `journey/post-purchase/${customerId}/A-1042/run-1/nps/1`,
    workflowId: `journey/post-purchase/${customerId}/A-1042`,
    runId: 'run-1',
    journeyId: 'post-purchase',
    journeyVersion: 'v3',
    stepId: 'nps',
    customerId,
    channel: 'email',
    template: 'nps-survey',
    templateVersion: npsHash,
    trigger: { id: 'ord-1', name: 'order.completed', properties: { order_id: 'A-1042', total: 59.9, currency: 'EUR' }, timestamp: '2030-01-01T10:00:00.000Z' },
    survey: { kind: 'nps', expiresAt: EXPIRES },
    ...over,
  });

  /** Every href of the HTML as a browser reads it. */
  const hrefs = (html: string) => [...html.matchAll(/href="([^"]*)"/g)].map((m) => decodeAttribute(m[1] ?? ''));

  test('the email has eleven one-click links, 0 to 10, each a signed survey link for this message, step and deadline', async () => {
    await store.upsertContact({ customerId: 'grace', traits: { email: 'grace@example.com', first_name: 'Grace' }, at: '2030-01-01T09:00:00.000Z' });
    const req = request('grace');
    expect(await activities(LINKS).sendMessage(req)).toMatchObject({ reason: 'sent', channel: 'email' });

    const [mail] = mailbox.to('grace@example.com');
    expect(mail?.subject).toBe('Grace, how likely are you to recommend Ferncroft?');
    const html = typeof mail?.html === 'string' ? mail.html : '';
    const surveyLinks = hrefs(html).filter((href) => href.startsWith('https://touchpoint.example/s/'));
    const scored = surveyLinks.filter((href) => href.includes('?score='));
    expect(scored.map((href) => Number(new URL(href).searchParams.get('score')))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // The plain link (no score) is in both parts.
    const plain = surveyLinks.find((href) => !href.includes('?'));
    expect(plain).toBeDefined();
    expect(mail?.text).toContain(plain);
    for (const href of [...scored, plain ?? '']) {
      const token = new URL(href).pathname.slice('/s/'.length);
      expect(verifySurveyToken(LINKS.secret, token)).toEqual({
        surveyId: 'post-purchase.nps', kind: 'nps', customerId: 'grace', journeyId: 'post-purchase', stepId: 'nps', messageKey: req.messageKey, expiresAt: EXPIRES,
      });
    }
    // Survey links stay direct (the page records the answer); the open pixel and the other links are tracked.
    expect(html).toMatch(/<img src="https:\/\/touchpoint\.example\/t\/o\/[^"]+\.gif"/);
    expect(hrefs(html).filter((href) => href.startsWith('https://touchpoint.example/t/c/'))).toEqual([]);
    expect((await store.getMessage(req.messageKey))?.content).toMatchObject({ subject: mail?.subject, links: [] });
  });

  test('an Italian customer gets the Italian variant with the same links', async () => {
    await store.upsertContact({ customerId: 'giulia', traits: { email: 'giulia@example.it', first_name: 'Giulia', locale: 'it-IT' }, at: '2030-01-01T09:00:00.000Z' });
    expect(await activities(LINKS).sendMessage(request('giulia'))).toMatchObject({ reason: 'sent' });
    const [mail] = mailbox.to('giulia@example.it');
    expect(mail?.subject).toBe('Giulia, quanto è probabile che ci consiglieresti?');
    const html = typeof mail?.html === 'string' ? mail.html : '';
    expect(hrefs(html).filter((href) => /\/s\/[^?]+\?score=\d+$/.test(href))).toHaveLength(11);
    expect(html).toContain('aria-label="10 su 10"');
  });

  test('ordinary links in a survey message are still click-tracked', async () => {
    const source = [
      '{{!-- email.subject --}}', 'Quick question', '{{!-- email.html --}}',
      '<p><a href="https://shop.example/help">Help</a> <a href="{{survey.url}}">Answer</a> {{#each survey.scores}}<a href="{{url}}">{{score}}</a>{{/each}}</p>',
    ].join('\n');
    await store.saveTemplateVersion({ hash: 'csat-mini', name: 'csat-mini', source });
    await store.upsertContact({ customerId: 'lin', traits: { email: 'lin@example.com' }, at: '2030-01-01T09:00:00.000Z' });
    const req = request('lin', { template: 'csat-mini', templateVersion: 'csat-mini', survey: { kind: 'csat', expiresAt: EXPIRES } });
    expect(await activities(LINKS).sendMessage(req)).toMatchObject({ reason: 'sent' });
    const html = String(mailbox.to('lin@example.com')[0]?.html);
    const links = hrefs(html);
    expect(links[0]).toMatch(/^https:\/\/touchpoint\.example\/t\/c\//);
    expect(links.slice(1).map((href) => new URL(href).searchParams.get('score'))).toEqual([null, '1', '2', '3', '4', '5']);
    expect((await store.getMessage(req.messageKey))?.content).toMatchObject({ links: ['https://shop.example/help'] });
  });

  test('without PUBLIC_URL and a secret a survey cannot be sent: failed:channel_not_configured, saying what to set', async () => {
    await store.upsertContact({ customerId: 'ivo', traits: { email: 'ivo@example.com' }, at: '2030-01-01T09:00:00.000Z' });
    const req = request('ivo');
    const outcome = await activities(undefined).sendMessage(req);
    expect(outcome).toEqual({
      reason: 'failed:channel_not_configured',
      channel: 'email',
      detail:
        'Survey step "nps" of journey "post-purchase" needs signed survey links, and this worker has none: run it with PUBLIC_URL ' +
        '(where customers reach the /s/ survey page) and TOUCHPOINT_SECRET (or the generated secret under the data dir).',
    });
    expect(mailbox.to('ivo@example.com')).toHaveLength(0);
    expect(await store.getMessage(req.messageKey)).toMatchObject({ status: 'done', reason: 'failed:channel_not_configured' });
  });
});
