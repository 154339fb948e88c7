// The activities the journey workflow calls, with their timeouts and retry policies.
import { proxyActivities, proxyLocalActivities, type LocalActivityOptions } from '@temporalio/workflow';
import type { JourneyActivities } from '../activities/contract';

/**
 * ApplicationFailure types never retried, besides failures an activity marks `nonRetryable`
 * itself: `InvalidArgument` is what our activities throw for a malformed request, which a retry
 * cannot fix. Everything else (SMTP or database outages) retries without limit: no mail is dropped.
 */
export const PERMANENT_FAILURES = ['InvalidArgument'] as const;

/** Sending goes to a provider: a normal activity, retried with backoff up to every 5 minutes, forever. */
export const { sendMessage } = proxyActivities<JourneyActivities>({
  startToCloseTimeout: '1 minute',
  retry: {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '5m',
    nonRetryableErrorTypes: [...PERMANENT_FAILURES],
  },
});

const SHORT_READS: LocalActivityOptions = {
  startToCloseTimeout: '10s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', nonRetryableErrorTypes: [...PERMANENT_FAILURES] },
};

/**
 * Reading the profile, computing a local time and recording a run's progress at its end are
 * short database/clock calls: local activities record one marker event each instead of three
 * events, which keeps history small.
 */
export const { loadProfile, nextLocalTime, recordProgress } = proxyLocalActivities<JourneyActivities>(SHORT_READS);

/** Time an attempt may take beyond the step's own HTTP timeout (recording the attempt in the store). */
const WEBHOOK_MARGIN_MS = 30_000;
const WEBHOOK_MIN_MS = 60_000;

/**
 * `callWebhook` for a step whose HTTP timeout is `timeoutMs`. Each activity attempt makes one
 * request; the activity itself returns a final outcome after the step's `attempts`, so the
 * policy here retries without limit (a worker crash or a store outage never loses the call).
 */
export function webhookCaller(timeoutMs: number): JourneyActivities['callWebhook'] {
  return proxyActivities<JourneyActivities>({
    startToCloseTimeout: Math.max(timeoutMs + WEBHOOK_MARGIN_MS, WEBHOOK_MIN_MS),
    retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', nonRetryableErrorTypes: [...PERMANENT_FAILURES] },
  }).callWebhook;
}

/** "Type: message" of an activity that failed for good (ActivityFailure wraps the activity's ApplicationFailure). */
export function describeActivityFailure(error: unknown): string {
  // Read the cause's `type`, never instanceof across the sandbox.
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const type = cause instanceof Error && 'type' in cause && typeof cause.type === 'string' ? `${cause.type}: ` : '';
  const message = cause instanceof Error ? cause.message : String(cause);
  return `${type}${message}`;
}
