// The activities the journey workflow calls, with their timeouts and retry policies.
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { JourneyActivities } from '../activities/contract';

/**
 * ApplicationFailure types a send never retries, in addition to failures the activity marks
 * `nonRetryable` itself: the request or the pinned template is wrong, so a retry cannot help.
 * Everything else (provider or database outages) retries without limit: mail must not be dropped.
 */
export const PERMANENT_SEND_FAILURES = ['InvalidSendRequest', 'TemplateNotFound', 'TemplateRenderError'] as const;

/** Sending goes to a provider: a normal activity, retried with backoff up to every 5 minutes, forever. */
export const { sendMessage } = proxyActivities<JourneyActivities>({
  startToCloseTimeout: '1 minute',
  retry: {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '5m',
    nonRetryableErrorTypes: [...PERMANENT_SEND_FAILURES],
  },
});

/**
 * Reading the profile and computing a local time are short database/clock reads: local
 * activities record one marker event each instead of three events, which keeps history small.
 */
export const { loadProfile, nextLocalTime } = proxyLocalActivities<JourneyActivities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
});
