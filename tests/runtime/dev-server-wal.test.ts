// The file-backed dev server keeps its SQLite database in WAL mode with synchronous=NORMAL (no
// fsync per commit) and still loses nothing when its process is killed outright.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { startDevServer, type DevServer } from '../../runtime/dev-server';
import { temporalCliPath } from '../../temporal/binaries';

const cliPath = temporalCliPath(process.env.TEMPORAL_CLI_PATH);

describe('the file-backed Temporal dev server', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'touchpoint-dev-server-wal-'));
  const servers: DevServer[] = [];
  afterAll(async () => {
    for (const server of servers) await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function withClient<T>(server: DevServer, fn: (client: Client) => Promise<T>): Promise<T> {
    const connection = await Connection.connect({ address: server.address });
    try {
      return await fn(new Client({ connection }));
    } finally {
      await connection.close();
    }
  }

  it('writes a write-ahead log and keeps every started run across a SIGKILL of the server', async () => {
    const first = await startDevServer({ cliPath, dataDir, uiPort: false });
    servers.push(first);
    const ids = Array.from({ length: 5 }, (_, i) => `kept-${i}`);
    await withClient(first, async (client) => {
      for (const workflowId of ids) await client.workflow.start('journeyRun', { workflowId, taskQueue: 'nobody', args: [] });
    });
    // SQLite's header: bytes 18 and 19 (file format write/read version) are 2 in WAL mode, 1 with a rollback journal.
    const header = readFileSync(join(dataDir, 'temporal.db')).subarray(18, 20);
    expect([...header]).toEqual([2, 2]);

    // A crash of the server process, not a clean stop: the WAL's commits are in the OS page cache.
    process.kill(first.pid, 'SIGKILL');
    await first.stop();
    const next = await startDevServer({ cliPath, dataDir, uiPort: false });
    servers.push(next);
    const statuses = await withClient(next, (client) => Promise.all(ids.map(async (id) => (await client.workflow.getHandle(id).describe()).status.name)));
    expect(statuses).toEqual(ids.map(() => 'RUNNING'));
  }, 120_000);
});
