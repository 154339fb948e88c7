// createSmsDeps: SMS dependencies from the parsed environment, and readable refusals of a
// half-done Twilio setup.
import { loadConfig } from '../../config/env';
import { createSmsDeps, rebaseTwilioUrl } from '../../runtime/twilio';

const config = (env: Record<string, string>) => loadConfig({ HOST: '127.0.0.1', PORT: '3000', ...env }, '/tmp');
const SID = 'AC0123456789abcdef0123456789abcdef';

describe('createSmsDeps', () => {
  test('no TWILIO_* variable means no SMS channel (null)', () => {
    expect(createSmsDeps(config({}))).toBeNull();
  });

  test('a complete setup gives a client, the sender, and the callback URL only when TWILIO_STATUS_CALLBACK is on', () => {
    const plain = createSmsDeps(config({ TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: 'token', TWILIO_FROM: '+15005550006' }));
    expect(plain).toMatchObject({ from: '+15005550006' });
    expect(plain?.client.accountSid).toBe(SID);
    expect(plain).not.toHaveProperty('statusCallback');

    const withCallback = createSmsDeps(
      config({ TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: 'token', TWILIO_MESSAGING_SERVICE_SID: 'MG0123', TWILIO_STATUS_CALLBACK: 'true', PUBLIC_URL: 'https://tp.example.com/' }),
    );
    expect(withCallback).toMatchObject({ messagingServiceSid: 'MG0123', statusCallback: 'https://tp.example.com/webhooks/twilio/status' });
    expect(withCallback).not.toHaveProperty('from');
  });

  test('without PUBLIC_URL the callback goes to http://HOST:PORT', () => {
    const deps = createSmsDeps(config({ TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: 'token', TWILIO_FROM: '+15005550006', TWILIO_STATUS_CALLBACK: '1' }));
    expect(deps?.statusCallback).toBe('http://127.0.0.1:3000/webhooks/twilio/status');
  });

  test('SMS_RATE_PER_SECOND reaches the SMS channel as its rate limit; unset means no limit', () => {
    const base = { TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: 'token', TWILIO_FROM: '+15005550006' };
    expect(createSmsDeps(config({ ...base, SMS_RATE_PER_SECOND: '10' }))?.ratePerSecond).toBe(10);
    expect(createSmsDeps(config(base))).not.toHaveProperty('ratePerSecond');
  });

  test('a half-done setup names what is missing instead of silently disabling SMS', () => {
    expect(() => createSmsDeps(config({ TWILIO_ACCOUNT_SID: SID, TWILIO_FROM: '+15005550006' }))).toThrow(/set TWILIO_AUTH_TOKEN/);
    expect(() => createSmsDeps(config({ TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: 'token' }))).toThrow(/TWILIO_FROM .* or TWILIO_MESSAGING_SERVICE_SID/);
  });

  test('an API key SID or a malformed TWILIO_API_URL is refused with the fix', () => {
    expect(() => createSmsDeps(config({ TWILIO_ACCOUNT_SID: 'SK123', TWILIO_AUTH_TOKEN: 'token', TWILIO_FROM: '+15005550006' }))).toThrow(/starting with "AC"/);
    expect(() => createSmsDeps(config({ TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: 'token', TWILIO_FROM: '+15005550006', TWILIO_API_URL: 'not a url' }))).toThrow(/TWILIO_API_URL/);
  });

  test("TWILIO_API_URL keeps Twilio's path and query under the new base, with its path prefix", () => {
    const uri = `https://api.twilio.com/2010-04-01/Accounts/${SID}/Messages.json?PageSize=1`;
    expect(rebaseTwilioUrl(uri, new URL('http://127.0.0.1:4010'))).toBe(`http://127.0.0.1:4010/2010-04-01/Accounts/${SID}/Messages.json?PageSize=1`);
    expect(rebaseTwilioUrl(uri, new URL('http://proxy.local/twilio/'))).toBe(`http://proxy.local/twilio/2010-04-01/Accounts/${SID}/Messages.json?PageSize=1`);
  });
});
