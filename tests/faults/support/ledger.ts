// The books of a fault test: every send step of every run against what really arrived at the
// SMTP server (by Message-ID), the Twilio emulator (by number) and the push service (by
// subscription). A message arrives exactly once when the log says `sent`, at most once when it
// says `unknown:provider_outcome` (handed over, then the worker died), and nothing else arrives.
// An email is marked in doubt only once the SMTP server answered DATA and is being sent the
// message: with a tap on the SMTP connection, an in-doubt email whose body never reached the
// server counts as missing.
import { stableMessageId } from '../../../activities/channels/email';
import type { Channel } from '../../../dsl/schema';
import type { MessageRow, Store } from '../../../store/types';
import type { PushService } from '../../support/push-service';
import type { SmtpSink } from '../../support/smtp-sink';
import type { TwilioEmulator } from '../../support/twilio-emulator';
import { SEND_STEPS } from './fault-journey';

/** A customer the test enrolled: its addresses and push subscription. */
export interface Enrolled {
  customerId: string;
  email: string;
  phone: string;
  subscriptionId: string;
}

export interface Peers {
  mail: SmtpSink;
  /** Message-IDs whose body the SMTP server started to receive (an SmtpTap). @default unknown: not checked */
  bodiesStarted?: ReadonlySet<string>;
  twilio: TwilioEmulator;
  push: PushService;
}

export interface Ledger {
  runs: number;
  /** Copies that arrived at the peers for a logged send, per channel. */
  delivered: Record<Channel, number>;
  sent: number;
  inDoubt: number;
  /** In-doubt sends whose one copy did reach the provider before the worker died. */
  inDoubtArrived: number;
  /** In-doubt sends that never reached the provider, per channel (for email: the body did, the final "." did not). */
  inDoubtNeverArrived: Record<Channel, number>;
  /** Copies beyond the first of one message. */
  duplicates: number;
  /** Send steps with no final log row, `sent` rows with no copy at the provider, and in-doubt emails whose body never reached the SMTP server. */
  missing: number;
  /** Messages at the peers that no log row accounts for. */
  strays: number;
  /** What went wrong, one line each (empty when the books balance). */
  problems: string[];
}

const IN_DOUBT = 'unknown:provider_outcome';

/** Balance the books for these customers' runs of the fault journey. */
export async function balance(store: Store, customers: readonly Enrolled[], peers: Peers): Promise<Ledger> {
  const byMessageId = countBy(peers.mail.messages, (m) => m.messageId ?? '(none)');
  const byPhone = countBy(peers.twilio.messages, (m) => m.to);
  const bySubscription = countBy(peers.push.received, (p) => p.subscriptionId);
  const ledger: Ledger = { runs: customers.length, delivered: { email: 0, sms: 0, push: 0 }, sent: 0, inDoubt: 0, inDoubtArrived: 0, inDoubtNeverArrived: { email: 0, sms: 0, push: 0 }, duplicates: 0, missing: 0, strays: 0, problems: [] };
  const problem = (line: string) => ledger.problems.push(line);

  for (const customer of customers) {
    const rows = await store.listMessages({ customerId: customer.customerId, limit: 1000 });
    for (const { stepId, channel } of SEND_STEPS) {
      const found = rows.filter((r) => r.stepId === stepId);
      const row = found[0];
      if (!row || found.length > 1) {
        ledger.missing += row ? 0 : 1;
        problem(`${customer.customerId} ${stepId}: ${found.length} log rows, expected 1`);
        if (!row) continue;
      }
      const copies = copiesOf(row, customer, { byMessageId, byPhone, bySubscription });
      ledger.delivered[channel] += copies;
      ledger.duplicates += Math.max(0, copies - 1);
      if (copies > 1) problem(`${row.messageKey}: ${copies} copies at the ${channel} provider`);
      if (channel === 'email' && copies > 0 && peers.bodiesStarted && !peers.bodiesStarted.has(stableMessageId(row.messageKey))) {
        problem(`${row.messageKey}: arrived at the SMTP server, but the tap never saw its body start (smtp-tap.ts misses messages)`);
      }
      if (row.status !== 'done') problem(`${row.messageKey}: still ${row.status}`);
      if (row.reason === 'sent') {
        ledger.sent += 1;
        if (copies === 0) {
          ledger.missing += 1;
          problem(`${row.messageKey}: logged sent, never arrived`);
        }
      } else if (row.reason === IN_DOUBT) {
        ledger.inDoubt += 1;
        if (copies > 0) ledger.inDoubtArrived += 1;
        else if (channel === 'email' && peers.bodiesStarted && !peers.bodiesStarted.has(stableMessageId(row.messageKey))) {
          // Marked dispatching before the server could receive it: a retry would have sent it safely.
          ledger.missing += 1;
          problem(`${row.messageKey}: logged ${IN_DOUBT}, but its body never reached the SMTP server: ${row.detail ?? ''}`);
        } else ledger.inDoubtNeverArrived[channel] += 1;
      } else {
        ledger.missing += 1;
        problem(`${row.messageKey}: ${row.reason}: ${row.detail ?? ''}`);
      }
    }
  }
  const arrived = peers.mail.messages.length + peers.twilio.messages.length + peers.push.received.length;
  ledger.strays = arrived - (ledger.delivered.email + ledger.delivered.sms + ledger.delivered.push);
  if (ledger.strays !== 0) problem(`${ledger.strays} messages at the providers that no log row accounts for`);
  return ledger;
}

/** One line for the test output, e.g. `… → 500/500 completed, 1000 emails, 500 sms, 500 push, 0 dup, 0 missing, …`. */
export function summary(label: string, completed: number, ledger: Ledger): string {
  const { delivered: d } = ledger;
  const lost = ledger.inDoubtNeverArrived;
  const doubt =
    ledger.inDoubt === 0
      ? '0 in doubt'
      : `${ledger.inDoubt} in doubt (${ledger.inDoubtArrived} arrived once; never reached the provider: ${lost.email} email (body sent, no final "."), ${lost.sms} sms, ${lost.push} push)`;
  return (
    `faults: ${label} → ${completed}/${ledger.runs} completed, ${d.email} emails, ${d.sms} sms, ${d.push} push, ` +
    `${ledger.duplicates} dup, ${ledger.missing} missing, ${ledger.strays} strays, ${doubt}`
  );
}

interface Tallies {
  byMessageId: Map<string, number>;
  byPhone: Map<string, number>;
  bySubscription: Map<string, number>;
}

/** Copies of this logged message at its provider (each customer has one SMS and one push step). */
function copiesOf(row: MessageRow, customer: Enrolled, tallies: Tallies): number {
  if (row.channel === 'email') return tallies.byMessageId.get(stableMessageId(row.messageKey)) ?? 0;
  if (row.channel === 'sms') return tallies.byPhone.get(customer.phone) ?? 0;
  return tallies.bySubscription.get(customer.subscriptionId) ?? 0;
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}
