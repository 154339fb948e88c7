// The report page's charts as inline SVG (no scripts, no external assets, the strict CSP holds):
// funnel, NPS over time, variant comparison, score distribution and exits by reason. Pure
// functions of report data; each chart names itself (<title>/<desc>) and prints its numbers.
import { html, type Html } from '../api/html';
import { Z_95 } from '../analytics/stats';
import type { SplitReport, StepReport, SurveyKindReport } from '../analytics/types';
import { categorize, type SurveyKind } from '../surveys/scoring';
import { CHART_WIDTH, clip, linear, niceCeiling, noData, percent, pValueText, round, shortDate, signedPercent, svgFrame, wrap } from './svg';

export const FUNNEL_METRICS = ['reached', 'sent', 'opened', 'clicked'] as const;
export type FunnelMetric = (typeof FUNNEL_METRICS)[number];

const LABEL_WIDTH = 170;
const VALUE_ROOM = 56;
const BAR = 11;

/** Horizontal bars per step: runs that reached it and, for sends, messages sent, opened and clicked. */
export function funnelChart(input: { entered: number; steps: readonly StepReport[] }): Html {
  const id = 'funnel';
  const title = 'Funnel: how far runs got';
  const rows = input.steps.map((step) => ({ step, metrics: FUNNEL_METRICS.filter((m) => step[m] !== undefined).map((m) => ({ metric: m, value: step[m] ?? 0 })) }));
  const max = Math.max(input.entered, ...rows.flatMap((r) => r.metrics.map((m) => m.value)));
  if (rows.length === 0 || max === 0) return noData({ id, title, message: 'No data yet: no run entered this journey in the range.' });
  const x = linear([0, max], [0, CHART_WIDTH - LABEL_WIDTH - VALUE_ROOM]);
  let y = 30;
  const groups = rows.map(({ step, metrics }) => {
    const top = y;
    y += Math.max(2, metrics.length) * (BAR + 3) + 10;
    return html`<g class="step"><title>${step.stepId} (${step.kind}): ${metrics.map((m) => `${m.metric} ${m.value}`).join(', ')}</title>
<text class="label" x="0" y="${top + BAR}">${clip(step.stepId, 24)}</text><text class="label muted" x="0" y="${top + BAR + 13}">${step.kind}</text>
${metrics.map((m, i) => {
      const barY = top + i * (BAR + 3);
      const width = round(x(m.value));
      return html`<rect class="bar bar-${m.metric}" data-metric="${m.metric}" data-value="${m.value}" x="${LABEL_WIDTH}" y="${barY}" width="${width}" height="${BAR}" fill="${METRIC_FILL[m.metric]}"></rect><text class="value" x="${round(LABEL_WIDTH + width + 4)}" y="${barY + BAR - 1}">${m.value}</text>`;
    })}</g>`;
  });
  const legend = FUNNEL_METRICS.map((m, i) => html`<rect x="${LABEL_WIDTH + i * 100}" y="4" width="12" height="12" fill="${METRIC_FILL[m]}"></rect><text class="label" x="${LABEL_WIDTH + i * 100 + 16}" y="14">${m}</text>`);
  const desc = `${input.entered} runs entered. ` + rows.map(({ step, metrics }) => `${step.stepId}: ${metrics.map((m) => `${m.metric} ${m.value}`).join(', ')}.`).join(' ');
  return svgFrame({ id, title, desc, height: y, body: html`<g class="legend">${legend}</g>${groups}` });
}

const METRIC_FILL: Record<FunnelMetric, string> = { reached: '#78716c', sent: '#1d4ed8', opened: '#0e7490', clicked: '#15803d' };

const PLOT = { left: 44, right: 16, top: 14, bottom: 34 };

/** Net Promoter Score per bucket as a line with points on a −100..100 axis with its zero line. */
export function npsOverTimeChart(points: SurveyKindReport['overTime'], options: { id?: string } = {}): Html {
  const id = options.id ?? 'nps-over-time';
  const title = 'NPS over time';
  const scored = points.filter((p): p is typeof p & { score: number } => p.score !== null);
  if (scored.length === 0) return noData({ id, title, message: 'No data yet: nobody answered an NPS survey in the range.' });
  const height = 240;
  const times = points.map((p) => Date.parse(p.bucket));
  const first = Math.min(...times);
  const last = Math.max(...times);
  const x = first === last ? () => (PLOT.left + CHART_WIDTH - PLOT.right) / 2 : linear([first, last], [PLOT.left + 8, CHART_WIDTH - PLOT.right - 8]);
  const y = linear([-100, 100], [height - PLOT.bottom, PLOT.top]);
  const grid = [-100, -50, 0, 50, 100].map((v) => html`<line class="${v === 0 ? 'zero' : 'grid'}" x1="${PLOT.left}" x2="${CHART_WIDTH - PLOT.right}" y1="${round(y(v))}" y2="${round(y(v))}" stroke="${v === 0 ? '#44403c' : '#d6d3d1'}" stroke-width="${v === 0 ? 1.5 : 1}"${v === 0 ? html` stroke-dasharray="4 3"` : ''}></line><text class="axis" x="${PLOT.left - 6}" y="${round(y(v) + 4)}" text-anchor="end">${v}</text>`);
  // A bucket without answers breaks the line: no made-up value between two days.
  let path = '';
  let pen = false;
  for (const p of points) {
    if (p.score === null) {
      pen = false;
      continue;
    }
    path += `${pen ? 'L' : 'M'}${round(x(Date.parse(p.bucket)))} ${round(y(p.score))} `;
    pen = true;
  }
  const every = Math.max(1, Math.ceil(points.length / 8));
  // Every `every`-th date, and the last one unless it would sit on top of the one before.
  const lastTick = points.length - 1;
  const ticks = points.map((p, i) => (i % every === 0 || (i === lastTick && lastTick % every >= every * 0.75) ? html`<text class="axis" x="${round(x(Date.parse(p.bucket)))}" y="${height - 12}" text-anchor="middle">${shortDate(p.bucket)}</text>` : ''));
  const dots = scored.map((p) => html`<circle class="point" data-score="${round(p.score)}" cx="${round(x(Date.parse(p.bucket)))}" cy="${round(y(p.score))}" r="3.5" fill="#1d4ed8"><title>${shortDate(p.bucket)}: NPS ${Math.round(p.score)} (${p.responses} responses)</title></circle>`);
  const desc = `NPS from −100 to 100 per period. ${scored.map((p) => `${shortDate(p.bucket)}: ${Math.round(p.score)} (${p.responses} responses)`).join('; ')}.`;
  return svgFrame({ id, title, desc, height, body: html`${grid}<path class="line" d="${path.trim()}" fill="none" stroke="#1d4ed8" stroke-width="2"></path>${dots}${ticks}` });
}

/** 95% Wilson score interval of a proportion: sensible for small counts and rates near 0 or 1. */
export function wilson95(count: number, of: number): [number, number] | null {
  if (of <= 0) return null;
  const z = Z_95;
  const p = count / of;
  const denominator = 1 + (z * z) / of;
  const centre = (p + (z * z) / (2 * of)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / of + (z * z) / (4 * of * of))) / denominator;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/** Conversion rate per variant with its 95% interval as whiskers; the control marked, lift and p-value under each bar. */
export function variantChart(split: SplitReport, options: { warning?: boolean } = {}): Html {
  const id = `variants-${split.stepId}`;
  const title = `A/B test ${split.stepId}: conversion rate per variant`;
  const variants = split.variants.map((v) => ({ ...v, ci: wilson95(v.conversions, v.runs) }));
  if (variants.every((v) => v.runs === 0)) return noData({ id, title, message: `No data yet: no run reached the split ${split.stepId} in the range.` });
  // The page may show the warning beside the chart instead (it wraps better on a phone).
  const warning = split.sampleSizeWarning && options.warning !== false ? wrap(`⚠ ${split.sampleSizeWarning}`, 84) : [];
  const plotHeight = 200;
  const height = PLOT.top + plotHeight + 64 + warning.length * 16;
  const top = niceCeiling(Math.max(...variants.map((v) => v.ci?.[1] ?? v.conversionRate ?? 0), 0.01));
  const y = linear([0, top], [PLOT.top + plotHeight, PLOT.top]);
  const slot = (CHART_WIDTH - PLOT.left - PLOT.right) / variants.length;
  const barWidth = Math.min(90, slot * 0.5);
  const control = variants.find((v) => v.control);
  const axis = [0, top / 2, top].map((v) => html`<line class="grid" x1="${PLOT.left}" x2="${CHART_WIDTH - PLOT.right}" y1="${round(y(v))}" y2="${round(y(v))}" stroke="#d6d3d1"></line><text class="axis" x="${PLOT.left - 6}" y="${round(y(v) + 4)}" text-anchor="end">${percent(v, 0)}</text>`);
  const reference = control?.conversionRate != null ? html`<line class="control-rate" x1="${PLOT.left}" x2="${CHART_WIDTH - PLOT.right}" y1="${round(y(control.conversionRate))}" y2="${round(y(control.conversionRate))}" stroke="#57534e" stroke-dasharray="6 4"><title>Control rate ${percent(control.conversionRate)}</title></line>` : '';
  const bars = variants.map((v, i) => {
    const centre = PLOT.left + slot * (i + 0.5);
    const rate = v.conversionRate ?? 0;
    const barTop = round(y(rate));
    const whisker = v.ci ? html`<g class="whisker" stroke="#1c1917" stroke-width="1.5"><line x1="${round(centre)}" x2="${round(centre)}" y1="${round(y(v.ci[0]))}" y2="${round(y(v.ci[1]))}"></line><line x1="${round(centre - 8)}" x2="${round(centre + 8)}" y1="${round(y(v.ci[0]))}" y2="${round(y(v.ci[0]))}"></line><line x1="${round(centre - 8)}" x2="${round(centre + 8)}" y1="${round(y(v.ci[1]))}" y2="${round(y(v.ci[1]))}"></line></g>` : '';
    const verdict = v.control ? 'control' : `${v.lift === null ? 'lift —' : `${signedPercent(v.lift)} lift`} · ${pValueText(v.pValue)}${v.significant ? ' · significant' : ''}`;
    return html`<g class="variant${v.control ? ' control' : ''}" data-variant="${v.variantId}"><title>${v.variantId}${v.control ? ' (control)' : ''}: ${v.conversions} of ${v.runs} converted (${percent(v.conversionRate)}), 95% interval ${v.ci ? `${percent(v.ci[0])}–${percent(v.ci[1])}` : '—'}</title>
<rect class="bar${v.control ? ' bar-control' : ' bar-variant'}" data-value="${rate}" x="${round(centre - barWidth / 2)}" y="${barTop}" width="${round(barWidth)}" height="${round(y(0) - barTop)}" fill="${v.control ? '#a8a29e' : '#1d4ed8'}"></rect>${whisker}
<text class="value" x="${round(centre + barWidth / 2 + 4)}" y="${round(barTop + 12)}">${percent(v.conversionRate)}</text>
<text class="label" x="${round(centre)}" y="${PLOT.top + plotHeight + 16}" text-anchor="middle">${clip(v.variantId, 22)}</text>
<text class="axis" x="${round(centre)}" y="${PLOT.top + plotHeight + 31}" text-anchor="middle">${v.conversions}/${v.runs} runs</text>
<text class="axis${v.significant ? ' significant' : ''}" x="${round(centre)}" y="${PLOT.top + plotHeight + 46}" text-anchor="middle">${verdict}</text></g>`;
  });
  const notes = warning.map((line, i) => html`<text class="warning" x="${PLOT.left}" y="${PLOT.top + plotHeight + 70 + i * 16}">${line}</text>`);
  const desc = variants.map((v) => `${v.variantId}${v.control ? ' (control)' : ''}: ${percent(v.conversionRate)} of ${v.runs} runs converted${v.control ? '' : `, lift ${signedPercent(v.lift)}, ${pValueText(v.pValue)}${v.significant ? ', significant' : ', not significant'}`}.`).join(' ') + (split.sampleSizeWarning ? ` ${split.sampleSizeWarning}` : '');
  return svgFrame({ id, title, desc, height, body: html`${axis}${bars}${reference}${notes}` });
}

const CATEGORY_FILL: Record<string, string> = {
  detractor: '#b91c1c', passive: '#d97706', promoter: '#15803d',
  unsatisfied: '#b91c1c', neutral: '#d97706', satisfied: '#15803d', hard: '#b91c1c', easy: '#15803d',
};

/** How many answers gave each score, one vertical bar per point of the scale, coloured by category. */
export function scoreDistributionChart(kind: SurveyKind, distribution: Record<number, number>, options: { id?: string } = {}): Html {
  const id = options.id ?? `distribution-${kind}`;
  const title = `${kind.toUpperCase()} answers per score`;
  const scores = Object.keys(distribution).map(Number).filter(Number.isFinite).sort((a, b) => a - b);
  const counts = scores.map((score) => ({ score, count: distribution[score] ?? 0 }));
  const max = Math.max(0, ...counts.map((c) => c.count));
  if (max === 0) return noData({ id, title, message: `No data yet: no ${kind.toUpperCase()} answers in the range.` });
  const height = 200;
  const y = linear([0, max], [height - PLOT.bottom, PLOT.top + 22]);
  const slot = (CHART_WIDTH - PLOT.left - PLOT.right) / counts.length;
  const bars = counts.map(({ score, count }, i) => {
    const x = PLOT.left + slot * i + slot * 0.15;
    const top = round(y(count));
    const category = safeCategory(kind, score);
    return html`<g class="score"><title>score ${score} (${category}): ${count} answers</title><rect class="bar bar-${category}" data-value="${count}" x="${round(x)}" y="${top}" width="${round(slot * 0.7)}" height="${round(y(0) - top)}" fill="${CATEGORY_FILL[category] ?? '#57534e'}"></rect>
<text class="value" x="${round(x + slot * 0.35)}" y="${round(top - 4)}" text-anchor="middle">${count}</text><text class="label" x="${round(x + slot * 0.35)}" y="${height - 14}" text-anchor="middle">${score}</text></g>`;
  });
  const legend = categoryRanges(kind, scores).map((r, i) => html`<rect x="${PLOT.left + i * 150}" y="2" width="12" height="12" fill="${CATEGORY_FILL[r.category] ?? '#57534e'}"></rect><text class="label" x="${PLOT.left + i * 150 + 16}" y="12">${r.category} (${r.from === r.to ? r.from : `${r.from}–${r.to}`})</text>`);
  const desc = `Answers per score: ${counts.map((c) => `${c.score}: ${c.count}`).join(', ')}.`;
  return svgFrame({ id, title, desc, height, body: html`<g class="legend">${legend}</g><line class="baseline" x1="${PLOT.left}" x2="${CHART_WIDTH - PLOT.right}" y1="${round(y(0))}" y2="${round(y(0))}" stroke="#a8a29e"></line>${bars}` });
}

/** Runs of consecutive scores with the same category, for the legend: detractor 0–6, passive 7–8, … */
function categoryRanges(kind: SurveyKind, scores: readonly number[]): { category: string; from: number; to: number }[] {
  const ranges: { category: string; from: number; to: number }[] = [];
  for (const score of scores) {
    const category = safeCategory(kind, score);
    const last = ranges[ranges.length - 1];
    if (last && last.category === category && last.to === score - 1) last.to = score;
    else ranges.push({ category, from: score, to: score });
  }
  return ranges;
}

function safeCategory(kind: SurveyKind, score: number): string {
  try {
    return categorize(kind, score);
  } catch {
    return 'off-scale';
  }
}

/** Runs that exited, by reason (exit step …, exit_on …, exitRun by …), longest bar first. */
export function exitsChart(byReason: Record<string, number>): Html {
  const id = 'exits';
  const title = 'Exits by reason';
  const rows = Object.entries(byReason).filter(([, n]) => n > 0).sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
  if (rows.length === 0) return noData({ id, title, message: 'No data yet: no run exited in the range.' });
  const max = Math.max(...rows.map(([, n]) => n));
  const x = linear([0, max], [0, CHART_WIDTH - LABEL_WIDTH - VALUE_ROOM - 60]);
  const height = rows.length * 24 + 8;
  const bars = rows.map(([reason, count], i) => {
    const top = 4 + i * 24;
    const width = round(x(count));
    return html`<g class="reason"><title>${reason}: ${count} runs</title><text class="label" x="0" y="${top + 13}">${clip(reason, 34)}</text>
<rect class="bar bar-exit" data-value="${count}" x="${LABEL_WIDTH + 60}" y="${top}" width="${width}" height="16" fill="#b45309"></rect><text class="value" x="${round(LABEL_WIDTH + 64 + width)}" y="${top + 13}">${count}</text></g>`;
  });
  const desc = rows.map(([reason, count]) => `${reason}: ${count}`).join('; ') + '.';
  return svgFrame({ id, title, desc, height, body: bars });
}
