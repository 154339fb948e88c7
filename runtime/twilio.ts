// The SMS channel's dependencies from config: a real twilio client (auto-retry off: Temporal
// retries, and only when nothing was queued), optionally aimed at another base URL.
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient';
import type { ActivityDeps } from '../activities/contract';
import type { Config } from '../config/env';

type TwilioConfig = Pick<
  Config,
  'TWILIO_ACCOUNT_SID' | 'TWILIO_AUTH_TOKEN' | 'TWILIO_FROM' | 'TWILIO_MESSAGING_SERVICE_SID' | 'TWILIO_API_URL' | 'TWILIO_STATUS_CALLBACK' | 'PUBLIC_URL' | 'HOST' | 'PORT'
> &
  Partial<Pick<Config, 'SMS_RATE_PER_SECOND'>>;

/** Below the send activity's 1-minute start-to-close timeout, so the activity sees the answer (or its absence) itself. */
const REQUEST_TIMEOUT_MS = 20_000;

/** PUBLIC_URL without a trailing slash, or http://HOST:PORT. */
export function publicUrlOf(config: Pick<Config, 'PUBLIC_URL' | 'HOST' | 'PORT'>): string {
  return (config.PUBLIC_URL ?? `http://${config.HOST}:${config.PORT}`).replace(/\/+$/, '');
}

/** `https://api.twilio.com/2010-04-01/…` → the same path under `base` (which may carry a path prefix). */
export function rebaseTwilioUrl(uri: string, base: URL): string {
  const original = new URL(uri);
  return `${base.origin}${base.pathname.replace(/\/+$/, '')}${original.pathname}${original.search}`;
}

/**
 * The library's own HTTP client with one change: every request goes to TWILIO_API_URL. The
 * library still builds, signs, serialises and parses everything: the code path is production's.
 */
class RebasedRequestClient extends twilio.RequestClient {
  constructor(
    private readonly base: URL,
    options: RequestClient.RequestClientOptions,
  ) {
    super(options);
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>) {
    return super.request<TData>({ ...opts, uri: rebaseTwilioUrl(opts.uri, this.base) });
  }
}

/**
 * `ActivityDeps['sms']` from config: null when no Twilio variable is set; throws a message naming
 * the variable when the setup is half done or malformed. `publicUrl` is where Twilio reaches this
 * API for status callbacks. @default publicUrlOf(config)
 */
export function createSmsDeps(config: TwilioConfig, publicUrl: string = publicUrlOf(config)): ActivityDeps['sms'] {
  const sid = config.TWILIO_ACCOUNT_SID;
  const token = config.TWILIO_AUTH_TOKEN;
  const sender = config.TWILIO_FROM ?? config.TWILIO_MESSAGING_SERVICE_SID;
  if (!sid && !token && !sender) return null;

  const missing = [
    !sid && 'TWILIO_ACCOUNT_SID',
    !token && 'TWILIO_AUTH_TOKEN',
    !sender && 'TWILIO_FROM (a number in E.164, e.g. +14155550100) or TWILIO_MESSAGING_SERVICE_SID (MG…)',
  ].filter((name): name is string => typeof name === 'string');
  if (!sid || !token || missing.length > 0) {
    throw new Error(`SMS is half configured: set ${missing.join(' and ')}, or unset every TWILIO_* variable to run without SMS.`);
  }
  if (!sid.startsWith('AC')) {
    throw new Error(`TWILIO_ACCOUNT_SID must be an Account SID starting with "AC" (got "${sid.slice(0, 2)}…"); copy it from the Twilio console.`);
  }
  if (config.TWILIO_MESSAGING_SERVICE_SID && !config.TWILIO_MESSAGING_SERVICE_SID.startsWith('MG')) {
    throw new Error('TWILIO_MESSAGING_SERVICE_SID must be a Messaging Service SID starting with "MG"; copy it from the Twilio console.');
  }

  const requestOptions: RequestClient.RequestClientOptions = { timeout: REQUEST_TIMEOUT_MS, autoRetry: false };
  let httpClient: RequestClient | undefined;
  if (config.TWILIO_API_URL) {
    let base: URL;
    try {
      base = new URL(config.TWILIO_API_URL);
    } catch {
      throw new Error(`TWILIO_API_URL "${config.TWILIO_API_URL}" is not a URL; use e.g. http://127.0.0.1:4010, or unset it to use Twilio's own API.`);
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new Error(`TWILIO_API_URL "${config.TWILIO_API_URL}" must be an http(s) URL.`);
    httpClient = new RebasedRequestClient(base, requestOptions);
  }
  const client = twilio(sid, token, { ...requestOptions, ...(httpClient ? { httpClient } : {}) });

  return {
    client,
    ...(config.TWILIO_FROM ? { from: config.TWILIO_FROM } : {}),
    ...(config.TWILIO_MESSAGING_SERVICE_SID ? { messagingServiceSid: config.TWILIO_MESSAGING_SERVICE_SID } : {}),
    ...(config.TWILIO_STATUS_CALLBACK ? { statusCallback: `${publicUrl.replace(/\/+$/, '')}/webhooks/twilio/status` } : {}),
    ...(config.SMS_RATE_PER_SECOND ? { ratePerSecond: config.SMS_RATE_PER_SECOND } : {}),
  };
}
