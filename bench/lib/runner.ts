// Runs scenarios in order: progress on stderr, a table per scenario on stdout, JSON under
// bench/results/, and (full runs) the table in bench/README.md.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { describeMachine, machineLine } from './machine';
import { REPO_ROOT } from './paths';
import { createProgress } from './progress';
import { saveRecord, updateReadme, type ScenarioRecord } from './results';
import { score, textTable } from './table';
import type { Scenario, ScenarioContext } from './types';

/** Run order of the known scenarios; others follow by name. */
export const SCENARIO_ORDER = ['starts', 'first-email', 'history', 'sleeping', 'channels', 'sms-rate', 'ingest', 'report', 'soak'];

export interface Discovered {
  scenarios: Scenario[];
  /** Scenario files that could not be loaded, with why. */
  broken: Array<{ file: string; error: string }>;
}

/** Scenario names: the files in bench/scenarios (a scenario's `name` is its file name). */
export function scenarioFiles(): string[] {
  return readdirSync(join(REPO_ROOT, 'bench', 'scenarios'))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => f.replace(/\.ts$/, ''));
}

/**
 * bench/scenarios/<name>.ts modules exporting `scenario` (all, or only `names`: loading one is
 * cheaper than loading all), in run order. Names come from the sources, so a scenario deleted
 * there is not run from a stale compiled copy.
 */
export function discoverScenarios(names: readonly string[] = scenarioFiles()): Discovered {
  const found: Scenario[] = [];
  const broken: Discovered['broken'] = [];
  for (const file of names.map((n) => `${n}.ts`)) {
    try {
      const loaded: unknown = require(join(__dirname, '..', 'scenarios', file.replace(/\.ts$/, '')));
      const scenario = typeof loaded === 'object' && loaded !== null && 'scenario' in loaded ? loaded.scenario : undefined;
      if (isScenario(scenario) && `${scenario.name}.ts` === file) found.push(scenario);
      else if (isScenario(scenario)) broken.push({ file, error: `its scenario is named "${scenario.name}"; name the file ${scenario.name}.ts` });
      else broken.push({ file, error: 'it does not export `scenario` (see bench/lib/index.ts)' });
    } catch (error) {
      const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
      broken.push({ file, error: message.startsWith('Cannot find module') ? 'not compiled yet; `npm run bench` compiles it' : message });
    }
  }
  const rank = (s: Scenario) => (SCENARIO_ORDER.includes(s.name) ? SCENARIO_ORDER.indexOf(s.name) : SCENARIO_ORDER.length);
  return { scenarios: found.sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name)), broken };
}

function isScenario(x: unknown): x is Scenario {
  return typeof x === 'object' && x !== null && 'name' in x && typeof x.name === 'string' && 'run' in x && typeof x.run === 'function';
}

export interface RunOptions {
  quick: boolean;
  /** Rewrite bench/README.md's table. @default !quick */
  readme?: boolean;
}

/** Run the scenarios; resolves to the number that failed to run (a missed target is not a failure). */
export async function runScenarios(scenarios: readonly Scenario[], options: RunOptions): Promise<number> {
  const out = (line = '') => process.stdout.write(`${line}\n`);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const machine = describeMachine();
  out(`Touchpoint benchmarks${options.quick ? ' (--quick: shortened, figures are indicative only)' : ''}`);
  out(`Machine: ${machineLine(machine)}`);
  let failed = 0;
  for (const scenario of scenarios) {
    out();
    out(`## ${scenario.name}: ${scenario.title}`);
    const progress = createProgress();
    const ctx: ScenarioContext = { quick: options.quick, progress, log: (line) => log(`  ${line}`), pick: (full, quick) => (options.quick ? quick : full) };
    const startedAt = new Date().toISOString();
    const t0 = performance.now();
    const record: ScenarioRecord = { scenario: scenario.name, title: scenario.title, startedAt, durationS: 0, quick: options.quick, machine, database: 'none', metrics: [], notes: [] };
    try {
      const outcome = await scenario.run(ctx);
      record.metrics = outcome.metrics.map(score);
      record.notes = outcome.notes ?? [];
      record.database = outcome.database ?? 'none';
      if (outcome.details) record.details = outcome.details;
    } catch (error) {
      failed++;
      progress.done('failed');
      record.error = error instanceof Error ? error.message : String(error);
      if (error instanceof Error && error.stack) log(error.stack);
    }
    record.durationS = Math.round((performance.now() - t0) / 100) / 10;
    if (record.metrics.length) out(textTable(record.metrics));
    for (const note of record.notes) out(`  · ${note}`);
    if (record.error) out(`  ✗ the scenario failed: ${record.error}`);
    out(`  (${record.durationS} s, database ${record.database}; saved ${saveRecord(record)})`);
  }
  if (options.readme ?? !options.quick) out(`\nUpdated ${updateReadme(SCENARIO_ORDER)} and bench/results/latest.json.`);
  return failed;
}
