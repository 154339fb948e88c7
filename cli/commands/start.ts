// `touchpoint start`: hand over to the runtime (loaded only now, so validate/schema stay light).
import { EXIT, type CliIo } from '../io';

export async function startCommand(_args: string[], io: CliIo): Promise<number> {
  let runtime: typeof import('../../runtime/start');
  try {
    runtime = await import('../../runtime/start');
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    io.err(`touchpoint start: the runtime could not be loaded (${detail}); rebuild with npm run build and try again`);
    return EXIT.problems;
  }
  // main() keeps the process alive (servers, worker) and exits itself on SIGINT/SIGTERM.
  await runtime.main();
  return EXIT.ok;
}
