// A Touchpoint activity worker in a process of its own (real activities, PostgreSQL store,
// SMTP), so a test can SIGKILL it in the middle of a send. Run with
// `node -r ./tests/faults/child/register-ts.js tests/faults/child/activity-worker.ts`.
import { tmpdir } from 'node:os';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import nodemailer from 'nodemailer';
import { z } from 'zod';
import { createActivities } from '../../../activities';
import { openStore } from '../../../store';

const Env = z.object({
  TEMPORAL_ADDRESS: z.string().min(1),
  TASK_QUEUE: z.string().min(1),
  DATABASE_URL: z.string().url(),
  SMTP_PORT: z.coerce.number().int().positive(),
});

async function main(): Promise<void> {
  const env = Env.parse(process.env);
  Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } } });
  const store = await openStore({ databaseUrl: env.DATABASE_URL, dataDir: tmpdir() });
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: env.SMTP_PORT, secure: false, ignoreTLS: true });
  const connection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS });
  const worker = await Worker.create({
    connection,
    taskQueue: env.TASK_QUEUE,
    activities: createActivities({ store, email: { transport, from: 'Touchpoint <hello@touchpoint.test>' }, defaultTimezone: 'UTC' }),
  });
  process.stdout.write('activity worker ready\n');
  await worker.run();
}

main().catch((error: unknown) => {
  process.stderr.write(`activity worker failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
