// A Touchpoint worker in a process of its own, wired from the environment the way `touchpoint
// start` wires its worker (loadConfig → store, SMTP, Twilio, VAPID, links, policy), so a test can
// SIGKILL it mid-send. With WORKFLOW_BUNDLE (a file from bundleWorkflowCode) it runs the journey
// workflow too; without it only the activities. Prints "worker ready" once it polls.
// Run with `node -r ./tests/faults/child/register-ts.js tests/faults/child/worker.ts`.
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createActivities } from '../../../activities';
import { loadConfig, targetPolicies } from '../../../config/env';
import { createDecisionDeps } from '../../../consent/decision-deps';
import { createSmtpTransport } from '../../../runtime/smtp-transport';
import { createSmsDeps } from '../../../runtime/twilio';
import { resolveVapid } from '../../../runtime/vapid';
import { openStore } from '../../../store';

async function main(): Promise<void> {
  const config = loadConfig();
  const bundlePath = process.env.WORKFLOW_BUNDLE;
  if (!config.TEMPORAL_ADDRESS || !config.DATABASE_URL || !config.SMTP_URL) {
    throw new Error('the fault-test worker needs TEMPORAL_ADDRESS, DATABASE_URL and SMTP_URL');
  }
  // WARN: a failing workflow task or activity shows in the output a failed test prints.
  Runtime.install({ logger: new DefaultLogger('WARN'), telemetryOptions: { logging: { filter: { core: 'WARN', other: 'WARN' } } } });
  const store = await openStore({ databaseUrl: config.DATABASE_URL, dataDir: config.dataDir });
  const transport = createSmtpTransport(config.SMTP_URL);
  const { policy, links } = await createDecisionDeps(config);
  const vapid = await resolveVapid(config, config.dataDir);
  const activities = createActivities({
    store,
    email: { transport, from: config.EMAIL_FROM },
    sms: createSmsDeps(config),
    push: { vapid: { publicKey: vapid.publicKey, privateKey: vapid.privateKey, subject: vapid.subject }, allowedTargets: targetPolicies(config).push },
    webhookTargets: targetPolicies(config).webhooks,
    policy,
    links,
    defaultTimezone: config.DEFAULT_TIMEZONE,
  });
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const worker = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    activities,
    ...(bundlePath ? { workflowBundle: { codePath: bundlePath } } : {}),
  });
  process.stdout.write('worker ready\n');
  await worker.run();
}

main().catch((error: unknown) => {
  process.stderr.write(`fault-test worker failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
