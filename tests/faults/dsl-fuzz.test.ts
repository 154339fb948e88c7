// Bad journey files fuzzed at the DSL loader: mutated YAML, values of the wrong type anywhere,
// deep nesting of every kind, any Unicode. The loader never throws: it returns a journey, or
// problems that each name the file, a line and column inside it, a code and a message.
import fc from 'fast-check';
import { parseJourneySource } from '../../dsl/load';
import { formatProblem } from '../../dsl/problems';
import { FOUND_BEFORE, fuzzJourney, VALID_JOURNEY } from './support/fuzz-journeys';
import { seeded } from './support/seeded';

const RUNS = 400;
const FILE = 'journeys/fuzz.yaml';

describe('bad input fuzzed at the DSL loader', () => {
  test('always a journey or located problems, never a crash', () => {
    expect(parseJourneySource(VALID_JOURNEY, FILE).problems).toEqual([]);
    const { seed } = seeded();
    const kinds = new Map<string, number>();
    const codes = new Map<string, number>();
    let valid = 0;
    let slowest = 0;
    const result = fc.check(
      fc.property(fuzzJourney, ({ kind, source }) => {
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
        const started = performance.now();
        const { journey, problems } = parseJourneySource(source, FILE);
        slowest = Math.max(slowest, performance.now() - started);
        if (journey) {
          valid += 1;
          return problems.length === 0;
        }
        if (problems.length === 0) throw new Error('no journey and no problem');
        const lastLine = source.split(/\r\n|\r|\n/).length + 1;
        for (const problem of problems) {
          codes.set(problem.code.split('.')[0] ?? '', (codes.get(problem.code.split('.')[0] ?? '') ?? 0) + 1);
          const located = problem.file === FILE && Number.isInteger(problem.line) && problem.line >= 1 && problem.line <= lastLine && Number.isInteger(problem.col) && problem.col >= 1;
          if (!located || problem.code === '' || problem.message.trim() === '') throw new Error(`not a located problem: ${formatProblem(problem).slice(0, 300)}`);
        }
        return true;
      }),
      { numRuns: RUNS, seed, endOnFailure: true, examples: FOUND_BEFORE.map((journey) => [journey]) },
    );
    if (result.failed) {
      const example = result.counterexample?.[0];
      const why = result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance);
      throw new Error(`DSL fuzz failed (FAULTS_SEED=${seed} repeats it) on ${example?.kind ?? '?'}: ${JSON.stringify(example?.source ?? '').slice(0, 600)}\n${why.slice(0, 1_000)}`);
    }
    const list = (map: Map<string, number>) => [...map].sort(([a], [b]) => a.localeCompare(b)).map(([key, n]) => `${key} ×${n}`).join(', ');
    console.log(`faults: DSL fuzz, ${RUNS} journey files (seed ${seed}) → 0 crashes, ${valid} still valid, ${RUNS - valid} with located problems (${list(codes)}); kinds ${list(kinds)}; slowest ${Math.round(slowest)} ms`);
  }, 120_000);
});
