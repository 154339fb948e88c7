// The journey report for a terminal: headline numbers, the funnel per step, exits by reason,
// A/B splits with lift, interval, p-value and warning, and satisfaction with bar rows per score.
import { columnLegend } from '../../analytics/columns';
import type { JourneyReport, SplitReport, StepReport, SurveyKindReport } from '../../analytics/types';
import { shortVersion } from './runs';
import { fields, heading, NONE, table, time } from './table';

const n = (value: number) => value.toLocaleString('en-US');
/** 0.375 → "37.5%"; null → "—". */
const pct = (rate: number | null | undefined, digits = 1) => (rate === null || rate === undefined ? NONE : `${(rate * 100).toFixed(digits)}%`);
const signed = (value: number, digits = 1) => `${value > 0 ? '+' : value < 0 ? '−' : ''}${Math.abs(value).toFixed(digits)}`;
const counts = (record: Record<string, number> | undefined) =>
  record && Object.keys(record).length > 0 ? Object.entries(record).map(([key, value]) => `${key} ${n(value)}`).join(', ') : null;

const BAR_WIDTH = 24;
const SURVEY_NAMES = { nps: 'NPS', csat: 'CSAT', ces: 'CES' } as const;

export function reportLines(report: JourneyReport): string[] {
  return [
    ...header(report),
    ...heading('Funnel'),
    ...funnel(report.steps),
    ...heading('Exits by reason'),
    ...(Object.keys(report.exitsByReason).length === 0 ? ['(no run exited in this range)'] : table(['reason', 'runs'], Object.entries(report.exitsByReason).map(([reason, runs]) => [reason, n(runs)]))),
    ...report.splits.flatMap(split),
    ...(report.surveys.length > 0 ? [...heading('Satisfaction'), ...report.surveys.flatMap((s, i) => [...(i > 0 ? [''] : []), ...survey(s)])] : []),
    ...heading('What the numbers count'),
    ...columnLegend(),
  ];
}

function header(report: JourneyReport): string[] {
  const { ended, conversions } = report;
  return fields([
    ['Journey', `${report.journeyId} (${report.version ? `version ${shortVersion(report.version)}` : 'all versions'})`],
    ['Range', `${time(report.since)} to ${time(report.until)} (until excluded)`],
    ['Entered', n(report.entered)],
    ['Ended', `${n(ended.converted)} converted, ${n(ended.exited)} exited, ${n(ended.completed)} completed`],
    ['Conversions', `${n(conversions.count)} of ${n(conversions.of)} entered (${pct(conversions.rate)})`],
  ]);
}

function funnel(steps: StepReport[]): string[] {
  if (steps.length === 0) return ['(no step has data in this range)'];
  return table(
    ['step', 'kind', 'reached', 'sent', 'delivered', 'opened', 'clicked', 'skipped / results'],
    steps.map((s) => {
      const sends = s.sent !== undefined;
      const opened = sends ? `${n(s.opened ?? 0)}${s.openedByProxy ? ` (+${n(s.openedByProxy)} proxy)` : ''}` : null;
      const rest = [counts(s.skipped), counts(s.results)].filter((text) => text !== null).join('; ');
      return [s.stepId, s.kind, n(s.reached), sends ? n(s.sent ?? 0) : null, sends ? n(s.delivered ?? 0) : null, opened, sends ? n(s.clicked ?? 0) : null, rest];
    }),
  );
}

function split(report: SplitReport): string[] {
  const rows = report.variants.map((v) => [
    `${v.variantId}${v.control ? ' (control)' : ''}`,
    n(v.runs),
    n(v.conversions),
    pct(v.conversionRate),
    v.lift === null ? null : `${signed(v.lift * 100)}%`,
    v.diffCi95 ? `${signed(v.diffCi95[0] * 100)} to ${signed(v.diffCi95[1] * 100)} pts` : null,
    v.pValue === null ? null : `${formatP(v.pValue)}${v.significant ? ' *' : ''}`,
  ]);
  return [
    ...heading(`Split ${report.stepId}`),
    ...table(['variant', 'runs', 'conversions', 'rate', 'lift', '95% ci of difference', 'p-value'], rows),
    ...(report.variants.some((v) => v.significant) ? ['* significant at α = 0.05 (two-proportion z-test)'] : []),
    ...(report.sampleSizeWarning ? [`Warning: ${report.sampleSizeWarning}`] : []),
  ];
}

/** p-values as people read them: 0.659, 0.0074, < 0.0001. */
export function formatP(p: number): string {
  if (p < 0.0001) return '< 0.0001';
  return p < 0.01 ? p.toFixed(4) : p.toFixed(3);
}

/** NPS signed (+20.0), CSAT as a percentage (50.0%), CES as a mean (4.67). */
function scoreText(kind: SurveyKindReport['kind'], score: number | null): string {
  if (score === null) return NONE;
  return kind === 'nps' ? signed(score) : kind === 'csat' ? `${score.toFixed(1)}%` : score.toFixed(2);
}

function survey(s: SurveyKindReport): string[] {
  const score = `${scoreText(s.kind, s.score)}${s.score === null ? '' : s.kind === 'csat' ? ' satisfied' : s.kind === 'ces' ? ' of 7' : ''}`;
  const lines = [`${SURVEY_NAMES[s.kind]} ${score}: ${n(s.responses)} response${s.responses === 1 ? '' : 's'} of ${n(s.sent)} sent (${pct(s.responseRate)})`];
  const max = Math.max(0, ...Object.values(s.distribution));
  const width = Math.max(...Object.keys(s.distribution).map((k) => k.length));
  for (const [point, count] of Object.entries(s.distribution).sort(([a], [b]) => Number(a) - Number(b))) {
    const bar = max === 0 ? '' : '█'.repeat(Math.round((count / max) * BAR_WIDTH));
    lines.push(`  ${point.padStart(width)} │${bar}${bar ? ' ' : ''}${n(count)}`);
  }
  lines.push(`  Categories: ${counts(s.categories) ?? NONE}`);
  const { comments, negative, neutral, positive } = s.sentiment;
  if (comments > 0) lines.push(`  Comments: ${n(comments)} — ${pct(negative, 0)} negative, ${pct(neutral, 0)} neutral, ${pct(positive, 0)} positive`);
  if (s.byTemplate.length > 0) lines.push(`  By template: ${s.byTemplate.map((t) => `${t.template} ${scoreText(s.kind, t.score)} (${n(t.responses)})`).join(', ')}`);
  return lines;
}
