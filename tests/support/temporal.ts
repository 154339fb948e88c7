// A Temporal dev server for one test file (in-memory, headless, random port) and a Client on it.
import { Client, Connection } from '@temporalio/client';
import { startDevServer, type DevServer } from '../../runtime/dev-server';
import { temporalCliPath } from '../../temporal/binaries';

export interface TestTemporal {
  server: DevServer;
  connection: Connection;
  client: Client;
  namespace: string;
  /** Close the client connection and stop the server. */
  stop(): Promise<void>;
}

/** Start a dev server and connect to it; call `stop()` in afterAll. */
export async function startTestTemporal(namespace = 'default'): Promise<TestTemporal> {
  const server = await startDevServer({ cliPath: temporalCliPath(process.env.TEMPORAL_CLI_PATH), uiPort: false, namespace });
  try {
    const connection = await Connection.connect({ address: server.address });
    return {
      server,
      connection,
      client: new Client({ connection, namespace }),
      namespace,
      async stop() {
        await connection.close();
        await server.stop();
      },
    };
  } catch (error) {
    await server.stop();
    throw error;
  }
}
