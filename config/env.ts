// Configuration from the environment, parsed once at start-up. Nothing else reads process.env.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { hideUrlCredentials } from '../core/url-credentials';
import { parseAllowedTargets, type TargetPolicy } from '../net/targets';

const optional = z
  .string()
  .transform((v) => v.trim())
  .optional()
  .transform((v) => (v === undefined || v === '' ? undefined : v));

const bool = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', ''])
  .optional()
  .transform((v) => v === '1' || v === 'true' || v === 'yes');

export const EnvSchema = z.object({
  TEMPORAL_ADDRESS: optional.meta({ description: 'host:port of a Temporal frontend. Unset: `npm start` runs the dev server.' }),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default('touchpoint'),
  TEMPORAL_API_KEY: optional,
  TEMPORAL_TLS: bool,
  TEMPORAL_TLS_CERT_PATH: optional,
  TEMPORAL_TLS_KEY_PATH: optional,
  TEMPORAL_TLS_CA_PATH: optional,
  TEMPORAL_TLS_SERVER_NAME: optional,
  TEMPORAL_MAX_CACHED_WORKFLOWS: optional
    .pipe(
      z.coerce
        .number<string>({ error: 'write a whole number of runs, e.g. TEMPORAL_MAX_CACHED_WORKFLOWS=100' })
        .int({ error: 'write a whole number of runs, e.g. TEMPORAL_MAX_CACHED_WORKFLOWS=100' })
        .refine((n) => n === 0 || n >= 2, { error: 'must be 0 (no sticky cache) or at least 2' })
        .default(100),
    )
    .meta({ description: "Runs the worker keeps in memory between their steps (the SDK's sticky cache). Each costs ~0.3 MB of worker memory; a run not cached replays its history when it wakes. 0: none." }),
  TEMPORAL_CLI_PATH: optional,
  TEMPORAL_TEST_SERVER_PATH: optional,
  TEMPORAL_DEV_PORT: z.coerce.number().int().min(1).max(65535).default(7233),
  TEMPORAL_UI_PORT: z.coerce.number().int().min(1).max(65535).default(8233),
  TEMPORAL_UI_URL: optional.meta({ description: 'Base address of the Temporal Web UI for run links (e.g. https://cloud.temporal.io). Unset: the dev server\'s UI when `npm start` runs it, else no links.' }),
  DATABASE_URL: optional,
  TOUCHPOINT_DATA_DIR: z.string().default('.data'),
  TOUCHPOINT_API_KEYS: optional,
  TOUCHPOINT_IDENTITY_SECRET: optional
    .refine((v) => v === undefined || v.length >= 32, { error: 'use at least 32 random characters, e.g. the output of `openssl rand -hex 32`' })
    .meta({ description: 'Identity verification for browser keys: a call with a userId carries context.userHash = hex HMAC-SHA256 of the userId under this secret. Unset: browser keys send anonymous calls only.' }),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  SMTP_URL: optional
    .refine((v) => v === undefined || /^smtps?:\/\//i.test(v), { error: 'write it as smtp://user:pass@host:587 or smtps://user:pass@host:465' })
    .meta({ description: 'SMTP server for email, sent over a pool of open connections (?pool=false: one connection per message). Unset: the local catch-all.' }),
  EMAIL_FROM: z.string().default('Touchpoint <hello@touchpoint.localhost>'),
  LOCAL_SMTP_PORT: z.coerce.number().int().min(0).max(65535).default(2525),
  PUBLIC_URL: optional.meta({ description: 'Base URL customers reach the API at (unsubscribe links, webhooks, push scripts). Default http://HOST:PORT.' }),
  TOUCHPOINT_SECRET: optional.meta({ description: 'HMAC secret for unsubscribe and other signed links. Unset: generated once under the data dir.' }),
  TWILIO_ACCOUNT_SID: optional,
  TWILIO_AUTH_TOKEN: optional,
  TWILIO_FROM: optional,
  TWILIO_MESSAGING_SERVICE_SID: optional,
  TWILIO_API_URL: optional.meta({ description: "Twilio REST base URL override (tests point it at a local emulator). Default Twilio's own." }),
  TWILIO_STATUS_CALLBACK: bool.meta({ description: 'Ask Twilio for delivery callbacks at PUBLIC_URL/webhooks/twilio/status.' }),
  SMS_RATE_PER_SECOND: optional
    .pipe(z.coerce.number<string>({ error: 'write a number of messages per second, e.g. SMS_RATE_PER_SECOND=10' }).positive({ error: 'must be above 0 (unset it for no limit)' }).optional())
    .meta({ description: "SMS each worker process hands to Twilio per second, evenly spaced (a token bucket). With N workers, set the provider's rate / N. Unset: no limit." }),
  VAPID_PUBLIC_KEY: optional,
  VAPID_PRIVATE_KEY: optional,
  VAPID_SUBJECT: optional,
  PUSH_ALLOWED_PRIVATE_TARGETS: optional.meta({
    description: 'Non-public push services subscriptions may name, e.g. a local push service for development: "127.0.0.1:8080,[::1]:8080,10.0.0.0/8,push.internal:443". Plain http is accepted only towards these. Unset: public https endpoints only.',
  }),
  WEBHOOK_ALLOWED_INTERNAL_TARGETS: optional.meta({
    description: 'Internal receivers webhook steps may call, e.g. "crm.internal:443,10.1.2.0/24,127.0.0.1:4000". Unset: public addresses only. Cloud metadata addresses are refused always.',
  }),
  QUIET_HOURS: optional.meta({ description: 'Global quiet hours for marketing messages, local time "21:00-08:00". Unset: none (journeys may set their own).' }),
  FREQUENCY_CAPS: optional.meta({ description: 'Marketing caps per channel, e.g. "email:3/7d,sms:2/7d,push:5/1d". Unset: no caps.' }),
  JOURNEYS_DIR: z.string().default('journeys'),
  TEMPLATES_DIR: z.string().default('templates'),
  DEFAULT_TIMEZONE: z.string().default('UTC'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  TOUCHPOINT_DEMO: bool.meta({ description: 'Seed made-up demo customers (demo-0001…, @example.com) and six weeks of their runs at start, for the reports (same as `touchpoint start --demo`).' }),
  TOUCHPOINT_URL: z.string().default('http://127.0.0.1:3000').meta({ description: 'Where the CLI reaches the Touchpoint API (customers, runs commands).' }),
  TOUCHPOINT_API_KEY: optional.meta({ description: 'API key the CLI sends (a support or admin key). Default: the key `npm start` generated in TOUCHPOINT_DATA_DIR/api-key, if present.' }),
});

export type EnvConfig = z.output<typeof EnvSchema>;

export interface Config extends EnvConfig {
  /** Absolute path of TOUCHPOINT_DATA_DIR. */
  dataDir: string;
  journeysDir: string;
  templatesDir: string;
}

/** Parse the environment; a bad value throws one message naming every variable to fix. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    // A URL's user:password never reaches the message (SMTP_URL, DATABASE_URL).
    const shown = (value: string | undefined) => JSON.stringify(value === undefined ? undefined : hideUrlCredentials(value));
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message} (got ${shown(env[String(i.path[0])])})`);
    throw new Error(`Invalid environment configuration:\n${lines.join('\n')}\nFix these variables and start again.`);
  }
  const c = parsed.data;
  try {
    new Intl.DateTimeFormat('en', { timeZone: c.DEFAULT_TIMEZONE });
  } catch {
    throw new Error(`Invalid environment configuration:\n  DEFAULT_TIMEZONE: "${c.DEFAULT_TIMEZONE}" is not an IANA time zone (e.g. Europe/Rome, America/New_York).`);
  }
  for (const name of ['PUSH_ALLOWED_PRIVATE_TARGETS', 'WEBHOOK_ALLOWED_INTERNAL_TARGETS'] as const) {
    try {
      parseAllowedTargets(c[name], name);
    } catch (error) {
      throw new Error(`Invalid environment configuration:\n  ${(error as Error).message}`);
    }
  }
  const dataDir = resolve(cwd, c.TOUCHPOINT_DATA_DIR);
  return {
    ...c,
    TOUCHPOINT_API_KEY: c.TOUCHPOINT_API_KEY ?? generatedApiKey(dataDir),
    dataDir,
    journeysDir: resolve(cwd, c.JOURNEYS_DIR),
    templatesDir: resolve(cwd, c.TEMPLATES_DIR),
  };
}

/** The key `npm start` generated under the data folder (runtime/api-keys.ts), so the CLI works on the same machine without setup. */
function generatedApiKey(dataDir: string): string | undefined {
  try {
    const key = readFileSync(join(dataDir, 'api-key'), 'utf8').trim();
    return key === '' ? undefined : key;
  } catch {
    return undefined;
  }
}

/** The allow-lists of non-public targets (validated by loadConfig). */
export function targetPolicies(config: Pick<EnvConfig, 'PUSH_ALLOWED_PRIVATE_TARGETS' | 'WEBHOOK_ALLOWED_INTERNAL_TARGETS'>): { push: TargetPolicy; webhooks: TargetPolicy } {
  return {
    push: parseAllowedTargets(config.PUSH_ALLOWED_PRIVATE_TARGETS, 'PUSH_ALLOWED_PRIVATE_TARGETS'),
    webhooks: parseAllowedTargets(config.WEBHOOK_ALLOWED_INTERNAL_TARGETS, 'WEBHOOK_ALLOWED_INTERNAL_TARGETS'),
  };
}
