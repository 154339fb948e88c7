// npm test's preflight names every missing prerequisite with its install command, at once.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const script = join(__dirname, '../../scripts/preflight.mjs');

function preflight(env: Record<string, string>): { status: number | null; stderr: string } {
  const result = spawnSync(process.execPath, [script], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 20_000 });
  return { status: result.status, stderr: result.stderr };
}

describe('npm test preflight', () => {
  it('passes on a machine with what the suite needs', () => {
    expect(preflight({})).toEqual({ status: 0, stderr: '' });
  });

  it('names a missing Chromium and an unreachable PostgreSQL together, with how to install each', () => {
    const { status, stderr } = preflight({ CHROMIUM_PATH: '/nonexistent/chromium', TEST_DATABASE_URL: 'postgres://postgres@127.0.0.1:1/postgres' });
    expect(status).toBe(1);
    expect(stderr).toContain('2 things to install');
    expect(stderr).toContain('Chromium is missing at /nonexistent/chromium');
    expect(stderr).toContain('apt-get install chromium');
    expect(stderr).toContain('PostgreSQL does not answer at 127.0.0.1:1');
  });
});
