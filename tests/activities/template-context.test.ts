// What send templates read besides the trigger, rendered over real SMTP: a follow-up after a
// survey step quotes the score and comment (`survey.*`), and `latest.[cart.updated]` shows the
// cart as the run last heard of it (by event time), the trigger's when nothing newer came.
import { createHash, randomUUID } from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';
import { createActivities } from '../../activities';
import type { SendRequest } from '../../activities/contract';
import type { Store } from '../../store/types';
import { createTestStore, type TestStore } from '../support/db';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';

const FOLLOW_UP = [
  '{{!-- email.subject --}}',
  'You gave us {{survey.score}}/10',
  '{{!-- email.text --}}',
  '{{#if survey.answered}}You wrote: "{{survey.comment}}" ({{survey.category}}).{{else}}No answer.{{/if}}',
].join('\n');
const CART = [
  '{{!-- email.subject --}}',
  'Your cart',
  '{{!-- email.text --}}',
  'Then: {{#each event.properties.items}}{{this}} {{/each}}',
  'Now: {{#each latest.[cart.updated].properties.items}}{{this}} {{/each}}',
].join('\n');
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

describe('send templates read survey.* and latest.*', () => {
  let db: TestStore;
  let store: Store;
  let mailbox: SmtpSink;
  let transport: Transporter;
  let sendMessage: ReturnType<typeof createActivities>['sendMessage'];

  beforeAll(async () => {
    [db, mailbox] = await Promise.all([createTestStore('pglite'), startSmtpSink()]);
    store = db.store;
    await store.saveTemplateVersion({ hash: sha(FOLLOW_UP), name: 'nps-thanks', source: FOLLOW_UP });
    await store.saveTemplateVersion({ hash: sha(CART), name: 'cart-reminder', source: CART });
    transport = nodemailer.createTransport({ host: '127.0.0.1', port: mailbox.port, secure: false, ignoreTLS: true });
    ({ sendMessage } = createActivities({ store, email: { transport, from: 'Shop <hello@shop.example>' }, defaultTimezone: 'UTC' }));
  });
  afterAll(async () => {
    transport?.close();
    await mailbox?.close();
    await db?.dispose();
  });

  const request = async (template: string, overrides: Partial<SendRequest>) => {
    const customerId = `c-${randomUUID().slice(0, 8)}`;
    await store.upsertContact({ customerId, traits: { email: `${customerId}@shop.example` }, at: new Date().toISOString() });
    const req: SendRequest = {
      messageKey: `journey/j/${customerId}/run-1/${template}/1`,
      workflowId: `journey/j/${customerId}`,
      runId: 'run-1',
      journeyId: 'j',
      journeyVersion: 'v1',
      stepId: template,
      customerId,
      channel: 'email',
      template,
      templateVersion: template === 'cart-reminder' ? sha(CART) : sha(FOLLOW_UP),
      trigger: { id: `t-${customerId}`, name: 'cart.updated', properties: { items: ['mug'] }, timestamp: '2030-01-01T10:00:00.000Z' },
      ...overrides,
    };
    expect(await sendMessage(req)).toMatchObject({ reason: 'sent' });
    const [mail] = mailbox.to(`${customerId}@shop.example`);
    return mail!;
  };

  test('a follow-up after a survey step quotes the score and the comment', async () => {
    const mail = await request('nps-thanks', {
      surveyResult: { step: 'nps', kind: 'nps', answered: true, score: 4, category: 'detractor', comment: 'Box arrived crushed & late', sentiment: 'negative', sentiment_score: -0.5 },
    });
    expect(mail.subject).toBe('You gave us 4/10');
    expect(mail.text?.trim()).toBe('You wrote: "Box arrived crushed & late" (detractor).');
  });

  test('latest.[cart.updated] is the newest cart the run received; without a newer one, the trigger', async () => {
    const changed = await request('cart-reminder', {
      latest: { 'cart.updated': { id: 'e-2', name: 'cart.updated', properties: { items: ['mug', 'teapot'] }, timestamp: '2030-01-01T10:05:00.000Z' } },
    });
    expect(changed.text?.trim()).toBe('Then: mug \nNow: mug teapot');
    const unchanged = await request('cart-reminder', {});
    expect(unchanged.text?.trim()).toBe('Then: mug \nNow: mug');
  });
});
