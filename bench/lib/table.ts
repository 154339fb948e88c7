// Scoring metrics against their targets, and the two table renderings: aligned text for the
// terminal and Markdown for bench/README.md.
import { formatNumber } from './stats';
import type { Metric, ScoredMetric, Target } from './types';

/** Fill in ratio (engine / baseline) and whether every target holds. */
export function score(metric: Metric): ScoredMetric {
  const ratio =
    metric.engine !== null && metric.baseline !== null && metric.baseline !== 0 && Number.isFinite(metric.engine) && Number.isFinite(metric.baseline)
      ? metric.engine / metric.baseline
      : null;
  const targets = metric.targets ?? [];
  let pass: boolean | null = null;
  if (targets.length > 0) {
    const verdicts = targets.map((t) => meets(t, t.on === 'ratio' ? ratio : metric.engine));
    pass = verdicts.includes(null) ? null : verdicts.every(Boolean);
    if (verdicts.includes(false)) pass = false;
  }
  return { ...metric, ratio, pass };
}

function meets(target: Target, value: number | null): boolean | null {
  if (value === null || Number.isNaN(value)) return null;
  if (target.op === '=') return Math.abs(value - target.value) < 1e-9;
  return target.op === '<=' ? value <= target.value : value >= target.value;
}

/** "≥ 0.8×, ≤ 50 ms": the targets as a person reads them. */
export function targetText(metric: Metric): string {
  const parts = (metric.targets ?? []).map((t) => `${{ '<=': '≤', '>=': '≥', '=': '=' }[t.op]} ${formatNumber(t.value)}${t.on === 'ratio' ? '×' : metric.unit ? ` ${metric.unit}` : ''}`);
  return parts.length === 0 ? '—' : parts.join(', ');
}

export function verdictText(metric: ScoredMetric): string {
  return metric.pass === null ? (metric.targets?.length ? '?' : '') : metric.pass ? '✓' : '✗';
}

const HEADERS = ['metric', 'engine', 'baseline', 'ratio', 'target', ''];

function cells(m: ScoredMetric): string[] {
  const withUnit = (v: number | null) => (v === null ? '—' : `${formatNumber(v)}${m.unit ? ` ${m.unit}` : ''}`);
  return [m.name, withUnit(m.engine), withUnit(m.baseline), m.ratio === null ? '—' : `${m.ratio.toFixed(2)}×`, targetText(m), verdictText(m)];
}

/** Aligned columns for the terminal. */
export function textTable(metrics: readonly ScoredMetric[]): string {
  const rows = [HEADERS, ...metrics.map(cells)];
  const widths = HEADERS.map((_, i) => Math.max(...rows.map((r) => [...r[i]!].length)));
  const fmt = (r: string[]) => r.map((c, i) => c + ' '.repeat(widths[i]! - [...c].length)).join('  ').trimEnd();
  return [fmt(rows[0]!), widths.map((w) => '─'.repeat(w)).join('  ').trimEnd(), ...rows.slice(1).map(fmt)].join('\n');
}

/** Markdown rows `| scenario | metric | engine | baseline | ratio | target | |`, without the header. */
export function markdownRows(scenario: string, metrics: readonly ScoredMetric[]): string[] {
  return metrics.map((m) => `| ${[scenario, ...cells(m)].map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`);
}

export const MARKDOWN_HEADER = ['| scenario | metric | engine | baseline | ratio | target | |', '|---|---|---:|---:|---:|---|:-:|'];
