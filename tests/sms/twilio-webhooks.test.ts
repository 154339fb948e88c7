// Twilio's webhooks over real HTTP, posted and signed by the Twilio emulator the way Twilio
// signs them: delivery reports, STOP / START / HELP, other replies, and forged requests.
import { DEFAULT_SMS_HELP_TEXT } from '../../api/routes/twilio-webhooks';
import { createSmsChannel } from '../../activities/channels/sms';
import { createRenderer } from '../../render/renderer';
import type { LoggedEvent, Store } from '../../store/types';
import type { TwilioEmulator } from '../support/twilio-emulator';
import type { Api } from '../api/http';
import { emulatorSmsDeps, PUBLIC_URL, smsCustomer, smsRequest, startWebhookWorld, type WebhookWorld } from './support';

const INBOUND = `${PUBLIC_URL}/webhooks/twilio/inbound`;

describe('Twilio webhooks', () => {
  let world: WebhookWorld;
  let store: Store;
  let emulator: TwilioEmulator;
  let api: Api;
  let routed: LoggedEvent[];

  beforeAll(async () => {
    world = await startWebhookWorld();
    ({ store, emulator, api, routed } = world);
  });
  afterAll(async () => {
    await world?.close();
  });

  /** A real SMS through the library to the emulator, logged as sent with its Message SID. */
  const sentSms = async (phone: string) => {
    const customerId = await smsCustomer(store, { phone, first_name: 'Ada' });
    const request = smsRequest(customerId);
    const contact = await store.getContact(customerId);
    const input = { request, contact, store, renderer: createRenderer(store), context: { customer: { id: customerId }, traits: contact?.traits ?? {}, event: request.trigger, journey: { id: request.journeyId } } };
    const channel = createSmsChannel(emulatorSmsDeps(emulator));
    const result = await channel.deliver(input, await channel.render(input), await channel.addresses(input));
    if (result.kind !== 'final' || !result.providerId) throw new Error(`SMS not sent: ${JSON.stringify(result)}`);
    const { messageKey, workflowId, runId, journeyId, journeyVersion, stepId, channel: ch, template, templateVersion } = request;
    await store.claimMessage({ messageKey, workflowId, runId, journeyId, journeyVersion, stepId, customerId, channel: ch, template, templateVersion, address: null });
    await store.finishMessage(messageKey, { reason: 'sent', providerId: result.providerId, address: result.address ?? null, channel: 'sms' });
    return { sid: result.providerId, messageKey, customerId };
  };

  test('a delivery report updates the message, and a late "sent" never overwrites "delivered"', async () => {
    const { sid, messageKey } = await sentSms('+14155550101');
    expect(await emulator.sendStatus(sid, 'delivered')).toMatchObject({ status: 204 });
    expect(await store.getMessage(messageKey)).toMatchObject({ deliveryStatus: 'delivered', reason: 'sent' });
    expect(await emulator.sendStatus(sid, 'sent')).toMatchObject({ status: 204 });
    expect(await store.getMessage(messageKey)).toMatchObject({ deliveryStatus: 'delivered' });
  });

  test('undelivered to an unknown handset (30005) suppresses the number; switched off (30003) does not', async () => {
    const gone = await sentSms('+14155550102');
    await emulator.sendStatus(gone.sid, 'undelivered', { errorCode: 30005 });
    expect(await store.getMessage(gone.messageKey)).toMatchObject({ deliveryStatus: 'undelivered' });
    expect(await store.getSuppression('sms', '+14155550102')).toMatchObject({ reason: 'invalid_address', detail: expect.stringContaining('30005') });

    const off = await sentSms('+14155550103');
    await emulator.sendStatus(off.sid, 'undelivered', { errorCode: 30003 });
    expect(await store.getMessage(off.messageKey)).toMatchObject({ deliveryStatus: 'undelivered' });
    expect(await store.getSuppression('sms', '+14155550103')).toBeNull();
  });

  test('a tampered, missing or wrongly keyed signature is refused with 403 and changes nothing', async () => {
    const { sid, messageKey } = await sentSms('+14155550104');
    const tampered = emulator.sign(`${PUBLIC_URL}/webhooks/twilio/status`, { MessageSid: sid, MessageStatus: 'sent' });
    const forged = await emulator.sendStatus(sid, 'failed', { signature: tampered });
    expect(forged.status).toBe(403);
    expect(JSON.parse(forged.body)).toMatchObject({ error: { code: 'invalid_signature', message: expect.stringContaining('PUBLIC_URL') } });
    const wrongKey = emulator.sign(`${PUBLIC_URL}/webhooks/twilio/status`, { MessageSid: sid, MessageStatus: 'failed' }, 'not-the-token');
    expect((await emulator.post(`${PUBLIC_URL}/webhooks/twilio/status`, { MessageSid: sid, MessageStatus: 'failed' }, { signature: wrongKey })).status).toBe(403);
    const unsigned = await fetch(`${api.url}/webhooks/twilio/inbound`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'From=%2B14155550104&Body=START&MessageSid=SM1' });
    expect(unsigned.status).toBe(403);
    expect(await store.getMessage(messageKey)).toMatchObject({ deliveryStatus: null });
  });

  test('STOP from a customer unsubscribes every contact with that number from SMS and suppresses it, answering empty TwiML', async () => {
    const ada = await smsCustomer(store, { phone: '+14155550105' });
    const twin = await smsCustomer(store, { phone: '+14155550105' });
    const answer = await emulator.sendInbound(INBOUND, { from: '+14155550105', body: '  Stop ' });
    expect(answer).toEqual({ status: 200, contentType: 'text/xml; charset=utf-8', body: '<?xml version="1.0" encoding="UTF-8"?><Response/>' });
    for (const customerId of [ada, twin]) {
      expect((await store.getConsent(customerId)).sms).toMatchObject({ status: 'unsubscribed', source: 'sms_keyword', reason: 'texted STOP' });
    }
    expect(await store.getSuppression('sms', '+14155550105')).toMatchObject({ reason: 'sms_stop' });
  });

  test.each([
    ['STOPALL', '+14155550121'],
    ['unsubscribe', '+14155550122'],
    ['Cancel', '+14155550123'],
    ['END', '+14155550124'],
    ['quit', '+14155550125'],
    ['Stop texting me please', '+14155550126'],
  ])('"%s" opts the number out, even one no contact has', async (body, phone) => {
    expect((await emulator.sendInbound(INBOUND, { from: phone, body })).status).toBe(200);
    expect(await store.getSuppression('sms', phone)).toMatchObject({ reason: 'sms_stop' });
  });

  test('START re-subscribes and lifts the STOP suppression, but not a suppression support added by hand', async () => {
    const customerId = await smsCustomer(store, { phone: '+14155550106' });
    await emulator.sendInbound(INBOUND, { from: '+14155550106', body: 'STOP' });
    expect(await emulator.sendInbound(INBOUND, { from: '+14155550106', body: 'start' })).toMatchObject({ status: 200, body: expect.stringContaining('<Response/>') });
    expect((await store.getConsent(customerId)).sms).toMatchObject({ status: 'subscribed', source: 'sms_keyword', reason: 'texted START' });
    expect(await store.getSuppression('sms', '+14155550106')).toBeNull();

    await store.addSuppression({ channel: 'sms', address: '+14155550107', reason: 'manual', detail: 'legal hold', at: new Date().toISOString() });
    await emulator.sendInbound(INBOUND, { from: '+14155550107', body: 'UNSTOP' });
    expect(await store.getSuppression('sms', '+14155550107')).toMatchObject({ reason: 'manual' });
  });

  test('"Yes, but later" is not an opt-in: only a lone keyword subscribes', async () => {
    const customerId = await smsCustomer(store, { phone: '+14155550108' });
    await emulator.sendInbound(INBOUND, { from: '+14155550108', body: 'STOP' });
    await emulator.sendInbound(INBOUND, { from: '+14155550108', body: 'Yes, but later' });
    expect((await store.getConsent(customerId)).sms).toMatchObject({ status: 'unsubscribed' });
  });

  test('HELP answers with the help text as TwiML', async () => {
    const answer = await emulator.sendInbound(INBOUND, { from: '+14155550109', body: 'help' });
    expect(answer.status).toBe(200);
    expect(answer.contentType).toMatch(/^text\/xml/);
    expect(answer.body).toBe(`<?xml version="1.0" encoding="UTF-8"?><Response><Message>${DEFAULT_SMS_HELP_TEXT.replace(/&/g, '&amp;')}</Message></Response>`);
  });

  test('any other reply from a known customer becomes an sms.received event; from an unknown number it is only acknowledged', async () => {
    const customerId = await smsCustomer(store, { phone: '+14155550110' });
    const answer = await emulator.sendInbound(INBOUND, { from: '+14155550110', body: 'What time do you open?' });
    expect(answer).toMatchObject({ status: 200, body: expect.stringContaining('<Response/>') });
    const event = routed.find((e) => e.customerId === customerId);
    expect(event).toMatchObject({ type: 'track', event: 'sms.received', properties: { body: 'What time do you open?', from: '+14155550110' }, messageId: expect.stringMatching(/^twilio:SM/) });
    expect((await store.getConsent(customerId)).sms).toBeUndefined();

    const before = routed.length;
    expect((await emulator.sendInbound(INBOUND, { from: '+14155550199', body: 'who is this?' })).status).toBe(200);
    expect(routed.length).toBe(before);
  });
});
