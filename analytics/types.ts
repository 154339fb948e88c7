// The journey report: what `touchpoint report`, GET /v1/reports/journeys/:id and the inspector's
// report page show. Plain data (JSON as is); computed by analytics/report.ts from indexed tables.

export interface ReportQuery {
  journeyId: string;
  /** Only this journey version (snapshot hash); all versions when absent. */
  version?: string;
  /** Inclusive start of the date range (ISO). @default 30 days before `until` */
  since?: string;
  /** Exclusive end of the date range (ISO). @default now */
  until?: string;
  /** Bucket for the time series. @default 'day' */
  bucket?: 'day' | 'week';
}

/** A proportion with its count and denominator, so readers can judge it. */
export interface Rate {
  count: number;
  of: number;
  /** count / of, 0..1; null when `of` is 0. */
  rate: number | null;
}

export interface StepReport {
  stepId: string;
  /** send, survey, wait, wait_for, branch, split, webhook, goto, exit. */
  kind: string;
  /** Runs that reached the step in the range, once per run: finished it, still waiting in it (result `waiting`) or ended
   * there before finishing it (result `interrupted`); sends and surveys: messages decided (a visit deferred by quiet hours
   * counts once, by its final decision; the deferrals show in `skipped`) plus runs that ended while deferred. */
  reached: number;
  /** Send and survey steps. */
  sent?: number;
  /** Reason code (`skipped:unsubscribed`, `failed:provider`, `deferred:quiet_hours` …) → count. */
  skipped?: Record<string, number>;
  failed?: number;
  /** Provider-confirmed delivery (SMS status callbacks); email counts accepted by SMTP as delivered. */
  delivered?: number;
  /** Unique messages opened; `openedByProxy` of those only by a privacy proxy (not counted in `opened`). */
  opened?: number;
  openedByProxy?: number;
  clicked?: number;
  /** Non-send steps: `result` → count (branch case, wait_for event/timeout, webhook status, survey category; `waiting`: in the
   * step now; `interrupted`: the run ended there). */
  results?: Record<string, number>;
}

export interface VariantReport {
  variantId: string;
  control: boolean;
  /** Runs assigned this variant in the range. */
  runs: number;
  conversions: number;
  conversionRate: number | null;
  /** Relative lift of the conversion rate over the control, e.g. 0.12 = +12%; null for the control or without data. */
  lift: number | null;
  /** 95% confidence interval of the difference in conversion rate (variant − control), absolute. */
  diffCi95: [number, number] | null;
  /** Two-sided p-value of the two-proportion z-test against the control. */
  pValue: number | null;
  significant: boolean;
}

export interface SplitReport {
  stepId: string;
  controlId: string | null;
  variants: VariantReport[];
  /** Set when a variant or the control has too few runs for the test to mean much: says how many are needed. */
  sampleSizeWarning: string | null;
}

export interface SurveyKindReport {
  kind: 'nps' | 'csat' | 'ces';
  /** Surveys sent (messages of survey steps with reason `sent`). */
  sent: number;
  responses: number;
  responseRate: number | null;
  /** nps: −100..100; csat: % satisfied 0..100; ces: mean 1..7. */
  score: number | null;
  /** Score → count, every point of the scale present. */
  distribution: Record<number, number>;
  /** Category → count (promoter/passive/detractor, …). */
  categories: Record<string, number>;
  /** Of the comments: share negative / neutral / positive (0..1), and how many comments. */
  sentiment: { comments: number; negative: number; neutral: number; positive: number };
  /** The same score per template of the survey message. */
  byTemplate: { template: string; responses: number; score: number | null }[];
  /** Per bucket start (ISO date): responses and score. */
  overTime: { bucket: string; responses: number; score: number | null }[];
}

export interface JourneyReport {
  journeyId: string;
  version: string | null;
  since: string;
  until: string;
  generatedAt: string;
  /** Runs that entered in the range (a trigger handed to a run in progress is no new entry). */
  entered: number;
  /** Runs that ended in the range, by status. */
  ended: { completed: number; exited: number; converted: number };
  /** End reason → count (exit_on order.refunded, exit step …, exitRun by …). */
  exitsByReason: Record<string, number>;
  /** Goal conversions in the range and the rate over runs entered in the range. */
  conversions: Rate;
  steps: StepReport[];
  splits: SplitReport[];
  surveys: SurveyKindReport[];
  /** Per bucket start (ISO date): entered, converted, messages sent. */
  overTime: { bucket: string; entered: number; converted: number; sent: number }[];
  /** How long the queries took (ms), for the benchmark and the curious. */
  tookMs: number;
}
