// The journey the fault tests run many times: two emails, an SMS and a push message around a
// durable timer, so a fault can land in a send, between sends or while the run sleeps.
import { createHash } from 'node:crypto';
import { buildSnapshot } from '../../../dsl/snapshot';
import { JourneySchema, type Channel, type JourneySnapshot } from '../../../dsl/schema';
import type { Store } from '../../../store/types';

const TEMPLATES: Record<string, string> = {
  'fault-hello': '{{!-- email.subject --}}\nHello {{customer.id}}\n{{!-- email.text --}}\nThe first of two emails.',
  'fault-text': '{{!-- sms.text --}}\nHi {{customer.id}}, this is your text.',
  'fault-ping': '{{!-- push.title --}}\nPing\n{{!-- push.body --}}\nFor {{customer.id}}',
  'fault-bye': '{{!-- email.subject --}}\nGoodbye {{customer.id}}\n{{!-- email.text --}}\nThe second of two emails.',
};

/** The send steps of the journey, in order, with their channel: what every run must account for. */
export const SEND_STEPS: ReadonlyArray<{ stepId: string; channel: Channel }> = [
  { stepId: 'hello', channel: 'email' },
  { stepId: 'text', channel: 'sms' },
  { stepId: 'ping', channel: 'push' },
  { stepId: 'bye', channel: 'email' },
];

/** The event that starts a run. */
export const TRIGGER_EVENT = 'fault.started';

/** Save the templates and return the journey `id`, sleeping `pause` after its first email. */
export async function faultJourney(store: Store, id: string, pause: string): Promise<JourneySnapshot> {
  const hashes: Record<string, string> = {};
  for (const [name, source] of Object.entries(TEMPLATES)) {
    const hash = createHash('sha256').update(source).digest('hex');
    await store.saveTemplateVersion({ hash, name, source });
    hashes[name] = hash;
  }
  const journey = JourneySchema.parse({
    id,
    name: 'Fault suite',
    trigger: { event: TRIGGER_EVENT },
    steps: [
      { id: 'hello', send: { channel: 'email', template: 'fault-hello' } },
      { id: 'pause', wait: pause },
      { id: 'text', send: { channel: 'sms', template: 'fault-text' } },
      { id: 'ping', send: { channel: 'push', template: 'fault-ping' } },
      { id: 'bye', send: { channel: 'email', template: 'fault-bye' } },
    ],
  });
  return buildSnapshot(journey, hashes, `tests/faults (${id})`);
}
