// The SMS channel through the real twilio library, pointed at the local Twilio emulator by
// TWILIO_API_URL: what Twilio receives, and how each of its answers becomes an outcome.
import type { ChannelInput } from '../../activities/channels';
import { createSmsChannel } from '../../activities/channels/sms';
import { createRenderer } from '../../render/renderer';
import type { Store } from '../../store/types';
import { createTestStore, type TestStore } from '../support/db';
import { freePort } from '../support/ports';
import { startTwilioEmulator, type TwilioEmulator } from '../support/twilio-emulator';
import { emulatorSmsDeps, PUBLIC_URL, saveSmsTemplate, SENDER, smsCustomer, smsRequest } from './support';

describe('SMS channel (twilio library → Twilio emulator)', () => {
  let testStore: TestStore;
  let store: Store;
  let emulator: TwilioEmulator;

  beforeAll(async () => {
    testStore = await createTestStore('pglite');
    store = testStore.store;
    await saveSmsTemplate(store);
    emulator = await startTwilioEmulator();
  });
  afterAll(async () => {
    await emulator?.stop();
    await testStore?.dispose();
  });

  const inputFor = async (traits: Record<string, unknown>): Promise<ChannelInput> => {
    const customerId = await smsCustomer(store, traits);
    const contact = await store.getContact(customerId);
    const request = smsRequest(customerId);
    return {
      request,
      contact,
      store,
      renderer: createRenderer(store),
      context: { customer: { id: customerId }, traits: contact?.traits ?? {}, event: request.trigger, journey: { id: request.journeyId } },
    };
  };

  /** addresses → render → deliver, as the decision path calls them. */
  const send = async (channel = createSmsChannel(emulatorSmsDeps(emulator)), traits: Record<string, unknown> = { phone: '+1 (415) 555-0100', first_name: 'Ada' }) => {
    const input = await inputFor(traits);
    const addresses = await channel.addresses(input);
    const content = await channel.render(input);
    return { result: await channel.deliver(input, content, addresses), content, addresses };
  };

  test('sends one SMS with the rendered body to the E.164 number, from TWILIO_FROM, with the status callback URL', async () => {
    const before = emulator.messages.length;
    const { result, content, addresses } = await send();
    expect(addresses).toEqual(['+14155550100']);
    const body = 'Hi Ada & welcome: your pro plan is live. Reply STOP to opt out.';
    expect(content).toEqual({ text: body, segments: 1, encoding: 'GSM-7' });

    const accepted = emulator.messages.slice(before);
    expect(accepted).toHaveLength(1);
    expect(accepted[0]).toMatchObject({ to: '+14155550100', from: SENDER, messagingServiceSid: null, body, statusCallback: `${PUBLIC_URL}/webhooks/twilio/status` });
    expect(result).toEqual({
      kind: 'final',
      reason: 'sent',
      address: '+14155550100',
      providerId: accepted[0]?.sid,
      content: { to: '+14155550100', body, segments: 1, encoding: 'GSM-7' },
      detail: `Accepted by Twilio as ${accepted[0]?.sid} (status queued): 1 GSM-7 segment.`,
    });
  });

  test('sends through the Messaging Service instead of a number when TWILIO_MESSAGING_SERVICE_SID is set', async () => {
    const before = emulator.messages.length;
    const { result } = await send(createSmsChannel(emulatorSmsDeps(emulator, { messagingServiceSid: 'MG0123456789abcdef0123456789abcdef' })));
    expect(emulator.messages.slice(before)).toEqual([expect.objectContaining({ from: null, messagingServiceSid: 'MG0123456789abcdef0123456789abcdef' })]);
    expect(result).toMatchObject({ kind: 'final', reason: 'sent', detail: expect.stringContaining('(status accepted)') });
  });

  test('a number Twilio calls invalid (21211) is failed:invalid_address, and nothing is sent', async () => {
    const before = emulator.messages.length;
    const { result, addresses } = await send(undefined, { phone: '555-0100', first_name: 'Bo' });
    expect(addresses).toEqual(['555-0100']);
    expect(result).toMatchObject({ kind: 'final', reason: 'failed:invalid_address', address: '555-0100', detail: expect.stringContaining('error 21211') });
    expect(emulator.messages.length).toBe(before);
  });

  test('a landline (21614) is failed:invalid_address', async () => {
    emulator.failNext({ kind: 'not_mobile' });
    const { result } = await send();
    expect(result).toMatchObject({ kind: 'final', reason: 'failed:invalid_address', detail: expect.stringContaining('21614') });
  });

  test('a recipient who texted STOP to the sender (21610) is skipped:unsubscribed and the number is suppressed', async () => {
    emulator.failNext({ kind: 'unsubscribed' });
    const { result } = await send(undefined, { phone: '+14155550177' });
    expect(result).toMatchObject({ kind: 'final', reason: 'skipped:unsubscribed', address: '+14155550177' });
    expect(await store.getSuppression('sms', '+14155550177')).toMatchObject({ reason: 'sms_stop' });
  });

  test.each([
    ['429 Too Many Requests (20429)', { kind: 'rate_limited' } as const, 'RateLimited'],
    ['a 500 from Twilio', { kind: 'server_error' } as const, 'ProviderUnavailable'],
  ])('%s is a retry and nothing is sent', async (_name, failure, type) => {
    const before = emulator.messages.length;
    emulator.failNext(failure);
    const { result } = await send();
    expect(result).toMatchObject({ kind: 'retry', type, detail: expect.stringContaining('nothing was sent') });
    expect(result).not.toHaveProperty('nonRetryable', true);
    expect(emulator.messages.length).toBe(before);
  });

  test('a wrong auth token is a retry that names the variables to fix', async () => {
    const { result } = await send(createSmsChannel(emulatorSmsDeps(emulator, { authToken: 'wrong' })));
    expect(result).toMatchObject({ kind: 'retry', type: 'ProviderAuthFailed', detail: expect.stringContaining('TWILIO_AUTH_TOKEN') });
  });

  test('Twilio unreachable (connection refused) is a retry: nothing can have been sent', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const { result } = await send(createSmsChannel(emulatorSmsDeps(emulator, { apiUrl: closed })));
    expect(result).toMatchObject({ kind: 'retry', type: 'ProviderUnavailable', detail: expect.stringContaining('ECONNREFUSED') });
  });

  test('a connection dropped after Twilio accepted is unknown:provider_outcome, never a retry', async () => {
    const before = emulator.messages.length;
    emulator.failNext({ kind: 'accept_then_hang_up' });
    const { result } = await send();
    expect(result).toMatchObject({ kind: 'final', reason: 'unknown:provider_outcome', detail: expect.stringContaining('not resent') });
    expect(emulator.messages.length).toBe(before + 1);
  });

  test('a customer without a phone has no SMS address', async () => {
    const input = await inputFor({ email: 'no-phone@example.com' });
    expect(await createSmsChannel(emulatorSmsDeps(emulator)).addresses(input)).toEqual([]);
  });

  test('without Twilio settings the channel says it is not configured and which variables to set', async () => {
    const channel = createSmsChannel(null);
    expect(channel.configured).toBe(false);
    expect(channel.notConfiguredDetail).toMatch(/TWILIO_ACCOUNT_SID.*TWILIO_AUTH_TOKEN.*TWILIO_FROM.*TWILIO_MESSAGING_SERVICE_SID/);
    const input = await inputFor({ phone: '+14155550100' });
    expect(await channel.deliver(input, { text: 'hi' }, ['+14155550100'])).toMatchObject({ kind: 'final', reason: 'failed:channel_not_configured' });
  });
});
