// The activities the journey workflow calls, with their timeouts and retry policies.
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
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

/**
 * Reading the profile and computing a local time are short database/clock reads: local
 * activities record one marker event each instead of three events, which keeps history small.
 */
export const { loadProfile, nextLocalTime } = proxyLocalActivities<JourneyActivities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', nonRetryableErrorTypes: [...PERMANENT_FAILURES] },
});
