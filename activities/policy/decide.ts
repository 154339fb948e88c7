// The decision for one channel, in order: configured, an address, consent and suppression,
// frequency cap, quiet hours. Reads only; the caller records the outcome.
import type { Channel } from '../../dsl/schema';
import type { ConsentChange } from '../../store/types';
import type { ChannelInput, ChannelSender } from '../channels/channel';
import type { SendPolicy } from '../contract';
import { checkConsent, type SuppressionLookup } from './consent';
import { frequencyCapDetail } from './frequency-cap';
import { effectiveQuietHours, quietHoursEnd } from './quiet-hours';

export type ChannelDecision =
  /** The channel cannot reach the customer at all: the fallback channel may. */
  | { kind: 'impossible'; reason: 'failed:channel_not_configured' | 'skipped:no_address' | 'skipped:unsubscribed' | 'skipped:suppressed'; detail: string }
  /** Reachable, but not now and not later either. */
  | { kind: 'skip'; reason: 'skipped:frequency_cap'; detail: string }
  | { kind: 'defer'; reason: 'deferred:quiet_hours'; detail: string; retryAt: string }
  /** Go ahead: deliver to these addresses; `note` mentions suppressed ones left out. */
  | { kind: 'go'; addresses: string[]; note: string };

export interface DecideInput {
  sender: ChannelSender;
  input: ChannelInput;
  consent: Partial<Record<Channel, ConsentChange>>;
  /** The suppression list lookup (send-message answers the contact's own addresses from its claim). */
  suppression: SuppressionLookup;
  policy: SendPolicy | undefined;
  /** The customer's IANA zone (their `timezone` trait, else the default). */
  zone: string;
  now: Date;
}

const NAMES: Record<Channel, string> = { email: 'email address', sms: 'phone number', push: 'push subscription' };
const TRAITS: Record<Channel, string> = { email: 'traits.email is empty or missing', sms: 'traits.phone is empty or missing', push: 'no browser subscribed to push' };

export async function decideChannel({ sender, input, consent, suppression, policy, zone, now }: DecideInput): Promise<ChannelDecision> {
  const { request, store } = input;
  const channel = sender.channel;
  if (!sender.configured) return { kind: 'impossible', reason: 'failed:channel_not_configured', detail: sender.notConfiguredDetail };

  const addresses = await sender.addresses(input);
  if (addresses.length === 0) {
    return { kind: 'impossible', reason: 'skipped:no_address', detail: `Customer ${request.customerId} has no ${NAMES[channel]} (${TRAITS[channel]}); nothing was sent.` };
  }

  const category = request.category ?? 'marketing';
  const verdict = await checkConsent({ suppression, customerId: request.customerId, channel, category, consent, addresses });
  if (verdict.kind === 'blocked') return { kind: 'impossible', reason: verdict.reason, detail: verdict.detail };
  const note = verdict.suppressed.length === 0 ? '' : ` Left out suppressed ${verdict.suppressed.map((s) => `${s.address} (${s.reason})`).join(', ')}.`;
  if (category === 'transactional') return { kind: 'go', addresses: verdict.addresses, note };

  const capped = await frequencyCapDetail({ store, customerId: request.customerId, channel, caps: policy?.frequencyCaps ?? {}, now });
  if (capped) return { kind: 'skip', reason: 'skipped:frequency_cap', detail: capped };

  const hours = effectiveQuietHours(request, policy);
  const end = hours ? quietHoursEnd(now.getTime(), zone, hours) : null;
  if (hours && end !== null) {
    const retryAt = new Date(end).toISOString();
    const whose = request.quietHours ? `journey "${request.journeyId}"` : 'QUIET_HOURS';
    return {
      kind: 'defer',
      reason: 'deferred:quiet_hours',
      retryAt,
      detail: `Quiet hours ${hours.start}-${hours.end} (${whose}) in the customer's time zone ${zone}; the run decides again at ${retryAt}.`,
    };
  }
  return { kind: 'go', addresses: verdict.addresses, note };
}

