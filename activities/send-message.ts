// The send activity, the one decision path every message goes through: claim the key, spot a
// repeated run, decide (consent → caps → quiet hours, fallback channel), render, mark
// `dispatching`, hand to the provider, record. At most once when in doubt. Survey sends carry
// signed survey links in the render context; progress the run reports is recorded first.
import { ApplicationFailure } from '@temporalio/common';
import { signUnsubscribeToken } from '../consent/tokens';
import type { JourneyEvent } from '../core/events';
import type { SurveyResult } from '../dsl/conditions';
import type { Channel } from '../dsl/schema';
import { traitWarnings } from '../core/trait-warnings';
import { sizeProblem } from '../render/channel-limits';
import { TemplateVersionMissingError, type RenderContext, type Renderer } from '../render/renderer';
import { suppressionAddress } from '../store/sql-audience';
import type { Contact, MessageRow, SendClaim, Store } from '../store/types';
import type { ChannelInput, ChannelSender } from './channels';
import { stableMessageId } from './channels/email';
import type { ActivityDeps, SendOutcome, SendRequest } from './contract';
import { profileTimeZone } from './load-profile';
import type { SuppressionLookup } from './policy/consent';
import { decideChannel } from './policy/decide';
import { progressOf, recordGivenProgress } from './record-progress';
import { surveyContext, surveyLinksMissingDetail, type SurveyRenderContext } from './survey-context';

export interface SendMessageDeps {
  store: Store;
  channels: Record<Channel, ChannelSender>;
  renderer: Renderer;
  /** Quiet hours and frequency caps. @default none */
  policy?: ActivityDeps['policy'];
  /** Signed unsubscribe links. @default none: no link, no List-Unsubscribe header */
  links?: ActivityDeps['links'];
  /** Zone for customers without a valid `timezone` trait. @default 'UTC' */
  defaultTimezone?: string;
  /** The clock for caps and quiet hours. @default () => new Date() */
  now?: () => Date;
}

/** The outcome recorded in a finished row: what every later call with the same key returns. */
export function outcomeOf(row: MessageRow): SendOutcome {
  return {
    reason: row.reason ?? 'failed:provider',
    channel: row.channel,
    ...(row.providerId ? { providerId: row.providerId } : {}),
    ...(row.detail ? { detail: row.detail } : {}),
    ...(row.retryAt ? { retryAt: row.retryAt } : {}),
  };
}

/**
 * What a send's templates read: the RenderContext, plus `survey`: in a survey step its links,
 * in a later send the answer (`survey.score`, `survey.comment`, `survey.category`, ...).
 */
export type SendRenderContext = RenderContext & { survey?: SurveyRenderContext | SurveyResult };

const eventView = (event: JourneyEvent) => ({ name: event.name, properties: event.properties, timestamp: event.timestamp });

export function renderContextFor(request: SendRequest, contact: Contact | null, links?: RenderContext['links'], survey?: SurveyRenderContext): SendRenderContext {
  const latest: NonNullable<RenderContext['latest']> = { [request.trigger.name]: eventView(request.trigger) };
  for (const [name, event] of Object.entries(request.latest ?? {})) {
    const kept = latest[name];
    if (kept === undefined || Date.parse(event.timestamp) >= Date.parse(kept.timestamp)) latest[name] = eventView(event);
  }
  const answered = survey ?? request.surveyResult;
  return {
    customer: { id: request.customerId },
    traits: contact?.traits ?? {},
    event: eventView(request.trigger),
    journey: { id: request.journeyId },
    latest,
    ...(links ? { links } : {}),
    ...(answered ? { survey: answered } : {}),
  };
}

/** `PUBLIC_URL/u/<token>`: unsubscribes this customer from marketing on this channel. */
export function unsubscribeUrl(links: NonNullable<ActivityDeps['links']>, request: SendRequest, channel: Channel, now: Date): string {
  const token = signUnsubscribeToken(links.secret, { customerId: request.customerId, channel, messageKey: request.messageKey, issuedAt: now.toISOString() });
  return `${links.publicUrl.replace(/\/+$/, '')}/u/${token}`;
}

export function createSendMessage(deps: SendMessageDeps): (request: SendRequest) => Promise<SendOutcome> {
  const { store, channels, renderer } = deps;
  const clock = deps.now ?? (() => new Date());
  return async function sendMessage(request) {
    await recordGivenProgress(store, progressOf(request, request.progress));
    const key = request.messageKey;
    const finish = async (outcome: Parameters<Store['finishMessage']>[1]) => outcomeOf(await store.finishMessage(key, { at: clock().toISOString(), ...outcome }));
    // The claim and every row the decision reads (twin, contact, consent, suppressions) in one round trip.
    const claim = await store.claimMessageForSend({
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
      category: request.category ?? 'marketing',
      triggerId: request.trigger.id,
    });
    let row = claim.row;
    if (!claim.claimed) {
      if (row.status === 'done') return outcomeOf(row);
      // Handed to the provider, answer never recorded: it may have arrived. Never resent.
      if (row.status === 'dispatching') return finish({ reason: 'unknown:provider_outcome', detail: inDoubtDetail(row) });
      // `deciding` or `retrying`: nothing reached a provider, so the whole decision is made again.
      row = await store.retakeMessage(key);
    }

    const { twin, contact, consent } = claim;
    if (twin) {
      return finish({
        reason: 'skipped:duplicate',
        channel: twin.channel,
        detail: `Already sent for the same trigger event ${request.trigger.id} by message ${twin.messageKey} (run ${twin.runId}) at ${twin.sentAt ?? twin.updatedAt}; a repeated run never sends it twice.`,
      });
    }

    let survey: SurveyRenderContext | undefined;
    if (request.survey) {
      if (!deps.links) return finish({ reason: 'failed:channel_not_configured', detail: surveyLinksMissingDetail(request) });
      survey = surveyContext(deps.links, { ...request, survey: request.survey });
    }

    const now = clock();
    const zone = profileTimeZone(contact?.traits ?? {}, deps.defaultTimezone ?? 'UTC');
    // Said in the log (and so the run's timeline) wherever the zone decided something: quiet hours, {{date}}.
    const zoneNote = traitWarnings(contact?.traits ?? {}, zone).map((w) => ` Note: ${w.message}`).join('');
    const contexts = new Map<Channel, RenderContext>();
    const inputFor = (channel: Channel): ChannelInput => {
      let context = contexts.get(channel);
      if (!context) {
        context = renderContextFor(request, contact, deps.links ? { unsubscribe: unsubscribeUrl(deps.links, request, channel, now) } : undefined, survey);
        contexts.set(channel, context);
      }
      return { request, contact, renderer, store, context };
    };
    const suppression = knownSuppressions(store, contact, claim.suppressions);
    const decide = (channel: Channel) => decideChannel({ sender: channels[channel], input: inputFor(channel), consent, suppression, policy: deps.policy, zone, now });

    let channel = request.channel;
    let decision = await decide(channel);
    let note = '';
    // Only a channel that cannot reach the customer at all hands over; a cap or quiet hours apply to the customer.
    if (decision.kind === 'impossible' && request.fallback !== undefined && request.fallback !== channel) {
      note = `Fell back from ${channel} (${decision.reason}: ${decision.detail}) `;
      channel = request.fallback;
      decision = await decide(channel);
    }
    if (decision.kind === 'impossible' || decision.kind === 'skip') {
      const hint = decision.reason === 'failed:channel_not_configured' && !request.fallback ? ` Or add "fallback: email" to step "${request.stepId}".` : '';
      return finish({ reason: decision.reason, detail: `${note}${decision.detail}${hint}`, channel });
    }
    if (decision.kind === 'defer') return finish({ reason: decision.reason, detail: `${note}${decision.detail}${zoneNote}`, retryAt: decision.retryAt, channel });

    const input = inputFor(channel);
    let content: Record<string, unknown>;
    try {
      content = await channels[channel].render(input);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (error instanceof TemplateVersionMissingError) return retryLater(store, request, `${channel}: ${message}`, 'TemplateVersionMissing');
      // Retrying cannot fix a template: record the final outcome so the log and the run agree.
      return finish({ reason: 'failed:provider', detail: `${note}${channel}: TemplateRenderFailed: ${message}`, channel });
    }
    // Never truncated, never sent: a cut subject or a ten-part SMS is not what the template's author wrote.
    const tooLong = sizeProblem(channel, content, request.template);
    if (tooLong) return finish({ reason: 'skipped:too_long', detail: `${note}${tooLong}`, channel });

    const address = decision.addresses.join(', ');
    // The channel calls this at the last moment before its provider could accept the message.
    const markDispatching = async () => {
      try {
        await store.markMessageDispatching(key, { channel, address, attempt: row.attempts });
      } catch (error) {
        // Another attempt of this key took over (this one outlived its timeout): it decides, not us. The channel sends nothing.
        throw ApplicationFailure.retryable(`Message ${key}: ${error instanceof Error ? error.message : String(error)}`, 'SendAttemptSuperseded');
      }
    };
    const result = await channels[channel].deliver(input, content, decision.addresses, markDispatching);
    if (result.kind === 'retry' && result.nonRetryable) {
      return finish({ reason: 'failed:provider', detail: `${note}${channel}: ${result.type}: ${result.detail}`, channel });
    }
    if (result.kind === 'retry') return retryLater(store, request, `${channel}: ${result.detail}`, result.type);
    return finish({
      reason: result.reason,
      detail: `${note}${result.detail}${decision.note}${zoneNote}`,
      providerId: result.providerId ?? null,
      content: result.content ?? null,
      address: result.address ?? address,
      channel,
    });
  };
}

/**
 * The suppression lookup of the decision: the contact's own email or phone is answered from the
 * claim's read (the same query for the same address); any other address goes to the store.
 */
function knownSuppressions(store: Store, contact: Contact | null, known: SendClaim['suppressions']): SuppressionLookup {
  const stored: Partial<Record<Channel, string | null>> = { email: contact?.email ?? null, sms: contact?.phone ?? null };
  return async (channel, address) => {
    const found = channel === 'email' || channel === 'sms' ? known[channel] : undefined;
    return found !== undefined && stored[channel] === suppressionAddress(channel, address) ? found : store.getSuppression(channel, address);
  };
}

/** Nothing reached the customer and another attempt may succeed: mark `retrying` and let Temporal back off. */
async function retryLater(store: Store, request: SendRequest, detail: string, type: string): Promise<never> {
  await store.markMessageRetrying(request.messageKey, detail);
  throw ApplicationFailure.retryable(`Message ${request.messageKey} (journey "${request.journeyId}", step "${request.stepId}"): ${detail}`, type);
}

function inDoubtDetail(row: MessageRow): string {
  return (
    `Attempt ${row.attempts} handed this ${row.channel} message${row.address ? ` for ${row.address}` : ''} to the provider at ${row.updatedAt} but stopped ` +
    "before recording the provider's answer (worker crash or activity timeout), so whether it reached the customer is unknown. " +
    'Not resent, so the customer never gets it twice' +
    (row.channel === 'email' ? `; the SMTP server's log shows whether Message-ID ${stableMessageId(row.messageKey)} went out.` : '; the provider\'s message log shows whether it went out.')
  );
}
