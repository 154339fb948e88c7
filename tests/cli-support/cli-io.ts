// Run `touchpoint …` in-process against a given API, capturing stdout and stderr.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../cli/main';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function cliAgainst(url: string, apiKey: string | null): (...argv: string[]) => Promise<CliResult> {
  // An empty data dir, so no generated api-key file on this machine is picked up by accident.
  const dataDir = mkdtempSync(join(tmpdir(), 'tp-cli-'));
  return async (...argv) => {
    const out: string[] = [];
    const err: string[] = [];
    const env: NodeJS.ProcessEnv = { TOUCHPOINT_URL: url, TOUCHPOINT_DATA_DIR: dataDir, ...(apiKey === null ? {} : { TOUCHPOINT_API_KEY: apiKey }) };
    const code = await run(argv, { out: (l) => out.push(l), err: (l) => err.push(l), cwd: dataDir, env });
    return { code, stdout: out.join('\n'), stderr: err.join('\n') };
  };
}
