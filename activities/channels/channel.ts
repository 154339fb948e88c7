// What one delivery channel does for a send. The decision path (send-message.ts) asks it for
// the customer's addresses, checks consent, suppression, caps and quiet hours, asks it to
// render, then lets it deliver; the channel marks the message `dispatching` (through the
// callback it is given) at the last moment before its provider could accept the message.
import type { Channel } from '../../dsl/schema';
import type { ReasonCode } from '../../core/reasons';
import type { RenderContext, Renderer } from '../../render/renderer';
import type { Contact, Store } from '../../store/types';
import type { SendRequest } from '../contract';

export interface ChannelInput {
  request: SendRequest;
  /** Null for a customer the store has never seen. */
  contact: Contact | null;
  context: RenderContext;
  renderer: Renderer;
  store: Store;
}

export type ChannelResult =
  | {
      kind: 'final';
      reason: ReasonCode;
      /** A sentence for support staff. */
      detail: string;
      address?: string | null;
      providerId?: string;
      /** The exact content sent. */
      content?: Record<string, unknown>;
    }
  | {
      /** Nothing was sent and another attempt may succeed (or, if `nonRetryable`, needs a fix first). */
      kind: 'retry';
      /** ApplicationFailure type, e.g. ProviderUnavailable. */
      type: string;
      detail: string;
      nonRetryable?: boolean;
    };

export interface ChannelSender {
  readonly channel: Channel;
  /** False when the channel has no provider configured: the send ends as failed:channel_not_configured, with `notConfiguredDetail`. */
  readonly configured: boolean;
  /** Says which settings to add, e.g. "SMS is not configured: set TWILIO_ACCOUNT_SID, ...". */
  readonly notConfiguredDetail: string;
  /**
   * Where this customer can be reached on this channel: the email column, the phone column,
   * or every push subscription endpoint. Empty → skipped:no_address. Suppression is checked
   * by the caller against these, normalised as the suppression list keeps them.
   */
  addresses(input: ChannelInput): Promise<string[]>;
  /** Render the message for this channel (throws TemplateVersionMissingError / render errors). */
  render(input: ChannelInput): Promise<Record<string, unknown>>;
  /**
   * Hand the rendered message to the provider for `addresses` (the unsuppressed ones); must not
   * throw for provider answers: map them to a final reason or a retry.
   *
   * @param markDispatching Marks the message `dispatching` (in doubt if the worker dies from here
   * until the answer is recorded). The channel awaits it once, at the last moment before the
   * provider could accept the message: email just before the end-of-data mark of SMTP DATA, SMS
   * and push just before their HTTP request. A worker that dies before it leaves the message
   * `deciding`, and the retry sends it. If it rejects (another attempt owns the message), the
   * provider must not get the message and deliver rejects with that same error.
   * @default nothing is marked (channel tests that call deliver directly)
   */
  deliver(input: ChannelInput, content: Record<string, unknown>, addresses: string[], markDispatching?: () => Promise<void>): Promise<ChannelResult>;
}
