// Shared fixtures of the SMS tests: a template with an sms.text part, send requests, and the
// SMS deps built from config the way the runtime does, aimed at the local Twilio emulator.
import { createHash, randomUUID } from 'node:crypto';
import type { ActivityDeps, SendRequest } from '../../activities/contract';
import { createSmsDeps } from '../../runtime/twilio';
import { createApiServer } from '../../api';
import { ingest } from '../../api/ingest';
import { twilioWebhooks } from '../../api/routes/twilio-webhooks';
import type { Router } from '../../routing/router';
import type { LoggedEvent, Store } from '../../store/types';
import { listen, type Api } from '../api/http';
import { createTestStore } from '../support/db';
import { startTwilioEmulator, type TwilioEmulator } from '../support/twilio-emulator';

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

export interface WebhookWorld {
  store: Store;
  emulator: TwilioEmulator;
  api: Api;
  /** Events the webhooks sent through the event path, in order. */
  routed: LoggedEvent[];
  close(): Promise<void>;
}

/**
 * A PGlite store with the SMS template, the Twilio emulator and the API with the Twilio
 * webhooks on real HTTP; Twilio calls PUBLIC_URL, which a "reverse proxy" hands to the server.
 */
export async function startWebhookWorld(): Promise<WebhookWorld> {
  const testStore = await createTestStore('pglite');
  const { store } = testStore;
  await saveSmsTemplate(store);
  const routed: LoggedEvent[] = [];
  const router: Router = {
    async route(event) {
      routed.push(event);
      return { runs: [] };
    },
  };
  const emulator = await startTwilioEmulator();
  const plugin = twilioWebhooks({ store, authToken: emulator.authToken, publicUrl: PUBLIC_URL, ingest: (event) => ingest({ store, router }, event) });
  const api = await listen(createApiServer({ store, router, apiKeys: [], health: async () => ({}), plugins: [plugin] }));
  emulator.forward(PUBLIC_URL, api.url);
  return {
    store,
    emulator,
    api,
    routed,
    async close() {
      await api.close();
      await emulator.stop();
      await testStore.dispose();
    },
  };
}
