// Twilio status callbacks for a message we sent become `sms.delivered` / `sms.undelivered`
// events through the event path: signed by the Twilio emulator the way Twilio signs them.
import { createSmsChannel } from '../../activities/channels/sms';
import { createRenderer } from '../../render/renderer';
import type { LoggedEvent, Store } from '../../store/types';
import { emulatorSmsDeps, smsCustomer, smsRequest, startWebhookWorld, type WebhookWorld } from '../sms/support';
import type { TwilioEmulator } from '../support/twilio-emulator';

describe('SMS delivery events', () => {
  let world: WebhookWorld;
  let store: Store;
  let emulator: TwilioEmulator;
  let routed: LoggedEvent[];

  beforeAll(async () => {
    world = await startWebhookWorld();
    ({ store, emulator, routed } = world);
  });
  afterAll(async () => {
    await world?.close();
  });

  /** A real SMS through the library to the emulator, logged as sent with its Message SID unless `logged` is false. */
  const sentSms = async (phone: string, logged = true) => {
    const customerId = await smsCustomer(store, { phone, first_name: 'Ada' });
    const request = smsRequest(customerId);
    const contact = await store.getContact(customerId);
    const input = { request, contact, store, renderer: createRenderer(store), context: { customer: { id: customerId }, traits: contact?.traits ?? {}, event: request.trigger, journey: { id: request.journeyId } } };
    const channel = createSmsChannel(emulatorSmsDeps(emulator));
    const result = await channel.deliver(input, await channel.render(input), await channel.addresses(input));
    if (result.kind !== 'final' || !result.providerId) throw new Error(`SMS not sent: ${JSON.stringify(result)}`);
    if (!logged) return { sid: result.providerId, messageKey: request.messageKey, customerId, request };
    const { messageKey, workflowId, runId, journeyId, journeyVersion, stepId, channel: ch, template, templateVersion } = request;
    await store.claimMessage({ messageKey, workflowId, runId, journeyId, journeyVersion, stepId, customerId, channel: ch, template, templateVersion, address: null });
    await store.finishMessage(messageKey, { reason: 'sent', providerId: result.providerId, address: result.address ?? null, channel: 'sms' });
    return { sid: result.providerId, messageKey, customerId, request };
  };

  it('turns a "delivered" report into one sms.delivered event for the customer, however often Twilio repeats it', async () => {
    const { sid, messageKey, customerId, request } = await sentSms('+14155550131');
    expect(await emulator.sendStatus(sid, 'sent')).toMatchObject({ status: 204 });
    expect(routed.filter((e) => e.customerId === customerId)).toEqual([]);
    for (let i = 0; i < 2; i++) expect(await emulator.sendStatus(sid, 'delivered')).toMatchObject({ status: 204 });
    const events = routed.filter((e) => e.customerId === customerId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'track',
      event: 'sms.delivered',
      messageId: `twilio-status:${sid}:delivered`,
      properties: { message_key: messageKey, journey_id: request.journeyId, step_id: request.stepId, message_sid: sid, error_code: null },
    });
  });

  it('reports an undelivered message as sms.undelivered with the Twilio error code; a message not in the log makes no event', async () => {
    const { sid, customerId } = await sentSms('+14155550132');
    await emulator.sendStatus(sid, 'undelivered', { errorCode: 30003 });
    expect(routed.filter((e) => e.customerId === customerId)).toEqual([expect.objectContaining({ event: 'sms.undelivered', properties: expect.objectContaining({ error_code: 30003 }) })]);

    const stranger = await sentSms('+14155550133', false);
    expect(await emulator.sendStatus(stranger.sid, 'delivered')).toMatchObject({ status: 204 });
    expect(routed.filter((e) => e.customerId === stranger.customerId)).toEqual([]);
  });
});
