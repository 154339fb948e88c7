// What a CLI command may touch: its output streams, working directory and environment,
// passed in so tests run commands in-process.

export interface CliIo {
  /** Write one line to standard output. */
  out(line: string): void;
  /** Write one line to standard error. */
  err(line: string): void;
  /** Working directory paths are resolved against. */
  cwd: string;
  /** Environment for loadConfig. */
  env: NodeJS.ProcessEnv;
}

/** The real process's streams, directory and environment. */
export function processIo(): CliIo {
  // `touchpoint runs list | head`: the reader went away; stop quietly like other Unix tools.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    cwd: process.cwd(),
    env: process.env,
  };
}

/** Exit codes: 0 all good, 1 problems found or the command failed, 2 the command line was wrong. */
export const EXIT = { ok: 0, problems: 1, usage: 2 } as const;
