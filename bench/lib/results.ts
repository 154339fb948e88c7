// Where results go: bench/results/<scenario>-<timestamp>.json per run, bench/results/latest.json
// (the newest record of every scenario), and the table in bench/README.md between its markers.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { machineLine, type MachineInfo } from './machine';
import { BENCH_README, REPO_ROOT, RESULTS_DIR } from './paths';
import { MARKDOWN_HEADER, markdownRows } from './table';
import type { ScoredMetric } from './types';

export interface ScenarioRecord {
  scenario: string;
  title: string;
  startedAt: string;
  durationS: number;
  quick: boolean;
  machine: MachineInfo;
  database: string;
  metrics: ScoredMetric[];
  notes: string[];
  /** Set when the scenario threw: its message. */
  error?: string;
  details?: Record<string, unknown>;
}

interface Latest {
  updatedAt: string;
  scenarios: Record<string, ScenarioRecord>;
}

export const README_START = '<!-- bench:results:start -->';
export const README_END = '<!-- bench:results:end -->';
const LATEST = join(RESULTS_DIR, 'latest.json');

/** Write the per-run file and merge the record (without raw details) into latest.json; returns the file path. */
export function saveRecord(record: ScenarioRecord): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const stamp = record.startedAt.replace(/[:.]/g, '-');
  const file = join(RESULTS_DIR, `${record.scenario}-${stamp}${record.quick ? '-quick' : ''}.json`);
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
  const latest = readLatest();
  const { details: _details, ...summary } = record;
  latest.scenarios[record.scenario] = summary;
  latest.updatedAt = new Date().toISOString();
  writeFileSync(LATEST, `${JSON.stringify(latest, null, 2)}\n`);
  return relative(REPO_ROOT, file);
}

function readLatest(): Latest {
  if (!existsSync(LATEST)) return { updatedAt: new Date().toISOString(), scenarios: {} };
  try {
    const parsed: unknown = JSON.parse(readFileSync(LATEST, 'utf8'));
    if (typeof parsed === 'object' && parsed !== null && 'scenarios' in parsed && typeof parsed.scenarios === 'object' && parsed.scenarios !== null) {
      return { updatedAt: new Date().toISOString(), scenarios: parsed.scenarios as Record<string, ScenarioRecord> };
    }
  } catch {
    // A broken latest.json (e.g. a run killed while writing) is rebuilt from this run on.
  }
  process.stderr.write(`bench: ${relative(REPO_ROOT, LATEST)} is not a results file; starting a new one\n`);
  return { updatedAt: new Date().toISOString(), scenarios: {} };
}

/**
 * Rewrite the table between the markers in bench/README.md from latest.json, in `order`
 * (scenarios not listed come after, by name). Quick records are marked: their figures are smoke only.
 */
export function updateReadme(order: readonly string[]): string {
  const latest = readLatest();
  const names = Object.keys(latest.scenarios).sort((a, b) => rank(order, a) - rank(order, b) || a.localeCompare(b));
  const records = names.map((n) => latest.scenarios[n]!);
  const newest = records.reduce<ScenarioRecord | undefined>((a, r) => (a === undefined || r.startedAt > a.startedAt ? r : a), undefined);
  const lines = [
    README_START,
    newest ? `Latest run ${newest.startedAt.slice(0, 16).replace('T', ' ')} UTC on ${machineLine(newest.machine)}.` : 'No results yet: run `npm run bench`.',
    '',
    ...MARKDOWN_HEADER,
    ...records.flatMap((r) => markdownRows(r.quick ? `${r.scenario} (quick)` : r.scenario, r.metrics)),
    '',
    ...records.map((r) => `- **${r.scenario}** ${r.startedAt.slice(0, 16).replace('T', ' ')} UTC, ${r.durationS} s, ${r.database}${r.quick ? ', --quick' : ''}${r.error ? `, failed: ${r.error}` : ''}${r.notes.length ? `: ${brief(r.notes.join(' '))}` : ''}`),
    README_END,
  ];
  const text = existsSync(BENCH_README) ? readFileSync(BENCH_README, 'utf8') : `# Benchmarks\n\n${README_START}\n${README_END}\n`;
  const start = text.indexOf(README_START);
  const end = text.indexOf(README_END);
  const block = lines.join('\n');
  const next = start >= 0 && end > start ? text.slice(0, start) + block + text.slice(end + README_END.length) : `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(BENCH_README, next);
  return relative(REPO_ROOT, BENCH_README);
}

/** Notes in the README stay short; the whole text is in latest.json. */
function brief(text: string, max = 400): string {
  return text.length <= max ? text : `${text.slice(0, max).replace(/\s+\S*$/, '')} … (all notes in bench/results/latest.json)`;
}

function rank(order: readonly string[], name: string): number {
  const i = order.indexOf(name);
  return i < 0 ? order.length : i;
}
