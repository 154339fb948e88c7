// The bare-Temporal baseline: a Client and a Worker of bench/workflows on their own task queue
// of the same Temporal server the engine uses, so both sides share the server in one run.
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createBareActivities } from './bare-activities';

export interface BareTemporal {
  client: Client;
  /** The queue the bare worker polls: pass it to client.workflow.start. */
  taskQueue: string;
  worker: Worker;
  /** Shut the worker down and close both connections. */
  stop(): Promise<void>;
}

export interface BareTemporalOptions {
  /** host:port of the Temporal frontend (BenchStack.temporalAddress). */
  address: string;
  /** SMTP server for the bareFirstEmail workflow's activity. @default none (sendEmail fails) */
  smtpUrl?: string;
  /** Worker tuning, when a baseline needs it (e.g. maxConcurrentActivityTaskExecutions). @default SDK defaults, like the engine's worker */
  workerOptions?: Partial<Parameters<typeof Worker.create>[0]>;
}

export async function startBareTemporal(options: BareTemporalOptions): Promise<BareTemporal> {
  const taskQueue = `bench-bare-${randomBytes(4).toString('hex')}`;
  const activities = createBareActivities(options.smtpUrl);
  const native = await NativeConnection.connect({ address: options.address });
  const connection = await Connection.connect({ address: options.address });
  const worker = await Worker.create({
    connection: native,
    taskQueue,
    // dist/bench/workflows/index.js once compiled.
    workflowsPath: require.resolve('../workflows'),
    activities,
    ...options.workerOptions,
  });
  const running = worker.run();
  let stopping: Promise<void> | undefined;
  return {
    client: new Client({ connection, namespace: 'default' }),
    taskQueue,
    worker,
    stop() {
      stopping ??= (async () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await running.catch(() => undefined);
        activities.close();
        await connection.close().catch(() => undefined);
        await native.close().catch(() => undefined);
      })();
      return stopping;
    },
  };
}
