// Shared fixtures of the SMS tests: a template with an sms.text part, send requests, and the
// SMS deps built from config the way the runtime does, aimed at the local Twilio emulator.
import { createHash, randomUUID } from 'node:crypto';
import type { ActivityDeps, SendRequest } from '../../activities/contract';
import { createSmsDeps } from '../../runtime/twilio';
import type { Store } from '../../store/types';
import type { TwilioEmulator } from '../support/twilio-emulator';

export const SMS_TEMPLATE = ['{{!-- sms.text --}}', 'Hi {{traits.first_name}} & welcome: your {{event.properties.plan}} plan is live. Reply STOP to opt out.'].join('\n');
export const SMS_TEMPLATE_HASH = createHash('sha256').update(SMS_TEMPLATE).digest('hex');
export const SENDER = '+15005550006';
export const PUBLIC_URL = 'https://touchpoint.example.com';

export async function saveSmsTemplate(store: Store): Promise<void> {
  await store.saveTemplateVersion({ hash: SMS_TEMPLATE_HASH, name: 'sms-welcome', source: SMS_TEMPLATE });
}

/** A new contact with these traits; returns its customer id. */
export async function smsCustomer(store: Store, traits: Record<string, unknown>): Promise<string> {
  const customerId = `sms-${randomUUID().slice(0, 8)}`;
  await store.upsertContact({ customerId, traits, at: new Date().toISOString() });
  return customerId;
}

export function smsRequest(customerId: string, overrides: Partial<SendRequest> = {}): SendRequest {
  return {
    messageKey: `journey/sms-onboarding/${customerId}/run-1/text/1`,
    workflowId: `journey/sms-onboarding/${customerId}`,
    runId: 'run-1',
    journeyId: 'sms-onboarding',
    journeyVersion: 'v1',
    stepId: 'text',
    customerId,
    channel: 'sms',
    template: 'sms-welcome',
    templateVersion: SMS_TEMPLATE_HASH,
    trigger: { id: `evt-${customerId}`, name: 'user.signed_up', properties: { plan: 'pro' }, timestamp: '2030-01-01T10:00:00.000Z' },
    ...overrides,
  };
}

/** The runtime's factory with TWILIO_API_URL → the emulator: the real library, the production code path. */
export function emulatorSmsDeps(emulator: TwilioEmulator, overrides: { authToken?: string; messagingServiceSid?: string; apiUrl?: string } = {}): NonNullable<ActivityDeps['sms']> {
  const deps = createSmsDeps({
    TWILIO_ACCOUNT_SID: emulator.accountSid,
    TWILIO_AUTH_TOKEN: overrides.authToken ?? emulator.authToken,
    TWILIO_FROM: overrides.messagingServiceSid ? undefined : SENDER,
    TWILIO_MESSAGING_SERVICE_SID: overrides.messagingServiceSid,
    TWILIO_API_URL: overrides.apiUrl ?? emulator.url,
    TWILIO_STATUS_CALLBACK: true,
    PUBLIC_URL: PUBLIC_URL,
    HOST: '127.0.0.1',
    PORT: 3000,
  });
  if (!deps) throw new Error('createSmsDeps returned null for a complete Twilio configuration');
  return deps;
}
