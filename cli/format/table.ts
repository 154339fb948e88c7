// Plain-text layout for terminal output: aligned tables, "label  value" blocks, short times.

/** What an empty cell shows. */
export const NONE = '—';

/** Rows under a header, columns padded to their widest cell; the last column is not padded. */
export function table(headers: string[], rows: Array<Array<string | null | undefined>>): string[] {
  const cells = rows.map((row) => headers.map((_, i) => cell(row[i])));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((row) => (row[i] ?? '').length)));
  const line = (row: string[]) =>
    row
      .map((text, i) => (i === row.length - 1 ? text : text.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers.map((h) => h.toUpperCase())), ...cells.map(line)];
}

/** `label: value` lines with the values aligned. */
export function fields(pairs: Array<[string, string | null | undefined]>): string[] {
  const width = Math.max(...pairs.map(([label]) => label.length + 1));
  return pairs.map(([label, value]) => `${`${label}:`.padEnd(width)}  ${cell(value)}`);
}

/** A section title with a blank line before it. */
export function heading(title: string): string[] {
  return ['', title];
}

/** ISO time as `2025-01-31 12:00:00Z` (UTC, no milliseconds); other text unchanged. */
export function time(iso: string | null | undefined): string {
  if (!iso) return NONE;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, 'Z');
}

/** One line, at most `max` characters (ellipsis when cut). */
export function truncate(text: string, max = 60): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

function cell(value: string | null | undefined): string {
  return value === null || value === undefined || value === '' ? NONE : value.replace(/\s*\n\s*/g, ' ');
}
