// The small pieces the report charts are drawn with: an accessible <svg> frame, scales, number
// formats and text wrapping. Pure; every text goes through api/html.ts, so data cannot become markup.
import { html, type Html, type HtmlValue } from '../api/html';

/** Width of every chart's viewBox; the stylesheet scales the SVG to its column. */
export const CHART_WIDTH = 640;

/** An id safe in an attribute and a CSS selector, from anything (step ids are the marketers'). */
export function chartId(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]/g, '-');
}

/**
 * `<svg role="img">` named by its <title> and described by its <desc>, so a screen reader says
 * what the chart shows; the numbers are printed inside it as text too.
 */
export function svgFrame(options: { id: string; title: string; desc: string; height: number; body: HtmlValue }): Html {
  const id = chartId(options.id);
  const height = round(options.height);
  return html`<svg class="chart" id="${id}" viewBox="0 0 ${CHART_WIDTH} ${height}" width="${CHART_WIDTH}" height="${height}" role="img" aria-labelledby="${id}-title ${id}-desc" font-size="12" font-family="system-ui, sans-serif" xmlns="http://www.w3.org/2000/svg">
<title id="${id}-title">${options.title}</title>
<desc id="${id}-desc">${options.desc}</desc>
${options.body}
</svg>`;
}

/** The chart of an empty data set: one line saying there is nothing yet and why, never empty axes. */
export function noData(options: { id: string; title: string; message: string }): Html {
  return svgFrame({
    ...options,
    desc: options.message,
    height: 48,
    body: html`<text class="no-data" x="${CHART_WIDTH / 2}" y="28" text-anchor="middle">${options.message}</text>`,
  });
}

/** A linear map from `domain` onto `range`. */
export function linear(domain: readonly [number, number], range: readonly [number, number]): (value: number) => number {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0;
  return (value) => (span === 0 ? r0 : r0 + ((value - d0) / span) * (r1 - r0));
}

/** Coordinates with one decimal: small SVG, and the same text on every machine. */
export function round(value: number): number {
  return Math.round(value * 10) / 10;
}

/** 0.1234 → "12.3%"; null → "—". */
export function percent(rate: number | null, digits = 1): string {
  return rate === null || !Number.isFinite(rate) ? '—' : `${(rate * 100).toFixed(digits)}%`;
}

/** A signed percentage for lifts and differences: +12.0%, −3.4%. */
export function signedPercent(rate: number | null): string {
  if (rate === null || !Number.isFinite(rate)) return '—';
  const text = percent(Math.abs(rate));
  return rate > 0 ? `+${text}` : rate < 0 ? `−${text}` : text;
}

/** p-values as people read them: "p < 0.001", "p = 0.034". */
export function pValueText(p: number | null): string {
  if (p === null || !Number.isFinite(p)) return 'p = —';
  return p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`;
}

/** A label that fits: longer text is cut with "…" (the full text stays in the bar's <title>). */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(1, max - 1))}…`;
}

/** Words on lines of at most `width` characters (SVG text does not wrap by itself). */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/** A round number ≥ `value` for an axis top: 1, 2, 2.5, 5 × 10^n. */
export function niceCeiling(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 2.5, 5, 10].find((m) => m * power >= value) ?? 10;
  return step * power;
}

/** "Mar 4" for an ISO date (UTC). */
export function shortDate(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleDateString('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });
}
