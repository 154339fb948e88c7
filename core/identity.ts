// Who an event is about: a known customer (Segment `userId`) or an anonymous visitor
// (`anonymousId`). Anonymous visitors get customer ids of their own, in a namespace no userId
// can enter, so an anonymous call can never write to a known customer's profile by guessing its id.

/** Prefix of the customer id an anonymous visitor's events and traits are recorded under until linked. */
export const ANONYMOUS_PREFIX = 'anon:';

/** The customer id of an anonymous visitor: `anon:<anonymousId>`. */
export function anonymousCustomerId(anonymousId: string): string {
  return `${ANONYMOUS_PREFIX}${anonymousId}`;
}

/** True for a customer id that stands for an anonymous visitor not (yet) linked to a known customer. */
export function isAnonymousCustomerId(customerId: string): boolean {
  return customerId.startsWith(ANONYMOUS_PREFIX);
}
