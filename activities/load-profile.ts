// The loadProfile activity: the customer's traits and the time zone their local times use.
import type { Store } from '../store/types';
import type { JourneyActivities } from './contract';
import { isValidTimeZone } from './local-time';
import { recordGivenProgress } from './record-progress';

/** The `timezone` trait when it is a valid IANA zone, else `fallback`. */
export function profileTimeZone(traits: Record<string, unknown>, fallback: string): string {
  const zone = traits.timezone;
  return isValidTimeZone(zone) ? zone.trim() : fallback;
}

export function createLoadProfile(deps: { store: Store; defaultTimezone: string }): JourneyActivities['loadProfile'] {
  return async function loadProfile(customerId, progress) {
    await recordGivenProgress(deps.store, progress);
    const contact = await deps.store.getContact(customerId);
    const traits = contact?.traits ?? {};
    return { customerId, traits, timezone: profileTimeZone(traits, deps.defaultTimezone) };
  };
}
