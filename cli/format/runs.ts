// Tables of runs and of one run's steps, sends and messages, shared by `runs` and `customers show`.
import type { MessageRow } from '../../store/types';
import type { RunDetail, RunSummary } from '../../support/types';
import { fields, NONE, table, time, truncate } from './table';

/** Journey versions are content hashes: the first 8 characters tell them apart. */
export const shortVersion = (version: string) => version.slice(0, 8);

export function runsTable(runs: RunSummary[]): string[] {
  return table(
    ['workflow id', 'journey', 'version', 'entry key', 'status', 'step', 'started', 'next wake-up'],
    runs.map((r) => [r.workflowId, r.journeyId, shortVersion(r.journeyVersion), r.entryKey, r.status, r.currentStep, time(r.startedAt), r.nextWakeUp ? time(r.nextWakeUp) : null]),
  );
}

export function runHeader(run: RunDetail): string[] {
  const state = run.state;
  return fields([
    ['Run', run.workflowId],
    ['Journey', `${run.journeyId} (version ${shortVersion(run.journeyVersion)})`],
    ['Customer', run.customerId],
    ['Entry key', run.entryKey],
    ['Status', state?.endReason ? `${run.status} (${state.endReason})` : run.status],
    ['Step', run.currentStep],
    ['Waiting for', state?.waitingFor],
    ['Next wake-up', run.nextWakeUp ? time(run.nextWakeUp) : null],
    ['Started', time(run.startedAt)],
    ['Closed', run.closedAt ? time(run.closedAt) : null],
    ['Events', state ? `${state.eventsReceived} received, ${state.duplicateEvents} duplicate${state.duplicateEvents === 1 ? '' : 's'} ignored` : null],
    ['Temporal UI', run.temporalUiUrl],
  ]);
}

export function timelineTable(run: RunDetail): string[] {
  const steps = run.state?.stepsDone ?? [];
  if (steps.length === 0) return [run.state ? '(no step finished yet)' : '(the run state could not be read)'];
  return table(
    ['step', 'entered', 'finished', 'outcome'],
    steps.map((s) => [s.stepId, time(s.enteredAt), s.finishedAt ? time(s.finishedAt) : null, s.outcome]),
  );
}

export function sendsTable(messages: MessageRow[]): string[] {
  if (messages.length === 0) return ['(no message decided yet)'];
  return table(
    ['step', 'channel', 'template', 'reason', 'provider id', 'delivery', 'at'],
    messages.map((m) => [m.stepId, m.channel, m.template, m.reason ?? m.status, m.providerId, m.deliveryStatus, time(m.sentAt ?? m.updatedAt)]),
  );
}

export function contentTable(messages: MessageRow[]): string[] {
  const withContent = messages.filter((m) => m.content !== null);
  if (withContent.length === 0) return ['(nothing was sent)'];
  return table(
    ['step', 'channel', 'to', 'content'],
    withContent.map((m) => [m.stepId, m.channel, m.address, contentSummary(m)]),
  );
}

/** Email subject, SMS text or push title: what the customer saw first. */
export function contentSummary(message: MessageRow): string {
  const content = message.content ?? {};
  const text = (key: string) => {
    const value = content[key];
    return typeof value === 'string' ? value : undefined;
  };
  switch (message.channel) {
    case 'email':
      return `subject: ${truncate(text('subject') ?? NONE)}`;
    case 'sms':
      return `text: ${truncate(text('body') ?? text('text') ?? NONE, 80)}`;
    case 'push':
      return `title: ${truncate(text('title') ?? NONE)}${text('body') ? ` — ${truncate(text('body') ?? '', 40)}` : ''}`;
    default:
      return truncate(JSON.stringify(content));
  }
}
