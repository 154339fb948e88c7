// The channel registry: one sender per channel, checked complete by the compiler.
import type { Channel } from '../../dsl/schema';
import type { ActivityDeps } from '../contract';
import type { ChannelSender } from './channel';
import { createEmailChannel } from './email';
import { createNotConfiguredChannel } from './not-configured';
import { createPushChannel } from './push';
import { createSmsChannel } from './sms';

export type { ChannelInput, ChannelResult, ChannelSender } from './channel';

export function createChannels(deps: Pick<ActivityDeps, 'email' | 'sms' | 'push' | 'links'>): Record<Channel, ChannelSender> {
  return {
    email: createEmailChannel(deps.email, deps.links),
    sms: createSmsChannel(deps.sms ?? null),
    push: createPushChannel(deps.push ?? null, deps.links ? { links: deps.links } : {}),
  } satisfies Record<Channel, ChannelSender>;
}
