// The funnel: one StepReport per step in journey order (dsl/walk.ts allSteps), send and survey
// steps from the message log, the others from run_steps; steps only the data knows come last.
import { stepKind, type Journey } from '../dsl/schema';
import { allSteps } from '../dsl/walk';
import { sortedByCount, type ReportData } from './report-data';
import type { StepReport } from './types';

/** The result of a step the run ended in before finishing it (exit_on, goal, exitRun); `waiting`: the run waits in it now. */
const INTERRUPTED = 'interrupted';

/** Kinds whose visits are messages (reached = messages decided, and runs cut short before a decision). */
const MESSAGE_KINDS = new Set(['send', 'survey']);

export function stepReports(data: ReportData, journey: Journey | undefined): StepReport[] {
  const order: { stepId: string; kind: string }[] = journey ? allSteps(journey).map(({ step }) => ({ stepId: step.id, kind: stepKind(step) })) : [];
  const known = new Set(order.map((s) => s.stepId));
  // Steps of other versions (or every step, without the journey): kinds from run_steps, else sends.
  const foundKinds = new Map<string, string>();
  for (const row of data.messages) if (!known.has(row.stepId)) foundKinds.set(row.stepId, 'send');
  for (const row of data.steps) if (!known.has(row.stepId)) foundKinds.set(row.stepId, row.kind);
  for (const [stepId, kind] of [...foundKinds].sort(([a], [b]) => (a < b ? -1 : 1))) order.push({ stepId, kind });
  const messages = groupBy(data.messages);
  const steps = groupBy(data.steps);
  return order.map(({ stepId, kind }) => stepReport(stepId, kind, messages.get(stepId) ?? [], steps.get(stepId) ?? []));
}

function groupBy<T extends { stepId: string }>(rows: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const row of rows) {
    const list = out.get(row.stepId);
    if (list) list.push(row);
    else out.set(row.stepId, [row]);
  }
  return out;
}

function stepReport(stepId: string, kind: string, messageRows: ReportData['messages'], resultRows: ReportData['steps']): StepReport {
  const runs = resultRows.reduce((n, r) => n + r.runs, 0);
  const results: Record<string, number> = {};
  for (const row of resultRows) results[row.result] = (results[row.result] ?? 0) + row.visits;
  if (!MESSAGE_KINDS.has(kind)) return { stepId, kind, reached: runs, results: sortedByCount(results) };

  const report: Required<Pick<StepReport, 'sent' | 'skipped' | 'failed' | 'delivered' | 'opened' | 'openedByProxy' | 'clicked'>> & StepReport = {
    stepId, kind, reached: 0, sent: 0, skipped: {}, failed: 0, delivered: 0, opened: 0, openedByProxy: 0, clicked: 0,
  };
  for (const row of messageRows) {
    // A deferred decision (quiet hours) is decided again under a new key: count the visit once, by its final decision.
    if (!row.reason.startsWith('deferred:')) report.reached += row.count;
    if (row.reason === 'sent') report.sent += row.count;
    else report.skipped[row.reason] = (report.skipped[row.reason] ?? 0) + row.count;
    if (row.reason.startsWith('failed:')) report.failed += row.count;
    report.delivered += row.delivered;
    report.opened += row.opened;
    report.openedByProxy += row.openedByProxy;
    report.clicked += row.clicked;
  }
  report.skipped = sortedByCount(report.skipped);
  // Runs that ended in the step before its message was decided (waiting out quiet hours) reached it too.
  report.reached += resultRows.filter((r) => r.result === INTERRUPTED).reduce((n, r) => n + r.runs, 0);
  // A survey step also finishes in run_steps with the answer's category or no_response.
  if (resultRows.length > 0) report.results = sortedByCount(results);
  return report;
}
