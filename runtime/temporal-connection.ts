// Connection settings for a Temporal server from config: address, namespace, TLS (mTLS) and
// API key, so a self-hosted cluster or Temporal Cloud works unchanged.
import { readFileSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { TLSConfig } from '@temporalio/common/lib/internal-non-workflow';
import type { Config } from '../config/env';

function readPem(path: string, variable: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new Error(`${variable}=${path} cannot be read (${(error as Error).message}); point it at a PEM file.`);
  }
}

/** TLS settings from TEMPORAL_TLS* variables; undefined means plain TCP (unless an API key forces TLS). */
export function tlsFromConfig(config: Config): TLSConfig | undefined {
  const { TEMPORAL_TLS_CERT_PATH: cert, TEMPORAL_TLS_KEY_PATH: key, TEMPORAL_TLS_CA_PATH: ca } = config;
  if (Boolean(cert) !== Boolean(key)) {
    throw new Error('Set both TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH for mTLS, or neither.');
  }
  if (!config.TEMPORAL_TLS && !cert && !ca && !config.TEMPORAL_API_KEY) return undefined;
  const tls: TLSConfig = {};
  if (cert && key) tls.clientCertPair = { crt: readPem(cert, 'TEMPORAL_TLS_CERT_PATH'), key: readPem(key, 'TEMPORAL_TLS_KEY_PATH') };
  if (ca) tls.serverRootCACertificate = readPem(ca, 'TEMPORAL_TLS_CA_PATH');
  if (config.TEMPORAL_TLS_SERVER_NAME) tls.serverNameOverride = config.TEMPORAL_TLS_SERVER_NAME;
  return tls;
}

export interface TemporalConnections {
  client: Client;
  /** The client's gRPC connection (health checks, operator calls). */
  connection: Connection;
  /** The worker's native connection. */
  native: NativeConnection;
  close(): Promise<void>;
}

/** Open the client and worker connections to `address` with the configured TLS / API key. */
export async function connectTemporal(config: Config, address: string): Promise<TemporalConnections> {
  const tls = tlsFromConfig(config);
  const apiKey = config.TEMPORAL_API_KEY;
  const common = { address, ...(tls ? { tls } : {}), ...(apiKey ? { apiKey } : {}) };
  let connection: Connection;
  try {
    connection = await Connection.connect({ ...common, connectTimeout: '10s' });
  } catch (error) {
    throw new Error(`Cannot reach Temporal at ${address} (${(error as Error).message}). Check TEMPORAL_ADDRESS, TLS and API key settings.`);
  }
  const native = await NativeConnection.connect(common);
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  return {
    client,
    connection,
    native,
    async close() {
      await native.close();
      await connection.close();
    },
  };
}
