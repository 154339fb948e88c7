// `touchpoint validate`: load journeys and templates, print every problem, exit 1 if any.
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config/env';
import { loadJourneys } from '../../dsl/load';
import { formatProblem } from '../../dsl/problems';
import { formatNote } from '../../dsl/sample-checks';
import { commandUsage } from '../usage';
import { EXIT, type CliIo } from '../io';

export async function validateCommand(args: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { templates: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  } catch (error) {
    io.err(`touchpoint validate: ${error instanceof Error ? error.message : String(error)}`);
    io.err(commandUsage('validate'));
    return EXIT.usage;
  }
  if (parsed.values.help) {
    io.out(commandUsage('validate'));
    return EXIT.ok;
  }
  let config;
  try {
    config = loadConfig(io.env, io.cwd);
  } catch (error) {
    io.err(`touchpoint validate: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT.problems;
  }
  const paths = parsed.positionals.length > 0 ? parsed.positionals : [config.journeysDir];
  const templatesDir = parsed.values.templates ?? config.templatesDir;
  const result = await loadJourneys({ paths, templatesDir, cwd: io.cwd, env: io.env });
  // Notes (SMS lengths) are information, on stdout, whether or not there are problems.
  for (const note of result.notes) io.out(formatNote(note));

  if (result.problems.length > 0) {
    for (const problem of result.problems) io.err(formatProblem(problem));
    const files = new Set(result.problems.map((p) => p.file)).size;
    const count = result.problems.length;
    io.err(`✗ ${count} problem${count === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'}; fix them and run touchpoint validate again`);
    return EXIT.problems;
  }
  const n = result.journeys.length;
  const list = result.journeys.map((s) => `${s.journey.id} (v${s.version})`).join(', ');
  io.out(`✓ ${n} journey${n === 1 ? '' : 's'} valid: ${list}`);
  return EXIT.ok;
}
