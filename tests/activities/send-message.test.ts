// sendMessage against a real SMTP server (smtp-server) and a real store: what arrives, and
// that a key is sent at most once through retries, repeats and crashes.
import { createHash, randomUUID } from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';
import { createActivities } from '../../activities';
import type { SendRequest } from '../../activities/contract';
import { verifyUnsubscribeToken } from '../../consent/tokens';
import { rawHeader, startSmtpSink, type SmtpSink } from '../support/smtp-sink';
import type { Store } from '../../store/types';
import { createTestStore, type TestStore } from '../support/db';
import { freePort } from '../support/ports';

const WELCOME = [
  '{{!-- email.subject --}}',
  'Welcome {{traits.first_name}} & friends',
  '{{!-- email.html --}}',
  '<h1>Hello {{traits.first_name}}</h1>',
  '<p>Your {{event.properties.plan}} plan is ready &amp; waiting.</p>',
  '<p><a href="https://example.com/start?c={{customer.id}}&amp;j={{journey.id}}">Start here</a></p>',
].join('\n');
const TEXT_ONLY = ['{{!-- email.subject --}}', 'Receipt for {{event.properties.plan}}', '{{!-- email.text --}}', 'Tom & Jerry say hi to {{traits.first_name}}.'].join('\n');
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

describe('sendMessage over SMTP', () => {
  let testStore: TestStore;
  let store: Store;
  let mailbox: SmtpSink;
  const transports: Transporter[] = [];

  const activitiesFor = (port: number | null) => {
    const transport = port === null ? null : nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
    if (transport) transports.push(transport);
    return createActivities({ store, email: transport ? { transport, from: 'Touchpoint <hello@touchpoint.test>' } : null, defaultTimezone: 'UTC' });
  };

  const customer = async (traits: Record<string, unknown>) => {
    const customerId = `c-${randomUUID().slice(0, 8)}`;
    await store.upsertContact({ customerId, traits, at: new Date().toISOString() });
    return customerId;
  };

  const request = (customerId: string, overrides: Partial<SendRequest> = {}): SendRequest => ({
    messageKey: `journey/onboarding/${customerId}/run-1/welcome/1`,
    workflowId: `journey/onboarding/${customerId}`,
    runId: 'run-1',
    journeyId: 'onboarding',
    journeyVersion: 'v1',
    stepId: 'welcome',
    customerId,
    channel: 'email',
    template: 'welcome',
    templateVersion: sha(WELCOME),
    trigger: { id: 'm-1', name: 'user.signed_up', properties: { plan: 'pro' }, timestamp: '2024-05-01T10:00:00.000Z' },
    ...overrides,
  });

  beforeAll(async () => {
    testStore = await createTestStore('pglite');
    store = testStore.store;
    await store.saveTemplateVersion({ hash: sha(WELCOME), name: 'welcome', source: WELCOME });
    await store.saveTemplateVersion({ hash: sha(TEXT_ONLY), name: 'receipt', source: TEXT_ONLY });
    mailbox = await startSmtpSink();
  });
  afterAll(async () => {
    transports.forEach((t) => t.close());
    await mailbox?.close();
    await testStore?.dispose();
  });

  const received = (to: string) => mailbox.to(to);

  test('sends one email with the rendered parts, escaped traits in HTML and a Message-ID derived from the key', async () => {
    const customerId = await customer({ email: 'Ada@Example.com', first_name: '<script>alert(1)</script>' });
    const req = request(customerId);
    const outcome = await activitiesFor(mailbox.port).sendMessage(req);
    const messageId = `<${sha(req.messageKey).slice(0, 32)}@touchpoint>`;
    expect(outcome).toEqual({ reason: 'sent', channel: 'email', providerId: messageId, detail: expect.stringContaining('Accepted by the SMTP server: 250') });

    const [mail, ...more] = received('ada@example.com');
    expect(more).toEqual([]);
    expect(mail?.messageId).toBe(messageId);
    expect(mail?.headers.get('x-touchpoint-message-key')).toBe(req.messageKey);
    expect(mail?.subject).toBe('Welcome <script>alert(1)</script> & friends');
    expect(mail?.html).toContain('<h1>Hello &lt;script&gt;alert(1)&lt;/script&gt;</h1>');
    expect(mail?.html).not.toContain('<script>');
    expect(mail?.html).toContain(`href="https://example.com/start?c=${customerId}&amp;j=onboarding"`);
    expect(mail?.text).toBe(
      `Hello <script>alert(1)</script>\n\nYour pro plan is ready & waiting.\n\nStart here [https://example.com/start?c=${customerId}&j=onboarding]\n`.trimEnd(),
    );

    expect(await store.getMessage(req.messageKey)).toMatchObject({
      status: 'done',
      reason: 'sent',
      channel: 'email',
      address: 'ada@example.com',
      providerId: messageId,
      attempts: 1,
      content: { to: 'ada@example.com', subject: 'Welcome <script>alert(1)</script> & friends', html: expect.stringContaining('&lt;script&gt;') },
    });
  });

  test('calling again with the same key sends nothing more and returns the same outcome', async () => {
    const customerId = await customer({ email: 'grace@example.com', first_name: 'Grace' });
    const activities = activitiesFor(mailbox.port);
    const first = await activities.sendMessage(request(customerId));
    const second = await activities.sendMessage(request(customerId));
    expect(second).toEqual(first);
    expect(received('grace@example.com')).toHaveLength(1);
  });

  test('a template with only a text part sends that text, with "&" left as it is', async () => {
    const customerId = await customer({ email: 'tom@example.com', first_name: 'Tom' });
    const outcome = await activitiesFor(mailbox.port).sendMessage(request(customerId, { template: 'receipt', templateVersion: sha(TEXT_ONLY) }));
    expect(outcome.reason).toBe('sent');
    const [mail] = received('tom@example.com');
    expect(mail?.subject).toBe('Receipt for pro');
    expect(mail?.text?.trim()).toBe('Tom & Jerry say hi to Tom.');
    expect(mail?.html).toBe(false);
  });

  test('a row left dispatching by a crashed attempt ends as unknown:provider_outcome without sending', async () => {
    const customerId = await customer({ email: 'crash@example.com' });
    const req = request(customerId);
    await store.claimMessage({ ...req, address: null });
    await store.markMessageDispatching(req.messageKey, { channel: 'email', address: 'crash@example.com' });
    const outcome = await activitiesFor(mailbox.port).sendMessage(req);
    expect(outcome).toMatchObject({ reason: 'unknown:provider_outcome', channel: 'email', detail: expect.stringContaining('whether it reached the customer is unknown') });
    expect(outcome.detail).toContain(`Message-ID <${sha(req.messageKey).slice(0, 32)}@touchpoint>`);
    expect(received('crash@example.com')).toHaveLength(0);
    expect(await activitiesFor(mailbox.port).sendMessage(req)).toEqual(outcome);
  });

  test('a row left deciding by a crashed attempt (nothing handed to the server) is decided again and sent once', async () => {
    const customerId = await customer({ email: 'undecided@example.com' });
    const req = request(customerId);
    await store.claimMessage({ ...req, address: null });
    expect(await activitiesFor(mailbox.port).sendMessage(req)).toMatchObject({ reason: 'sent' });
    expect(await store.getMessage(req.messageKey)).toMatchObject({ status: 'done', attempts: 2 });
    expect(received('undecided@example.com')).toHaveLength(1);
  });

  test('marketing email carries a signed one-click List-Unsubscribe link the template can show; transactional email has none', async () => {
    const links = { publicUrl: 'https://touchpoint.example/', secret: 'x'.repeat(40) };
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: mailbox.port, secure: false, ignoreTLS: true });
    transports.push(transport);
    const activities = createActivities({ store, email: { transport, from: 'hello@touchpoint.test' }, defaultTimezone: 'UTC', links });
    const source = '{{!-- email.subject --}}\nNews\n{{!-- email.text --}}\nStop these: {{links.unsubscribe}}';
    await store.saveTemplateVersion({ hash: sha(source), name: 'news', source });
    const customerId = await customer({ email: 'links@example.com' });
    const marketing = request(customerId, { template: 'news', templateVersion: sha(source) });
    await activities.sendMessage(marketing);
    await activities.sendMessage(request(customerId, { template: 'news', templateVersion: sha(source), messageKey: `${customerId}/receipt`, category: 'transactional' }));

    const [news, receipt] = received('links@example.com');
    const url = /^<(https:\/\/touchpoint\.example\/u\/[\w.-]+)>$/.exec(rawHeader(news, 'List-Unsubscribe') ?? '')?.[1];
    expect(url).toBeDefined();
    expect(rawHeader(news, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect(news?.text?.trim()).toBe(`Stop these: ${url}`);
    const token = url?.split('/u/')[1] ?? '';
    expect(verifyUnsubscribeToken(links.secret, token)).toMatchObject({ customerId, channel: 'email', messageKey: marketing.messageKey });
    expect(receipt?.subject).toBe('News');
    expect(rawHeader(receipt, 'List-Unsubscribe')).toBeNull();
    expect(rawHeader(receipt, 'List-Unsubscribe-Post')).toBeNull();
  });

  test('with the SMTP server down it throws a retryable failure and keeps the row retrying; once up, exactly one email goes', async () => {
    const port = await freePort();
    const customerId = await customer({ email: 'later@example.com', first_name: 'Lin' });
    const req = request(customerId);
    const activities = activitiesFor(port);
    await expect(activities.sendMessage(req)).rejects.toMatchObject({ name: 'ApplicationFailure', type: 'ProviderUnavailable', nonRetryable: false });
    expect(await store.getMessage(req.messageKey)).toMatchObject({ status: 'retrying', detail: expect.stringContaining('SMTP server unavailable') });

    const late = await startSmtpSink({ port });
    try {
      expect(await activities.sendMessage(req)).toMatchObject({ reason: 'sent', channel: 'email' });
      expect(await activities.sendMessage(req)).toMatchObject({ reason: 'sent' });
      expect(late.messages.map((m) => m.subject)).toEqual(['Welcome Lin & friends']);
      expect(await store.getMessage(req.messageKey)).toMatchObject({ status: 'done', attempts: 2 });
    } finally {
      await late.close();
    }
  });

  test('a recipient the SMTP server rejects with 550 ends as failed:invalid_address and is suppressed as a hard bounce', async () => {
    const customerId = await customer({ email: 'rejected@example.com' });
    const outcome = await activitiesFor(mailbox.port).sendMessage(request(customerId));
    expect(outcome).toMatchObject({ reason: 'failed:invalid_address', channel: 'email', detail: expect.stringContaining('550') });
    expect(received('rejected@example.com')).toHaveLength(0);
    expect(await store.getSuppression('email', 'rejected@example.com')).toMatchObject({ reason: 'hard_bounce', detail: expect.stringContaining('550') });
  });

  test('a malformed address ends as failed:invalid_address without talking to the server', async () => {
    const customerId = await customer({ email: 'ada@example.com, eve@example.com' });
    const outcome = await activitiesFor(mailbox.port).sendMessage(request(customerId));
    expect(outcome).toMatchObject({ reason: 'failed:invalid_address', detail: expect.stringContaining('is not a valid email address') });
    expect(received('eve@example.com')).toHaveLength(0);
  });

  test('a customer without an email, or unknown to the store, is skipped:no_address', async () => {
    const withoutEmail = await customer({ first_name: 'Nemo' });
    expect(await activitiesFor(mailbox.port).sendMessage(request(withoutEmail))).toMatchObject({ reason: 'skipped:no_address', channel: 'email' });
    expect(await activitiesFor(mailbox.port).sendMessage(request('never-seen'))).toMatchObject({ reason: 'skipped:no_address' });
  });

  test('without an email channel the send fails as failed:channel_not_configured, saying to set SMTP_URL', async () => {
    const customerId = await customer({ email: 'noconfig@example.com' });
    expect(await activitiesFor(null).sendMessage(request(customerId))).toMatchObject({
      reason: 'failed:channel_not_configured',
      detail: expect.stringContaining('Email is not configured: set SMTP_URL'),
    });
  });

  test('sms is failed:channel_not_configured, and with fallback email the email is sent and recorded as the channel used', async () => {
    const customerId = await customer({ email: 'fallback@example.com', phone: '+39 333 000', first_name: 'Fay' });
    const sms = await activitiesFor(mailbox.port).sendMessage(request(customerId, { channel: 'sms', messageKey: `${customerId}/sms` }));
    expect(sms).toMatchObject({ reason: 'failed:channel_not_configured', channel: 'sms', detail: expect.stringContaining('SMS is not configured') });

    const key = `${customerId}/sms-fallback`;
    const viaEmail = await activitiesFor(mailbox.port).sendMessage(request(customerId, { channel: 'sms', fallback: 'email', messageKey: key }));
    expect(viaEmail).toMatchObject({ reason: 'sent', channel: 'email', detail: expect.stringContaining('Fell back from sms (failed:channel_not_configured') });
    expect(await store.getMessage(key)).toMatchObject({ channel: 'email', reason: 'sent', address: 'fallback@example.com' });
    expect(received('fallback@example.com')).toHaveLength(1);
  });

  test('an unknown template version throws a retryable failure naming it, and sends once the store has it', async () => {
    const source = `{{!-- email.subject --}}\nLate template ${randomUUID()}\n{{!-- email.text --}}\nHi`;
    const customerId = await customer({ email: 'template@example.com' });
    const req = request(customerId, { template: 'late', templateVersion: sha(source) });
    const activities = activitiesFor(mailbox.port);
    const failure = activities.sendMessage(req);
    await expect(failure).rejects.toMatchObject({ type: 'TemplateVersionMissing', nonRetryable: false });
    await expect(failure).rejects.toThrow(`Template "late" version ${sha(source)} is not in this worker's store`);
    expect((await store.getMessage(req.messageKey))?.status).toBe('retrying');

    await store.saveTemplateVersion({ hash: sha(source), name: 'late', source });
    expect(await activities.sendMessage(req)).toMatchObject({ reason: 'sent' });
    expect(received('template@example.com')).toHaveLength(1);
  });
  test('a template that fails to render is recorded as failed:provider at once, with the cause, and sends nothing', async () => {
    const source = `{{!-- email.subject --}}\nBroken ${randomUUID()}\n{{!-- email.text --}}\n{{#if}}x{{/if}}`;
    await store.saveTemplateVersion({ hash: sha(source), name: 'broken', source });
    const customerId = await customer({ email: 'broken@example.com' });
    const req = request(customerId, { template: 'broken', templateVersion: sha(source) });
    const outcome = await activitiesFor(mailbox.port).sendMessage(req);
    expect(outcome).toMatchObject({ reason: 'failed:provider', detail: expect.stringContaining('TemplateRenderFailed') });
    expect(await store.getMessage(req.messageKey)).toMatchObject({ status: 'done', reason: 'failed:provider' });
    expect(received('broken@example.com')).toHaveLength(0);
  });
});
