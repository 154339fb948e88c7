// The state a journey run reports through its `state` query: what support staff read.
import type { Channel } from '../dsl/schema';
import type { ReasonCode } from './reasons';

export type RunStatus = 'watching' | 'running' | 'completed' | 'exited' | 'converted';

export interface StepRecord {
  stepId: string;
  /** ISO time the step was entered / finished (workflow clock). */
  enteredAt: string;
  finishedAt?: string;
  /** Short, human-readable outcome: "waited until …", "case 2 (traits.plan eq pro)", "variant b", "timeout". */
  outcome?: string;
}

export interface SendRecord {
  stepId: string;
  messageKey: string;
  channel: Channel;
  template: string;
  reason: ReasonCode;
  providerId?: string;
  detail?: string;
  at: string;
}

export interface RunState {
  journeyId: string;
  journeyVersion: string;
  customerId: string;
  entryKey?: string;
  status: RunStatus;
  /** Why the run ended: "completed", "exit step <id>", "exit_on <event>", "goal <event>". */
  endReason?: string;
  currentStep: string | null;
  /** Next timer wake-up (ISO), or null when not sleeping. */
  nextWakeUp: string | null;
  /** What the run is waiting for right now, if anything: an event name. */
  waitingFor: string | null;
  stepsDone: StepRecord[];
  sends: SendRecord[];
  eventsReceived: number;
  duplicateEvents: number;
}
