// sendMessage (the decision path) on the SMS channel: the real activities, a real store, the real
// twilio library and the Twilio emulator. Retries are made the way Temporal makes them: the
// same request again after a retryable failure.
import { createActivities } from '../../activities';
import type { JourneyActivities } from '../../activities/contract';
import type { Store } from '../../store/types';
import { createTestStore, type TestStore } from '../support/db';
import { startTwilioEmulator, type TwilioEmulator } from '../support/twilio-emulator';
import { emulatorSmsDeps, saveSmsTemplate, smsCustomer, smsRequest } from './support';

describe('sendMessage over SMS', () => {
  let testStore: TestStore;
  let store: Store;
  let emulator: TwilioEmulator;
  let activities: JourneyActivities;

  beforeAll(async () => {
    testStore = await createTestStore('pglite');
    store = testStore.store;
    await saveSmsTemplate(store);
    emulator = await startTwilioEmulator();
    activities = createActivities({ store, email: null, sms: emulatorSmsDeps(emulator), defaultTimezone: 'UTC' });
  });
  afterAll(async () => {
    await emulator?.stop();
    await testStore?.dispose();
  });

  const textsTo = (phone: string) => emulator.messages.filter((m) => m.to === phone);

  test('sends one SMS with the rendered body and logs the Message SID and the exact text', async () => {
    const customerId = await smsCustomer(store, { phone: '+1 415 555 0201', first_name: 'Ada' });
    const request = smsRequest(customerId);
    const outcome = await activities.sendMessage(request);
    const [text, ...more] = textsTo('+14155550201');
    expect(more).toEqual([]);
    expect(text?.body).toBe('Hi Ada & welcome: your pro plan is live. Reply STOP to opt out.');
    expect(outcome).toMatchObject({ reason: 'sent', channel: 'sms', providerId: text?.sid });
    expect(await store.getMessage(request.messageKey)).toMatchObject({
      status: 'done',
      reason: 'sent',
      address: '+14155550201',
      providerId: text?.sid,
      content: { to: '+14155550201', body: text?.body, segments: 1 },
    });
  });

  test('a number Twilio refuses (21211) ends as failed:invalid_address, and no retry can change that', async () => {
    const customerId = await smsCustomer(store, { phone: '12345' });
    const request = smsRequest(customerId);
    expect(await activities.sendMessage(request)).toMatchObject({ reason: 'failed:invalid_address', channel: 'sms', detail: expect.stringContaining('21211') });
    expect(await activities.sendMessage(request)).toMatchObject({ reason: 'failed:invalid_address' });
    expect(textsTo('12345')).toEqual([]);
  });

  test('Twilio answers 500 then 201: the retry sends exactly one SMS, and a later repeat sends none', async () => {
    const customerId = await smsCustomer(store, { phone: '+14155550202', first_name: 'Bo' });
    const request = smsRequest(customerId);
    emulator.failNext({ kind: 'server_error' });
    await expect(activities.sendMessage(request)).rejects.toMatchObject({ name: 'ApplicationFailure', type: 'ProviderUnavailable', nonRetryable: false });
    expect(textsTo('+14155550202')).toEqual([]);

    const outcome = await activities.sendMessage(request);
    expect(outcome).toMatchObject({ reason: 'sent', channel: 'sms' });
    expect(await activities.sendMessage(request)).toEqual(outcome);
    expect(textsTo('+14155550202')).toHaveLength(1);
    expect(emulator.requests).toBeGreaterThanOrEqual(2);
  });

  test('429 from Twilio is a retryable RateLimited failure with nothing sent', async () => {
    const customerId = await smsCustomer(store, { phone: '+14155550203' });
    const request = smsRequest(customerId);
    emulator.failNext({ kind: 'rate_limited', retryAfterSeconds: 2 });
    await expect(activities.sendMessage(request)).rejects.toMatchObject({ type: 'RateLimited', nonRetryable: false });
    expect(textsTo('+14155550203')).toEqual([]);
    expect(await activities.sendMessage(request)).toMatchObject({ reason: 'sent' });
    expect(textsTo('+14155550203')).toHaveLength(1);
  });

  test('a connection lost after Twilio accepted is unknown:provider_outcome and is never sent again', async () => {
    const customerId = await smsCustomer(store, { phone: '+14155550204' });
    const request = smsRequest(customerId);
    emulator.failNext({ kind: 'accept_then_hang_up' });
    expect(await activities.sendMessage(request)).toMatchObject({ reason: 'unknown:provider_outcome', channel: 'sms' });
    expect(await activities.sendMessage(request)).toMatchObject({ reason: 'unknown:provider_outcome' });
    expect(textsTo('+14155550204')).toHaveLength(1);
  });

  test('after STOP (consent + suppression) a marketing SMS is skipped and Twilio is never called', async () => {
    const customerId = await smsCustomer(store, { phone: '+14155550205' });
    const at = new Date().toISOString();
    await store.setConsent({ customerId, channel: 'sms', status: 'unsubscribed', source: 'sms_keyword', reason: 'texted STOP', by: null, at });
    await store.addSuppression({ channel: 'sms', address: '+14155550205', reason: 'sms_stop', detail: null, at });
    const before = emulator.requests;
    expect(await activities.sendMessage(smsRequest(customerId))).toMatchObject({ reason: expect.stringMatching(/^skipped:(unsubscribed|suppressed)$/), channel: 'sms' });
    expect(emulator.requests).toBe(before);
  });
});
