// The channel registry: one sender per channel, checked complete by the compiler.
import type { Channel } from '../../dsl/schema';
import type { ActivityDeps } from '../contract';
import type { ChannelSender } from './channel';
import { createEmailChannel } from './email';
import { createNotConfiguredChannel } from './not-configured';

export type { ChannelInput, ChannelResult, ChannelSender } from './channel';

export function createChannels(deps: Pick<ActivityDeps, 'email'>): Record<Channel, ChannelSender> {
  return {
    email: createEmailChannel(deps.email),
    sms: createNotConfiguredChannel('sms'),
    push: createNotConfiguredChannel('push'),
  } satisfies Record<Channel, ChannelSender>;
}
