// The dev server launcher with the real Temporal CLI: file-backed state and pid file, cleanup
// of a server orphaned by a killed `npm start`, and clear errors when it cannot start.
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { registerSearchAttributes, startDevServer, type DevServer } from '../../runtime/dev-server';
import { temporalCliPath } from '../../temporal/binaries';
import { freePort } from '../support/ports';
import { isAlive as alive } from '../../runtime/processes';

const cliPath = temporalCliPath(process.env.TEMPORAL_CLI_PATH);


async function withClient<T>(server: DevServer, fn: (client: Client) => Promise<T>): Promise<T> {
  const connection = await Connection.connect({ address: server.address });
  try {
    return await fn(new Client({ connection }));
  } finally {
    await connection.close();
  }
}

describe('the Temporal dev server launcher', () => {
  const dirs: string[] = [];
  const servers: DevServer[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'touchpoint-dev-server-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(async () => {
    for (const server of servers) await server.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('replaces a file-backed server orphaned by a killed start, keeping its workflows', async () => {
    const dataDir = tempDir();
    const port = await freePort();
    const orphan = await startDevServer({ cliPath, dataDir, port, uiPort: false });
    servers.push(orphan);
    expect(readFileSync(join(dataDir, 'temporal.pid'), 'utf8').trim()).toBe(String(orphan.pid));
    await withClient(orphan, (client) => client.workflow.start('journeyRun', { workflowId: 'kept', taskQueue: 'nobody', args: [] }));

    // A second start on the same data dir, as after `kill -9` of the first `npm start`.
    const lines: string[] = [];
    const next = await startDevServer({ cliPath, dataDir, port, uiPort: false, log: (line) => lines.push(line) });
    servers.push(next);
    expect(alive(orphan.pid)).toBe(false);
    expect(lines.join('\n')).toContain(`left running by an earlier start (pid ${orphan.pid})`);
    const status = await withClient(next, async (client) => (await client.workflow.getHandle('kept').describe()).status.name);
    expect(status).toBe('RUNNING');

    await next.stop();
    expect(alive(next.pid)).toBe(false);
    expect(existsSync(join(dataDir, 'temporal.pid'))).toBe(false);
  });

  it('reports a server that ends by itself, with how it ended, and says nothing after stop()', async () => {
    const killed = await startDevServer({ cliPath, uiPort: false });
    servers.push(killed);
    process.kill(killed.pid, 'SIGKILL');
    expect(await killed.unexpectedExit).toContain(`The Temporal dev server at ${killed.address} (pid ${killed.pid}) ended by itself (signal SIGKILL)`);

    const stopped = await startDevServer({ cliPath, uiPort: false });
    let reported = false;
    void stopped.unexpectedExit.then(() => (reported = true));
    await stopped.stop();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(alive(stopped.pid)).toBe(false);
    expect(reported).toBe(false);
  });

  it('serves the Web UI when given a UI port', async () => {
    const server = await startDevServer({ cliPath });
    servers.push(server);
    expect(server.uiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(server.uiUrl!);
    expect(response.status).toBe(200);
  });

  it('registers the Touchpoint search attributes on a namespace that lacks them, and again without error', async () => {
    const server = await startDevServer({ cliPath, uiPort: false });
    servers.push(server);
    const connection = await Connection.connect({ address: server.address });
    try {
      await connection.workflowService.registerNamespace({ namespace: 'fresh', workflowExecutionRetentionPeriod: msToTs('1 day') });
      const custom = async (namespace: string) =>
        Object.keys((await connection.operatorService.listSearchAttributes({ namespace })).customAttributes ?? {}).filter((name) => name.startsWith('Touchpoint')).sort();
      const ours = ['TouchpointCustomer', 'TouchpointJourney', 'TouchpointJourneyVersion', 'TouchpointStep'];
      expect(await custom('default')).toEqual(ours);
      expect(await custom('fresh')).toEqual([]);
      await registerSearchAttributes(connection, 'fresh');
      await registerSearchAttributes(connection, 'fresh');
      expect(await custom('fresh')).toEqual(ours);
    } finally {
      await connection.close();
    }
  });

  it('refuses a port another program holds, naming TEMPORAL_DEV_PORT and TEMPORAL_ADDRESS', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      await expect(startDevServer({ cliPath, port, uiPort: false })).rejects.toThrow(
        new RegExp(`Port ${port} on 127\\.0\\.0\\.1 is already in use.*TEMPORAL_DEV_PORT.*TEMPORAL_ADDRESS`),
      );
    } finally {
      blocker.close();
    }
  });

  it('fails with the exit status and the last output when the server exits before answering', async () => {
    const fake = join(tempDir(), 'temporal');
    writeFileSync(fake, '#!/bin/sh\necho "unknown flag: --search-attribute" >&2\nexit 3\n');
    chmodSync(fake, 0o755);
    await expect(startDevServer({ cliPath: fake, uiPort: false })).rejects.toThrow(
      /exited before it was ready \(code 3\)\.\nLast output of the server:\n {2}unknown flag: --search-attribute/,
    );
  });
});
