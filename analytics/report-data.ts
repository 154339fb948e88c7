// The grouped rows a journey report is built from (what store/sql-reports.ts returns), and the
// small helpers the report's parts share.
import type { Rate } from './types';

export type EndStatus = 'completed' | 'exited' | 'converted';

/** The grouped rows one report is built from. Counts are per group. */
export interface ReportData {
  /** journey_entries by entered_at bucket. */
  entries: { bucket: string; count: number }[];
  /** journey_runs by status, end_reason and ended_at bucket. */
  endings: { status: EndStatus; reason: string; bucket: string; count: number }[];
  /** Decided messages (reason set) by step, reason and created_at bucket, with their engagement. */
  messages: { stepId: string; reason: string; bucket: string; count: number; delivered: number; opened: number; openedByProxy: number; clicked: number }[];
  /** run_steps by step, kind and result: visits with that result, and runs whose first visit it was. */
  steps: { stepId: string; kind: string; result: string; visits: number; runs: number }[];
  /** Split steps by variant: runs assigned (first visit of the split in range) and of those, runs that converted (any time). */
  variants: { stepId: string; variantId: string; runs: number; conversions: number }[];
  /** survey_responses by step, kind, message template, score and answered_at bucket. */
  answers: {
    stepId: string;
    kind: string;
    template: string;
    score: number;
    bucket: string;
    count: number;
    comments: number;
    negative: number;
    neutral: number;
    positive: number;
  }[];
}

/** A rate with its parts; null rate when the denominator is 0. */
export function rate(count: number, of: number): Rate {
  return { count, of, rate: of > 0 ? count / of : null };
}

/** The same record with its keys in descending count order (ties by name), as readers scan it. */
export function sortedByCount(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0)));
}
