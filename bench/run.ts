// `npm run bench [-- <scenario…>] [--quick] [--readme] [--list]`: the benchmark entry point.
import { discoverScenarios, runScenarios, scenarioFiles } from './lib/runner';

const HELP = `Usage: npm run bench -- [scenario…] [--quick] [--readme] [--list]

  scenario…   run only these, in the usual order (default: all)
  --quick     shortened runs for smoke tests; figures are indicative only,
              and bench/README.md is left alone unless --readme is given
  --readme    rewrite the table in bench/README.md from bench/results/latest.json
  --list      print the scenarios and exit

Environment: BENCH_DATABASE_URL=postgres://… runs the engine on PostgreSQL (a fresh database
per scenario on that server) instead of PGlite; BENCH_VERBOSE=1 shows the engine's start-up.`;

async function main(argv: string[]): Promise<number> {
  const flags = new Set(argv.filter((a) => a.startsWith('-')));
  const names = argv.filter((a) => !a.startsWith('-'));
  const known = new Set(['--quick', '--readme', '--list', '--help', '-h']);
  const unknownFlags = [...flags].filter((f) => !known.has(f));
  if (flags.has('--help') || flags.has('-h')) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (unknownFlags.length) {
    process.stderr.write(`bench: unknown option ${unknownFlags.join(', ')}\n\n${HELP}\n`);
    return 2;
  }
  const files = scenarioFiles();
  const unknown = names.filter((n) => !files.includes(n));
  if (unknown.length) {
    process.stderr.write(`bench: no scenario named ${unknown.map((n) => `"${n}"`).join(', ')}; known: ${files.join(', ')}\n`);
    return 2;
  }
  const { scenarios: chosen, broken } = discoverScenarios(names.length && !flags.has('--list') ? names : files);
  for (const b of broken) process.stderr.write(`bench: skipping bench/scenarios/${b.file}: ${b.error}\n`);
  if (flags.has('--list')) {
    for (const s of chosen) process.stdout.write(`${s.name.padEnd(12)} ${s.title}\n`);
    return 0;
  }
  const failed = await runScenarios(chosen, { quick: flags.has('--quick'), ...(flags.has('--readme') ? { readme: true } : {}) });
  return failed > 0 || broken.length > 0 ? 1 : 0;
}

// Temporal's native runtime keeps the event loop alive after the last worker stops: exit explicitly.
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
