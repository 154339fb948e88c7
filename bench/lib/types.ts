// The shapes a benchmark scenario works with: what it receives, the metrics it reports, targets.
import type { Progress } from './progress';

/** One bound on a metric: `on` the engine figure or the engine/baseline ratio. */
export interface Target {
  on: 'engine' | 'ratio';
  op: '<=' | '>=' | '=';
  value: number;
}

/** One row of a scenario's table. */
export interface Metric {
  /** What is measured, e.g. "journey starts/s" or "first email p99". */
  name: string;
  /** Unit of `engine` and `baseline`, e.g. "/s", "ms", "events", "MB". */
  unit: string;
  /** The figure through Touchpoint; null when it could not be measured (say why in `note`). */
  engine: number | null;
  /** The same figure for the baseline measured in the same run; null when the scenario has none. */
  baseline: number | null;
  /** Every target the row must meet; none: reported only. */
  targets?: Target[];
  /** A short remark shown under the table (e.g. what bounds the figure). */
  note?: string;
}

/** A metric as the runner stores it: ratio and verdict filled in. */
export interface ScoredMetric extends Metric {
  /** engine / baseline, when both are known and the baseline is not 0. */
  ratio: number | null;
  /** true: every target met; false: one missed; null: no target, or not measured. */
  pass: boolean | null;
}

/** What a scenario hands back. */
export interface ScenarioOutcome {
  metrics: Metric[];
  /** Lines printed under the table and kept in the JSON (causes of misses, what bounds a figure). */
  notes?: string[];
  /** Raw figures (samples, per-journey counts…) kept in the JSON file only. */
  details?: Record<string, unknown>;
  /** "PGlite", "PostgreSQL" or "none" when the scenario used no database. */
  database?: string;
}

export interface ScenarioContext {
  /** `--quick`: shortened run for smoke tests; figures are indicative only. */
  quick: boolean;
  /** The progress bar on stderr (one at a time). */
  progress: Progress;
  /** A line on stderr (not part of the table). */
  log(line: string): void;
  /** `full` normally, `quick` with --quick. */
  pick<T>(full: T, quick: T): T;
}

/** A benchmark: bench/scenarios/<name>.ts exports `scenario` of this type. */
export interface Scenario {
  /** Command-line name, e.g. "starts" (`npm run bench -- starts`). */
  name: string;
  /** One line: what is measured against what. */
  title: string;
  run(ctx: ScenarioContext): Promise<ScenarioOutcome>;
}
