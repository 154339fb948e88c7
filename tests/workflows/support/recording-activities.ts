// Journey activities as small in-memory recorders: the unit boundary of workflow tests (the
// real activities have their own tests). Behaviour is set per customer, so tests share a worker.
import { Context } from '@temporalio/activity';
import type {
  JourneyActivities,
  Profile,
  RunProgressReport,
  SendOutcome,
  SendRequest,
  StepProgress,
  WebhookOutcome,
  WebhookRequest,
} from '../../../activities/contract';

/** `attempt` counts this customer's sends (1-based); `scheduledAt` is server time (it skips with the test server). */
type Decide = (request: SendRequest, attempt: number, scheduledAt: number) => SendOutcome | undefined;
/** `attempt` is the activity's attempt (1-based); throwing makes Temporal retry it. */
type DecideWebhook = (request: WebhookRequest, attempt: number) => WebhookOutcome | undefined;

/** Progress as one activity call carried it. */
export interface ProgressCall {
  via: 'sendMessage' | 'loadProfile' | 'nextLocalTime' | 'callWebhook' | 'recordProgress';
  steps: StepProgress[];
  ending?: RunProgressReport['ending'];
}

export class RecordingActivities {
  private readonly sends = new Map<string, SendRequest[]>();
  private readonly traits = new Map<string, Record<string, unknown>>();
  private readonly deciders = new Map<string, Decide>();
  private readonly webhookDeciders = new Map<string, DecideWebhook>();
  private readonly webhooks = new Map<string, WebhookRequest[]>();
  private readonly reports = new Map<string, ProgressCall[]>();
  readonly profileLoads = new Map<string, number>();

  /** Traits `loadProfile` returns for this customer (default: none). */
  setTraits(customerId: string, traits: Record<string, unknown>): void {
    this.traits.set(customerId, traits);
  }

  /** Decide this customer's sends (`undefined` → sent). */
  decideSends(customerId: string, decide: Decide): void {
    this.deciders.set(customerId, decide);
  }

  /** Decide this customer's webhook calls (`undefined` → HTTP 200). */
  decideWebhooks(customerId: string, decide: DecideWebhook): void {
    this.webhookDeciders.set(customerId, decide);
  }

  /** Every send request made for this customer, in order. */
  sent(customerId: string): SendRequest[] {
    return this.sends.get(customerId) ?? [];
  }

  /** Every callWebhook attempt made for this customer, in order. */
  webhookCalls(customerId: string): WebhookRequest[] {
    return this.webhooks.get(customerId) ?? [];
  }

  /** Every activity call that carried progress (or the ending) for this customer, in order. */
  progress(customerId: string): ProgressCall[] {
    return this.reports.get(customerId) ?? [];
  }

  private note(customerId: string, call: ProgressCall): void {
    this.reports.set(customerId, [...this.progress(customerId), call]);
  }

  private noteReport(via: ProgressCall['via'], report: RunProgressReport | undefined): void {
    if (report !== undefined) this.note(report.run.customerId, { via, steps: report.steps, ...(report.ending ? { ending: report.ending } : {}) });
  }

  /** The activity implementations for Worker.create. */
  implementations(): JourneyActivities {
    return {
      sendMessage: async (request) => {
        const list = this.sends.get(request.customerId) ?? [];
        list.push(request);
        this.sends.set(request.customerId, list);
        if (request.progress) this.note(request.customerId, { via: 'sendMessage', steps: request.progress });
        const decided = this.deciders.get(request.customerId)?.(request, list.length, Context.current().info.scheduledTimestampMs);
        return decided ?? { reason: 'sent', channel: request.channel, providerId: `provider-${list.length}` };
      },
      loadProfile: async (customerId, progress): Promise<Profile> => {
        this.profileLoads.set(customerId, (this.profileLoads.get(customerId) ?? 0) + 1);
        this.noteReport('loadProfile', progress);
        return { customerId, traits: this.traits.get(customerId) ?? {}, timezone: 'UTC' };
      },
      // UTC customers: the next HH:MM strictly after `after`.
      nextLocalTime: async ({ time, after, progress }) => {
        this.noteReport('nextLocalTime', progress);
        const [hours, minutes] = time.split(':').map(Number);
        const at = new Date(after);
        at.setUTCHours(hours ?? 0, minutes ?? 0, 0, 0);
        if (at.getTime() <= Date.parse(after)) at.setUTCDate(at.getUTCDate() + 1);
        return at.toISOString();
      },
      callWebhook: async (request) => {
        this.webhooks.set(request.customerId, [...this.webhookCalls(request.customerId), request]);
        if (request.progress) this.note(request.customerId, { via: 'callWebhook', steps: request.progress });
        const attempt = Context.current().info.attempt;
        const decided = this.webhookDeciders.get(request.customerId)?.(request, attempt);
        return decided ?? { ok: true, status: 200, attempts: attempt, detail: `HTTP 200 from ${new URL(request.webhook.url).host} in 5 ms` };
      },
      recordProgress: async (report) => {
        this.noteReport('recordProgress', report);
      },
    };
  }
}
