// What one delivery channel does for a send: decide, render, call its provider, and say
// whether the outcome is final or worth another attempt.
import type { Channel } from '../../dsl/schema';
import type { ReasonCode } from '../../core/reasons';
import type { RenderContext, Renderer } from '../../render/renderer';
import type { Contact } from '../../store/types';
import type { SendRequest } from '../contract';

export interface ChannelInput {
  request: SendRequest;
  /** Null for a customer the store has never seen. */
  contact: Contact | null;
  context: RenderContext;
  renderer: Renderer;
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
  send(input: ChannelInput): Promise<ChannelResult>;
}
