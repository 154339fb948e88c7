// Restarting the PostgreSQL server the tests use (TEST_DATABASE_URL's server, 127.0.0.1:5432 by
// default) with Debian's pg_ctlcluster. TEST_PG_CLUSTER="<version> <name>" names another cluster.
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { promisify } from 'node:util';

/** `[version, name]` of the cluster to restart. */
export function testCluster(): [string, string] {
  const named = process.env.TEST_PG_CLUSTER?.trim().split(/\s+/);
  if (named?.length === 2 && named[0] && named[1]) return [named[0], named[1]];
  const version = readdirSync('/etc/postgresql').sort()[0];
  if (!version) throw new Error('no PostgreSQL cluster under /etc/postgresql; set TEST_PG_CLUSTER="<version> <name>"');
  return [version, 'main'];
}

/** `pg_ctlcluster … restart` (fast shutdown: every connection is cut); resolves once it is back. */
export async function restartPostgres(): Promise<void> {
  const [version, name] = testCluster();
  await promisify(execFile)('pg_ctlcluster', ['--skip-systemctl-redirect', version, name, 'restart'], { timeout: 60_000 });
}
