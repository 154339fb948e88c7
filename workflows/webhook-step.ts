// The `webhook` step: one call of the callWebhook activity (idempotent per call key, retried by
// the activity up to the step's attempts); its outcome is recorded and the run always goes on.
import type { WebhookOutcome } from '../activities/contract';
import { durationMs } from '../dsl/duration';
import { WEBHOOK_DEFAULTS } from '../dsl/webhook-defaults';
import { describeActivityFailure, webhookCaller } from './activities';
import type { PlanNode } from './plan';
import type { RunContext, StepResult } from './run-context';

export async function runWebhook(ctx: RunContext, node: Extract<PlanNode, { kind: 'webhook' }>): Promise<StepResult> {
  const active = ctx.enter(node.step.id);
  const { webhook } = node.step;
  const run = ctx.runRef();
  const callWebhook = webhookCaller(durationMs(webhook.timeout ?? WEBHOOK_DEFAULTS.timeout));
  let outcome: WebhookOutcome | string;
  try {
    outcome = await ctx.withProgress((progress) =>
      callWebhook({
        ...run,
        callKey: `${run.workflowId}/${run.runId}/${active.stepId}/${active.visit}`,
        stepId: active.stepId,
        webhook,
        trigger: ctx.state.trigger,
        survey: ctx.state.survey ?? null,
        ...(progress === undefined ? {} : { progress }),
      }),
    );
  } catch (error) {
    // Failed for good (a malformed request): recorded like a failed call, the journey goes on.
    outcome = describeActivityFailure(error);
  }
  if (typeof outcome === 'string') ctx.finish(`failed: ${outcome}`, 'failed');
  else if (outcome.ok) ctx.finish(outcome.detail, String(outcome.status));
  else ctx.finish(`failed: ${outcome.detail}`, 'failed');
  return { next: node.next };
}
