// What the send decision path needs from configuration, in one call for runtime/start.ts: the
// send policy (QUIET_HOURS, FREQUENCY_CAPS) and signed links (PUBLIC_URL, TOUCHPOINT_SECRET).
import type { SendPolicy } from '../activities/contract';
import type { Config } from '../config/env';
import { parseSendPolicy } from '../config/policy';
import { resolveSecret } from './secret';

export interface DecisionDeps {
  /** ActivityDeps.policy */
  policy: SendPolicy;
  /** ActivityDeps.links; `secret` is also what unsubscribeRoutes verifies with. */
  links: { publicUrl: string; secret: string };
  /** Where a generated secret is kept (null when TOUCHPOINT_SECRET is set), to mention at start-up. */
  secretFile: string | null;
}

type DecisionConfig = Pick<Config, 'QUIET_HOURS' | 'FREQUENCY_CAPS' | 'TOUCHPOINT_SECRET' | 'PUBLIC_URL' | 'HOST' | 'PORT' | 'dataDir'>;

/** Throws a message naming the variable when QUIET_HOURS, FREQUENCY_CAPS or TOUCHPOINT_SECRET is wrong. */
export async function createDecisionDeps(config: DecisionConfig): Promise<DecisionDeps> {
  const policy = parseSendPolicy(config);
  const { secret, file } = await resolveSecret(config.TOUCHPOINT_SECRET, config.dataDir);
  const publicUrl = (config.PUBLIC_URL ?? `http://${config.HOST}:${config.PORT}`).replace(/\/+$/, '');
  return { policy, links: { publicUrl, secret }, secretFile: file };
}
