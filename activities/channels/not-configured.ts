// Channels this Touchpoint cannot deliver on yet (SMS, push): an honest final outcome, never
// a pretended success, so a journey's fallback channel can take over.
import type { Channel } from '../../dsl/schema';
import type { ChannelSender } from './channel';

const NAMES: Record<Channel, string> = { email: 'Email', sms: 'SMS', push: 'Push' };

export function createNotConfiguredChannel(channel: Channel): ChannelSender {
  return {
    channel,
    async send({ request }) {
      return {
        kind: 'final',
        reason: 'failed:channel_not_configured',
        detail:
          `${NAMES[channel]} is not configured: this Touchpoint has no ${NAMES[channel]} provider yet, so step "${request.stepId}" ` +
          `of journey "${request.journeyId}" sent nothing${request.fallback ? '.' : '; add "fallback: email" to the step to reach the customer by email.'}`,
      };
    },
  };
}
