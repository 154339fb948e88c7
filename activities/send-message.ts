// The send activity: claim the message key in the log BEFORE calling a provider, so a retried
// or replayed send never reaches the customer twice (at most once when in doubt).
import { ApplicationFailure } from '@temporalio/common';
import type { Channel } from '../dsl/schema';
import type { ReasonCode } from '../core/reasons';
import type { RenderContext, Renderer } from '../render/renderer';
import type { Contact, MessageRow, Store } from '../store/types';
import type { ChannelResult, ChannelSender } from './channels';
import { stableMessageId } from './channels/email';
import type { SendOutcome, SendRequest } from './contract';

/** Primary outcomes after which the fallback channel is tried: the primary could not reach the customer at all. */
const FALLBACK_AFTER: ReadonlySet<ReasonCode> = new Set<ReasonCode>(['skipped:no_address', 'failed:channel_not_configured']);

export interface SendMessageDeps {
  store: Store;
  channels: Record<Channel, ChannelSender>;
  renderer: Renderer;
}

/** The outcome recorded in a finished row: what every later call with the same key returns. */
export function outcomeOf(row: MessageRow): SendOutcome {
  return {
    reason: row.reason ?? 'failed:provider',
    channel: row.channel,
    ...(row.providerId ? { providerId: row.providerId } : {}),
    ...(row.detail ? { detail: row.detail } : {}),
  };
}

export function renderContextFor(request: SendRequest, contact: Contact | null): RenderContext {
  return {
    customer: { id: request.customerId },
    traits: contact?.traits ?? {},
    event: { name: request.trigger.name, properties: request.trigger.properties, timestamp: request.trigger.timestamp },
    journey: { id: request.journeyId },
  };
}

export function createSendMessage({ store, channels, renderer }: SendMessageDeps): (request: SendRequest) => Promise<SendOutcome> {
  return async function sendMessage(request) {
    const key = request.messageKey;
    const claim = await store.claimMessage({
      messageKey: key,
      workflowId: request.workflowId,
      runId: request.runId,
      journeyId: request.journeyId,
      journeyVersion: request.journeyVersion,
      stepId: request.stepId,
      customerId: request.customerId,
      channel: request.channel,
      template: request.template,
      templateVersion: request.templateVersion,
      address: null,
    });
    if (!claim.claimed) {
      const row = claim.row;
      if (row.status === 'done') return outcomeOf(row);
      if (row.status === 'dispatching') {
        // A previous attempt claimed the send and never recorded the provider's answer: it may
        // have reached the customer. Resending could send twice, so this send ends here.
        return outcomeOf(await store.finishMessage(key, { reason: 'failed:provider', detail: inDoubtDetail(row) }));
      }
      await store.retakeMessage(key);
    }

    const contact = await store.getContact(request.customerId);
    const input = { request, contact, context: renderContextFor(request, contact), renderer };
    let channel = request.channel;
    let result = await channels[channel].send(input);
    if (result.kind === 'final' && request.fallback && request.fallback !== channel && FALLBACK_AFTER.has(result.reason)) {
      const primary = result;
      channel = request.fallback;
      result = withFallbackNote(await channels[channel].send(input), request.channel, primary);
    }

    if (result.kind === 'retry' && result.nonRetryable) {
      // Retrying cannot help (e.g. the template does not render): record the final outcome so
      // the message log and the run state agree, instead of leaving the row `retrying`.
      const row = await store.finishMessage(key, { reason: 'failed:provider', detail: `${channel}: ${result.type}: ${result.detail}`, channel });
      return outcomeOf(row);
    }
    if (result.kind === 'retry') {
      const detail = `${channel}: ${result.detail}`;
      await store.markMessageRetrying(key, detail);
      const failure = `Message ${key} (journey "${request.journeyId}", step "${request.stepId}"): ${detail}`;
      throw ApplicationFailure.retryable(failure, result.type);
    }
    const row = await store.finishMessage(key, {
      reason: result.reason,
      detail: result.detail,
      providerId: result.providerId ?? null,
      content: result.content ?? null,
      address: result.address ?? null,
      channel,
    });
    return outcomeOf(row);
  };
}

function withFallbackNote(result: ChannelResult, primaryChannel: Channel, primary: ChannelResult & { kind: 'final' }): ChannelResult {
  const note = `Fell back from ${primaryChannel} (${primary.reason}: ${primary.detail})`;
  return { ...result, detail: `${note} ${result.detail}` };
}

function inDoubtDetail(row: MessageRow): string {
  return (
    `A previous attempt (attempt ${row.attempts}, last update ${row.updatedAt}) claimed this ${row.channel} send but stopped ` +
    "before recording the provider's answer (worker crash or activity timeout), so whether it reached the customer is unknown. " +
    'Not resent, so the customer never gets it twice' +
    (row.channel === 'email' ? `; the SMTP server's log shows whether Message-ID ${stableMessageId(row.messageKey)} went out.` : '.')
  );
}
