// A channel with no provider configured: an honest final outcome naming the settings to add,
// never a pretended success, so a journey's fallback channel can take over.
import type { Channel } from '../../dsl/schema';
import type { ChannelSender } from './channel';

/** What to set for each channel, for the message support staff and operators read. */
const SETTINGS: Record<Channel, string> = {
  email: 'Email is not configured: set SMTP_URL (and EMAIL_FROM) for the worker.',
  sms: 'SMS is not configured: set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM (or TWILIO_MESSAGING_SERVICE_SID) for the worker.',
  push: 'Web push is not configured: set VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY and VAPID_SUBJECT for the worker (in dev they are generated under the data dir).',
};

export function createNotConfiguredChannel(channel: Channel, detail: string = SETTINGS[channel]): ChannelSender {
  return {
    channel,
    configured: false,
    notConfiguredDetail: detail,
    addresses: async () => [],
    async render() {
      throw new Error(detail);
    },
    async deliver() {
      return { kind: 'final', reason: 'failed:channel_not_configured', detail };
    },
  };
}
