// A rendered subject, SMS or push title/payload longer than its channel allows is never sent:
// the decision path (sendMessage) ends it as skipped:too_long with a detail naming the part, its
// size and the limit. Real store, real SMTP sink, the Twilio emulator and the local push service.
import { createHash, randomUUID } from 'node:crypto';
import nodemailer from 'nodemailer';
import webpush from 'web-push';
import { createActivities } from '../../activities';
import type { SendRequest } from '../../activities/contract';
import { EMAIL_SUBJECT_MAX_CHARS, PUSH_TITLE_MAX_CHARS, SMS_MAX_SEGMENTS } from '../../render/channel-limits';
import type { Store } from '../../store/types';
import { createTestStore, type TestStore } from '../support/db';
import { startPushService, type PushService } from '../support/push-service';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';
import { startTwilioEmulator, type TwilioEmulator } from '../support/twilio-emulator';
import { emulatorSmsDeps } from '../sms/support';
import { parseAllowedTargets } from '../../net/targets';

// One template, every channel: each part prints a property, so the test decides its length.
const SOURCE = [
  '{{!-- email.subject --}}',
  '{{event.properties.subject}}',
  '{{!-- email.text --}}',
  'Hello.',
  '{{!-- sms.text --}}',
  '{{event.properties.sms}}',
  '{{!-- push.title --}}',
  '{{event.properties.title}}',
  '{{!-- push.body --}}',
  '{{event.properties.body}}',
].join('\n');
const HASH = createHash('sha256').update(SOURCE).digest('hex');
const vapid = { ...webpush.generateVAPIDKeys(), subject: 'mailto:ops@shop.example' };

describe('a message longer than its channel allows', () => {
  let db: TestStore;
  let store: Store;
  let mailbox: SmtpSink;
  let twilio: TwilioEmulator;
  let pushService: PushService;
  let sendMessage: ReturnType<typeof createActivities>['sendMessage'];

  beforeAll(async () => {
    [db, mailbox, twilio, pushService] = await Promise.all([createTestStore('pglite'), startSmtpSink(), startTwilioEmulator(), startPushService()]);
    store = db.store;
    await store.saveTemplateVersion({ hash: HASH, name: 'notice', source: SOURCE });
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: mailbox.port, secure: false, ignoreTLS: true });
    ({ sendMessage } = createActivities({
      store,
      email: { transport, from: 'Shop <hello@shop.example>' },
      sms: emulatorSmsDeps(twilio),
      // The local push service is on loopback: allowed explicitly, as PUSH_ALLOWED_PRIVATE_TARGETS does.
      push: { vapid, allowedTargets: parseAllowedTargets('127.0.0.1', 'PUSH_ALLOWED_PRIVATE_TARGETS') },
      defaultTimezone: 'UTC',
    }));
  });
  afterAll(async () => {
    await Promise.all([mailbox?.close(), twilio?.stop(), pushService?.close()]);
    await db?.dispose();
  });

  const customer = async (channel: SendRequest['channel'], properties: Record<string, unknown>) => {
    const customerId = `c-${randomUUID().slice(0, 8)}`;
    await store.upsertContact({ customerId, traits: { email: `${customerId}@shop.example`, phone: '+14155550299' }, at: new Date().toISOString() });
    if (channel === 'push') {
      const subscription = pushService.subscribe({ applicationServerKey: vapid.publicKey });
      await store.savePushSubscription({ customerId, endpoint: subscription.endpoint, ...subscription.keys, at: new Date().toISOString() });
    }
    const request: SendRequest = {
      messageKey: `journey/notice/${customerId}/run-1/${channel}/1`,
      workflowId: `journey/notice/${customerId}`,
      runId: 'run-1',
      journeyId: 'notice',
      journeyVersion: 'v1',
      stepId: channel,
      customerId,
      channel,
      template: 'notice',
      templateVersion: HASH,
      trigger: { id: `evt-${customerId}`, name: 'notice.due', properties, timestamp: '2030-01-01T10:00:00.000Z' },
    };
    return { customerId, request };
  };

  test(`an email subject over ${EMAIL_SUBJECT_MAX_CHARS} characters is skipped:too_long; one at the limit is sent`, async () => {
    const long = await customer('email', { subject: 'é'.repeat(EMAIL_SUBJECT_MAX_CHARS + 1) });
    const outcome = await sendMessage(long.request);
    expect(outcome).toEqual({ reason: 'skipped:too_long', channel: 'email', detail: expect.stringContaining(`email.subject has ${EMAIL_SUBJECT_MAX_CHARS + 1} characters; the limit is ${EMAIL_SUBJECT_MAX_CHARS}`) });
    expect(outcome.detail).toContain('templates/notice.hbs');
    expect(mailbox.to(`${long.customerId}@shop.example`)).toEqual([]);
    expect(await store.getMessage(long.request.messageKey)).toMatchObject({ status: 'done', reason: 'skipped:too_long' });
    // Answered from the log on a retry: still not sent.
    expect(await sendMessage(long.request)).toEqual(outcome);

    const fits = await customer('email', { subject: 'é'.repeat(EMAIL_SUBJECT_MAX_CHARS) });
    expect(await sendMessage(fits.request)).toMatchObject({ reason: 'sent' });
    expect(mailbox.to(`${fits.customerId}@shop.example`)).toHaveLength(1);
  });

  test(`an SMS over ${SMS_MAX_SEGMENTS} segments is skipped:too_long, counted in UCS-2 when one character needs it`, async () => {
    const before = twilio.messages.length;
    // 671 UCS-2 characters: 11 parts of 67 (670 fit in 10); the same length in GSM-7 would be 5 parts.
    const ucs2 = await customer('sms', { sms: `Ciao 😀 ${'a'.repeat(671 - 8)}` });
    const outcome = await sendMessage(ucs2.request);
    expect(outcome).toMatchObject({ reason: 'skipped:too_long', channel: 'sms', detail: expect.stringContaining(`is 11 UCS-2 segments`) });
    expect(outcome.detail).toContain(`the limit is ${SMS_MAX_SEGMENTS}`);

    const gsm = await customer('sms', { sms: 'a'.repeat(153 * SMS_MAX_SEGMENTS + 1) });
    expect(await sendMessage(gsm.request)).toMatchObject({ reason: 'skipped:too_long', detail: expect.stringContaining('is 11 GSM-7 segments') });
    expect(twilio.messages.length).toBe(before);

    const fits = await customer('sms', { sms: 'a'.repeat(153 * SMS_MAX_SEGMENTS) });
    expect(await sendMessage(fits.request)).toMatchObject({ reason: 'sent' });
    expect(twilio.messages.length).toBe(before + 1);
  });

  test(`a push title over ${PUSH_TITLE_MAX_CHARS} characters, or a payload over 4 KB less encryption, is skipped:too_long`, async () => {
    const before = pushService.received.length;
    const title = await customer('push', { title: 'T'.repeat(PUSH_TITLE_MAX_CHARS + 1), body: 'short' });
    expect(await sendMessage(title.request)).toMatchObject({ reason: 'skipped:too_long', channel: 'push', detail: expect.stringContaining(`push.title has ${PUSH_TITLE_MAX_CHARS + 1} characters`) });

    const payload = await customer('push', { title: 'Sale', body: 'b'.repeat(4000) });
    expect(await sendMessage(payload.request)).toMatchObject({ reason: 'skipped:too_long', detail: expect.stringMatching(/push payload is \d+ bytes; push services accept 3993/) });
    expect(pushService.received.length).toBe(before);

    const fits = await customer('push', { title: 'T'.repeat(PUSH_TITLE_MAX_CHARS), body: 'short' });
    expect(await sendMessage(fits.request)).toMatchObject({ reason: 'sent' });
    expect(pushService.received.length).toBe(before + 1);
  });
});
