// `touchpoint start [--demo]`: hand over to the runtime (loaded only now, so validate/schema stay light).
import { parseArgs } from 'node:util';
import { EXIT, type CliIo } from '../io';
import { commandUsage } from '../usage';

export async function startCommand(args: string[], io: CliIo): Promise<number> {
  let demo: boolean;
  try {
    demo = parseArgs({ args, options: { demo: { type: 'boolean', default: false } }, allowPositionals: false, strict: true }).values.demo === true;
  } catch (error) {
    io.err(`touchpoint start: ${error instanceof Error ? error.message : String(error)}\n`);
    io.err(commandUsage('start'));
    return EXIT.usage;
  }
  let runtime: typeof import('../../runtime/start');
  try {
    runtime = await import('../../runtime/start');
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    io.err(`touchpoint start: the runtime could not be loaded (${detail}); rebuild with npm run build and try again`);
    return EXIT.problems;
  }
  // main() keeps the process alive (servers, worker) and exits itself on SIGINT/SIGTERM.
  await runtime.main({ demo });
  return EXIT.ok;
}
