// Consent for one send: the customer's channel subscription (marketing only; opt-out model)
// and the global suppression list (every category), checked address by address.
import type { Channel } from '../../dsl/schema';
import type { ConsentChange, MessageCategory, Suppression } from '../../store/types';

export type ConsentVerdict =
  | { kind: 'blocked'; reason: 'skipped:unsubscribed' | 'skipped:suppressed'; detail: string }
  | { kind: 'allowed'; addresses: string[]; suppressed: Suppression[] };

/** Looks an address up on the suppression list (store.getSuppression, or an answer read before). */
export type SuppressionLookup = (channel: Channel, address: string) => Promise<Suppression | null>;

export interface ConsentInput {
  suppression: SuppressionLookup;
  customerId: string;
  channel: Channel;
  category: MessageCategory;
  /** The customer's current consent per channel (store.getConsent). */
  consent: Partial<Record<Channel, ConsentChange>>;
  addresses: string[];
}

const CHANNEL_NAME: Record<Channel, string> = { email: 'email', sms: 'SMS', push: 'push' };

export async function checkConsent(input: ConsentInput): Promise<ConsentVerdict> {
  const { channel, customerId } = input;
  const current = input.consent[channel];
  if (input.category === 'marketing' && current?.status === 'unsubscribed') {
    return {
      kind: 'blocked',
      reason: 'skipped:unsubscribed',
      detail:
        `Customer ${customerId} unsubscribed from marketing ${CHANNEL_NAME[channel]} on ${current.changedAt} ` +
        `(source: ${current.source}${current.reason ? `, ${current.reason}` : ''}${current.by ? `, by ${current.by}` : ''}); ` +
        'transactional messages still reach them. To send again, the customer must subscribe again.',
    };
  }
  const suppressed: Suppression[] = [];
  const addresses: string[] = [];
  for (const address of input.addresses) {
    const found = await input.suppression(channel, address);
    if (found) suppressed.push(found);
    else addresses.push(address);
  }
  if (addresses.length === 0 && suppressed.length > 0) {
    const list = suppressed.map((s) => `${s.address} (${s.reason}${s.detail ? `: ${s.detail}` : ''}, since ${s.createdAt})`).join('; ');
    return {
      kind: 'blocked',
      reason: 'skipped:suppressed',
      detail: `Every ${CHANNEL_NAME[channel]} address of customer ${customerId} is on the suppression list: ${list}. Nothing is sent to a suppressed address, not even transactional messages; remove the suppression only if the address is known to work again.`,
    };
  }
  return { kind: 'allowed', addresses, suppressed };
}
