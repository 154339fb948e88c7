// Journey activities as small in-memory recorders: the unit boundary of workflow tests (the
// real activities have their own tests). Behaviour is set per customer, so tests share a worker.
import { Context } from '@temporalio/activity';
import type { JourneyActivities, Profile, SendOutcome, SendRequest } from '../../../activities/contract';

/** `attempt` counts this customer's sends (1-based); `scheduledAt` is server time (it skips with the test server). */
type Decide = (request: SendRequest, attempt: number, scheduledAt: number) => SendOutcome | undefined;

export class RecordingActivities {
  private readonly sends = new Map<string, SendRequest[]>();
  private readonly traits = new Map<string, Record<string, unknown>>();
  private readonly deciders = new Map<string, Decide>();
  readonly profileLoads = new Map<string, number>();

  /** Traits `loadProfile` returns for this customer (default: none). */
  setTraits(customerId: string, traits: Record<string, unknown>): void {
    this.traits.set(customerId, traits);
  }

  /** Decide this customer's sends (`undefined` → sent). */
  decideSends(customerId: string, decide: Decide): void {
    this.deciders.set(customerId, decide);
  }

  /** Every send request made for this customer, in order. */
  sent(customerId: string): SendRequest[] {
    return this.sends.get(customerId) ?? [];
  }

  /** The activity implementations for Worker.create. */
  implementations(): JourneyActivities {
    return {
      sendMessage: async (request) => {
        const list = this.sends.get(request.customerId) ?? [];
        list.push(request);
        this.sends.set(request.customerId, list);
        const decided = this.deciders.get(request.customerId)?.(request, list.length, Context.current().info.scheduledTimestampMs);
        return decided ?? { reason: 'sent', channel: request.channel, providerId: `provider-${list.length}` };
      },
      loadProfile: async (customerId): Promise<Profile> => {
        this.profileLoads.set(customerId, (this.profileLoads.get(customerId) ?? 0) + 1);
        return { customerId, traits: this.traits.get(customerId) ?? {}, timezone: 'UTC' };
      },
      // UTC customers: the next HH:MM strictly after `after`.
      nextLocalTime: async ({ time, after }) => {
        const [hours, minutes] = time.split(':').map(Number);
        const at = new Date(after);
        at.setUTCHours(hours ?? 0, minutes ?? 0, 0, 0);
        if (at.getTime() <= Date.parse(after)) at.setUTCDate(at.getUTCDate() + 1);
        return at.toISOString();
      },
    };
  }
}
