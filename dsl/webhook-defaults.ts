// The defaults of a webhook step's optional fields, in one place for the schema's docs, the
// interpreter (activity timeouts), the webhook activity and `touchpoint validate`. Pure.
import type { WebhookStep } from './schema';

export const WEBHOOK_DEFAULTS = {
  method: 'POST',
  /** Per-attempt HTTP timeout. */
  timeout: '10s',
  attempts: 5,
  /** Environment variable holding the HMAC key. */
  secret_env: 'WEBHOOK_SECRET',
} as const satisfies Required<Pick<WebhookStep, 'method' | 'timeout' | 'attempts' | 'secret_env'>>;
