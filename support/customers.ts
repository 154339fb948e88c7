// Customers as support staff see them: found by id, email or phone, with consent (and its
// history), suppressions of their addresses and push subscriptions.
import { traitWarnings } from '../core/trait-warnings';
import type { Store, Suppression } from '../store/types';
import type { CustomerView } from './types';

/** By customer id first, then email (case-insensitive), then phone; the first match by id order wins. */
export async function findCustomer(store: Store, query: string, defaultTimezone = 'UTC'): Promise<CustomerView | null> {
  const wanted = query.trim();
  if (wanted === '') return null;
  const contact =
    (await store.getContact(wanted)) ??
    (wanted.includes('@') ? (await store.findContactsByEmail(wanted))[0] : undefined) ??
    (await store.findContactsByPhone(wanted))[0] ??
    null;
  return contact ? customerView(store, contact.customerId, defaultTimezone) : null;
}

/** `defaultTimezone`: the zone used for a customer whose `timezone` trait is not an IANA zone (DEFAULT_TIMEZONE). */
export async function customerView(store: Store, customerId: string, defaultTimezone = 'UTC'): Promise<CustomerView | null> {
  const contact = await store.getContact(customerId);
  if (!contact) return null;
  const [consent, consentHistory, pushSubscriptions] = await Promise.all([
    store.getConsent(customerId),
    store.consentHistory(customerId),
    store.listPushSubscriptions(customerId),
  ]);
  const addresses = [
    ...(contact.email ? [{ channel: 'email' as const, address: contact.email }] : []),
    ...(contact.phone ? [{ channel: 'sms' as const, address: contact.phone }] : []),
    ...pushSubscriptions.map((sub) => ({ channel: 'push' as const, address: sub.endpoint })),
  ];
  const found = await Promise.all(addresses.map(({ channel, address }) => store.getSuppression(channel, address)));
  const suppressions = found.filter((s): s is Suppression => s !== null);
  return { contact, consent, consentHistory, suppressions, pushSubscriptions, warnings: traitWarnings(contact.traits, defaultTimezone) };
}
