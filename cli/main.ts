#!/usr/bin/env node
// The `touchpoint` command: validate journeys, preview templates, print the JSON Schema, start the runtime,
// and (for support staff) inspect customers, runs and journey reports through the API.
import { parseArgs } from 'node:util';
import { customersCommand } from './commands/customers';
import { previewCommand } from './commands/preview';
import { reportCommand } from './commands/report';
import { runsCommand } from './commands/runs';
import { schemaCommand } from './commands/schema';
import { startCommand } from './commands/start';
import { validateCommand } from './commands/validate';
import { EXIT, processIo, type CliIo } from './io';
import { commandUsage, isCommand, usage, type CommandName } from './usage';

type Command = (args: string[], io: CliIo) => Promise<number>;

const commands = {
  validate: validateCommand,
  preview: previewCommand,
  schema: schemaCommand,
  start: startCommand,
  customers: customersCommand,
  runs: runsCommand,
  report: reportCommand,
  help: async (args, io) => {
    const [topic] = args;
    io.out(topic !== undefined && isCommand(topic) ? commandUsage(topic) : usage());
    return EXIT.ok;
  },
} satisfies Record<CommandName, Command>;

/** Run one command line (without `node touchpoint`); resolves to the exit code. */
export async function run(argv: string[], io: CliIo): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: false,
    options: { help: { type: 'boolean', short: 'h' } },
  });
  const [name] = positionals;
  if (name === undefined) {
    if (values.help) {
      io.out(usage());
      return EXIT.ok;
    }
    io.err(usage());
    return EXIT.usage;
  }
  if (!isCommand(name)) {
    io.err(`touchpoint: unknown command "${name}"\n`);
    io.err(usage());
    return EXIT.usage;
  }
  const rest = argv.slice(argv.indexOf(name) + 1);
  if (values.help) {
    io.out(commandUsage(name));
    return EXIT.ok;
  }
  return commands[name](rest, io);
}

if (require.main === module) {
  run(process.argv.slice(2), processIo()).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`touchpoint: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = EXIT.problems;
    },
  );
}
