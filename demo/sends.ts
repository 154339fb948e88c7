// What happened to one made-up message: the send decision with a realistic mix of reason codes
// (a quiet-hours deferral is tried again the next morning under a new key), then opens and clicks.
import { nextWallClockTime } from '../activities/local-time';
import type { ReasonCode } from '../core/reasons';
import type { MessageCategory } from '../store/types';
import type { DemoCustomer } from './people';
import type { Rng } from './random';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

export interface SendDecision {
  at: number;
  reason: ReasonCode;
  detail: string | null;
  /** With `deferred:*`: when the next attempt decides again. */
  retryAt: number | null;
}

export interface Engagement {
  /** Opens by the person (first one sets opened_at) and by a mail-privacy proxy. */
  opens: { at: number; proxied: boolean }[];
  clicks: number[];
}

const MARKETING: readonly (readonly [ReasonCode, number])[] = [
  ['sent', 88], ['deferred:quiet_hours', 5], ['skipped:frequency_cap', 3], ['failed:provider', 2], ['failed:invalid_address', 1], ['skipped:suppressed', 1],
];
const TRANSACTIONAL: readonly (readonly [ReasonCode, number])[] = [['sent', 97], ['failed:provider', 2], ['failed:invalid_address', 1]];

const DETAIL: Partial<Record<ReasonCode, string>> = {
  'skipped:unsubscribed': 'email: unsubscribed (demo data)',
  'skipped:frequency_cap': 'email cap 3/7d reached (demo data)',
  'skipped:suppressed': 'address suppressed: hard_bounce (demo data)',
  'failed:provider': '421 4.7.0 try again later, after 5 attempts (demo data)',
  'failed:invalid_address': '550 5.1.1 no such user (demo data)',
};

/** The decisions one send step made: usually one; a deferral and its retry make two. */
export function decideSend(rng: Rng, customer: DemoCustomer, message: { category: MessageCategory; at: number }): SendDecision[] {
  const { at } = message;
  if (message.category === 'marketing' && customer.unsubscribedAt !== null && at >= customer.unsubscribedAt) {
    return [{ at, reason: 'skipped:unsubscribed', detail: DETAIL['skipped:unsubscribed'] ?? null, retryAt: null }];
  }
  const reason = rng.weighted(message.category === 'marketing' ? MARKETING : TRANSACTIONAL);
  if (reason === 'deferred:quiet_hours') {
    const retryAt = nextWallClockTime(at, 9, 0, customer.timezone);
    return [
      { at, reason, detail: `quiet hours 21:00-08:00 in ${customer.timezone} (demo data)`, retryAt },
      { at: retryAt, reason: 'sent', detail: null, retryAt: null },
    ];
  }
  return [{ at, reason, detail: DETAIL[reason] ?? null, retryAt: null }];
}

/** Opens and clicks of a sent message, all before `now`; happier customers open and click more. */
export function engagement(rng: Rng, customer: DemoCustomer, decision: SendDecision, now: number): Engagement {
  const none: Engagement = { opens: [], clicks: [] };
  if (decision.reason !== 'sent') return none;
  const opens: Engagement['opens'] = [];
  const clicks: number[] = [];
  // Apple Mail Privacy Protection fetches the pixel minutes after delivery, whether read or not.
  if (rng.chance(0.12)) opens.push({ at: decision.at + rng.between(1, 20) * MINUTE_MS, proxied: true });
  if (rng.chance(0.3 + customer.mood * 0.4)) {
    const first = decision.at + rng.between(0.1, 30) * HOUR_MS;
    opens.push({ at: first, proxied: false });
    if (rng.chance(0.3)) opens.push({ at: first + rng.between(1, 48) * HOUR_MS, proxied: false });
    if (rng.chance(0.2 + customer.mood * 0.3)) clicks.push(first + rng.between(0.2, 10) * MINUTE_MS);
  }
  return { opens: opens.filter((o) => o.at < now), clicks: clicks.filter((c) => c < now) };
}
