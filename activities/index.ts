// The activities a journey run may call, built from their dependencies (tests inject real peers).
import { createRenderer } from '../render/renderer';
import { createChannels } from './channels';
import type { ActivityDeps, JourneyActivities } from './contract';
import { createLoadProfile } from './load-profile';
import { createNextLocalTime } from './next-local-time';
import { createRecordProgress } from './record-progress';
import { createSendMessage } from './send-message';
import { createCallWebhook } from './webhook';

export type { ActivityDeps, JourneyActivities, Profile, SendOutcome, SendRequest, WebhookOutcome, WebhookRequest } from './contract';

export function createActivities(deps: ActivityDeps): JourneyActivities {
  const loadProfile = createLoadProfile(deps);
  return {
    sendMessage: createSendMessage({ ...deps, channels: createChannels(deps), renderer: createRenderer(deps.store) }),
    loadProfile,
    nextLocalTime: createNextLocalTime(loadProfile),
    callWebhook: createCallWebhook(deps),
    recordProgress: createRecordProgress(deps),
  };
}
