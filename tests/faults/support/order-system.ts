// The fault tests' order system: it posts to the API and retries a 5xx or a refused connection
// with the same body (the same messageId), as the API asks; and it enrols customers, each with
// an email, a phone and a browser push subscription, into the fault journey.
import { setTimeout as sleep } from 'node:timers/promises';
import type { PushService } from '../../support/push-service';
import { TRIGGER_EVENT } from './fault-journey';
import type { Enrolled } from './ledger';

export type Post = (path: string, body: unknown) => Promise<unknown>;

/** POST JSON with the bearer key until a 2xx (a 4xx throws; so does a 5xx still there after `patienceMs`). */
export function orderSystem(apiUrl: string, apiKey: string, patienceMs = 180_000): Post {
  return async (path, body) => {
    const deadline = Date.now() + patienceMs;
    for (let attempt = 1; ; attempt++) {
      const answer = await fetch(`${apiUrl}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).then(async (response) => ({ status: response.status, text: await response.text() }), (error: Error) => ({ status: 0, text: error.message }));
      if (answer.status >= 200 && answer.status < 300) return JSON.parse(answer.text);
      if ((answer.status !== 0 && answer.status < 500) || Date.now() > deadline) throw new Error(`POST ${path} answered ${answer.status} (attempt ${attempt}): ${answer.text}`);
      await sleep(Math.min(100 * attempt, 1_000));
    }
  };
}

/** Customers `<prefix>-<first>` … through the API: a push subscription each, then a trigger event with email and phone traits, 100 per batch. */
export async function enrol(post: Post, push: PushService, prefix: string, first: number, count: number): Promise<Enrolled[]> {
  const customers: Enrolled[] = [];
  for (let n = first; n < first + count; n++) {
    const customerId = `${prefix}-${n}`;
    const subscription = push.subscribe();
    await post('/v1/push-subscriptions', { userId: customerId, subscription: { endpoint: subscription.endpoint, keys: subscription.keys } });
    customers.push({ customerId, email: `${customerId}@example.com`, phone: `+1555${String(n).padStart(7, '0')}`, subscriptionId: subscription.id });
  }
  for (let i = 0; i < customers.length; i += 100) {
    const batch = customers.slice(i, i + 100).map((c) => ({ type: 'track', userId: c.customerId, event: TRIGGER_EVENT, messageId: `start-${c.customerId}`, traits: { email: c.email, phone: c.phone } }));
    await post('/v1/batch', { batch });
  }
  return customers;
}
