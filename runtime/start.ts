// `touchpoint start` / `npm start`: journeys, store, Temporal (dev server unless
// TEMPORAL_ADDRESS), worker, email channel and HTTP API in one process; clean stop on signals.
import { mkdir } from 'node:fs/promises';
import { relative } from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { loadConfig, targetPolicies, type Config } from '../config/env';
import { loadJourneys } from '../dsl/load';
import { formatProblem } from '../dsl/problems';
import { openStore } from '../store';
import { startRollupCompaction } from '../store/rollup-compaction';
import { createActivities } from '../activities';
import { createWorker } from '../worker';
import { createRouter } from '../routing';
import { createRoutingBacklog } from '../routing/backlog';
import { withTemporalDeadline } from '../temporal/unavailable';
import { createApiServer } from '../api';
import { temporalCliPath } from '../temporal/binaries';
import { registerSearchAttributes, startDevServer, type DevServer } from './dev-server';
import { connectTemporal } from './temporal-connection';
import { startLocalSmtp, type LocalSmtp } from './local-smtp';
import { resolveApiKeys } from './api-keys';
import { registerDevMailRoutes } from './dev-mail-routes';
import { createSmtpTransport } from './smtp-transport';
import { createSmsDeps } from './twilio';
import { resolveVapid } from './vapid';
import { createDecisionDeps } from '../consent/decision-deps';
import { ingest } from '../api/ingest';
import { twilioWebhooks } from '../api/routes/twilio-webhooks';
import { pushRoutes } from '../api/routes/push';
import { unsubscribeRoutes } from '../api/routes/unsubscribe';
import { supportRoutes } from '../api/routes/support';
import { privacyRoutes } from '../api/routes/privacy';
import { createPrivacyService } from '../privacy/service';
import { createSupportService } from '../support';
import { inspectorRoutes } from '../inspector';
import { trackingRoutes } from '../api/routes/tracking';
import { surveyRoutes } from '../api/routes/surveys';
import { seedDemo } from '../demo/seed';
import { reportHref } from '../inspector/report-page';

export interface RunningTouchpoint {
  apiUrl: string;
  temporalAddress: string;
  stop(): Promise<void>;
}

const say = (line: string) => process.stdout.write(`${line}\n`);

const SDK_LOG_LEVEL = { debug: 'DEBUG', info: 'WARN', warn: 'WARN', error: 'ERROR' } as const;

/** The SDK logs worker life-cycle at INFO; keep the console for what a person needs unless LOG_LEVEL=debug. */
function quietSdkLogs(level: Config['LOG_LEVEL']): void {
  try {
    Runtime.install({ logger: new DefaultLogger(SDK_LOG_LEVEL[level]) });
  } catch {
    // Already installed (a second start in the same process, e.g. tests): keep the first.
  }
}

/** Start everything; resolves once the API listens. Throws with a readable message on bad setup. */
export async function startTouchpoint(config: Config): Promise<RunningTouchpoint> {
  quietSdkLogs(config.LOG_LEVEL);
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((error: Error) => say(`touchpoint: while stopping: ${error.message}`));
  };
  try {
    await mkdir(config.dataDir, { recursive: true });
    const loaded = await loadJourneys({ paths: [config.journeysDir], templatesDir: config.templatesDir });
    if (loaded.problems.length > 0) {
      throw new Error(
        `${loaded.problems.length} problem(s) in the journeys; fix them (touchpoint validate shows the same list):\n` +
          loaded.problems.map(formatProblem).join('\n'),
      );
    }

    const store = await openStore({ databaseUrl: config.DATABASE_URL, dataDir: config.dataDir });
    stops.push(() => store.close());
    stops.push(startRollupCompaction(store, say));
    for (const template of loaded.templates) await store.saveTemplateVersion(template);

    let devServer: DevServer | null = null;
    if (!config.TEMPORAL_ADDRESS) {
      devServer = await startDevServer({
        cliPath: temporalCliPath(config.TEMPORAL_CLI_PATH),
        dataDir: config.dataDir,
        port: config.TEMPORAL_DEV_PORT,
        uiPort: config.TEMPORAL_UI_PORT,
        namespace: config.TEMPORAL_NAMESPACE,
      });
      const server = devServer;
      stops.push(() => server.stop());
      // Runs wait (and the API answers 503) until a Temporal server is back: say why, once.
      void server.unexpectedExit.then((why) => say(`touchpoint: ${why}\nRuns are paused until Touchpoint is restarted (npm start); the API keeps logging events (202 "pending") and routes them in order then.`));
    }
    const temporalAddress = config.TEMPORAL_ADDRESS ?? devServer!.address;
    const temporal = await connectTemporal(config, temporalAddress);
    stops.push(() => temporal.close());
    if (config.TEMPORAL_ADDRESS) await registerSearchAttributes(temporal.connection, config.TEMPORAL_NAMESPACE);

    let localSmtp: LocalSmtp | null = null;
    let smtpUrl = config.SMTP_URL;
    if (!smtpUrl) {
      localSmtp = await startLocalSmtp({
        port: config.LOCAL_SMTP_PORT,
        mailDir: `${config.dataDir}/mail`,
        onMail: (mail) => say(`✉  email to ${mail.to.join(', ')}: "${mail.subject}" — kept in ${relative(process.cwd(), `${config.dataDir}/mail/${mail.file}`)}`),
      });
      const smtp = localSmtp;
      stops.push(() => smtp.stop());
      smtpUrl = localSmtp.url;
    }
    const transport = createSmtpTransport(smtpUrl);
    stops.push(async () => transport.close());

    const { policy, links, secretFile } = await createDecisionDeps(config);
    const { publicUrl, secret } = links;
    const sms = createSmsDeps(config, publicUrl);
    const vapid = await resolveVapid(config, config.dataDir);
    const activities = createActivities({
      store,
      email: { transport, from: config.EMAIL_FROM },
      sms,
      push: { vapid: { publicKey: vapid.publicKey, privateKey: vapid.privateKey, subject: vapid.subject }, allowedTargets: targetPolicies(config).push },
    webhookTargets: targetPolicies(config).webhooks,
      policy,
      links,
      defaultTimezone: config.DEFAULT_TIMEZONE,
    });
    const worker = await createWorker({
      connection: temporal.native,
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      activities,
      maxCachedWorkflows: config.TEMPORAL_MAX_CACHED_WORKFLOWS,
    });
    const workerRun = worker.run();
    stops.push(async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await workerRun;
    });

    const router = createRouter({ client: temporal.client, store, journeys: loaded.journeys, taskQueue: config.TEMPORAL_TASK_QUEUE });
    // A Temporal health check that gives up after 2 s (the SDK alone retries for ~19 s).
    const temporalHealth = () => withTemporalDeadline(temporal.connection, 2_000, () => temporal.connection.healthService.check({}));
    // Events logged while Temporal is unreachable: answered 202 and routed in order once it is back.
    const backlog = createRoutingBacklog({ store, router, probe: temporalHealth, log: say });
    await backlog.start();
    stops.push(() => backlog.stop());
    const apiKeys = await resolveApiKeys(config.TOUCHPOINT_API_KEYS, config.dataDir);
    const ingestEvent = (event: Parameters<typeof ingest>[1]) => ingest({ store, router, backlog }, event);
    const support = createSupportService({
      store,
      client: temporal.client,
      namespace: config.TEMPORAL_NAMESPACE,
      temporalUiUrl: config.TEMPORAL_UI_URL ?? devServer?.uiUrl ?? null,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      journeys: loaded.journeys,
      temporalAddress,
      defaultTimezone: config.DEFAULT_TIMEZONE,
    });
    const privacy = createPrivacyService({
      store,
      client: temporal.client,
      namespace: config.TEMPORAL_NAMESPACE,
      exitRun: (workflowId, input) => support.exitRun(workflowId, input),
      now: () => new Date(),
    });
    const plugins = [
      supportRoutes({ service: support, keys: apiKeys.parsed }),
      privacyRoutes({ service: privacy, keys: apiKeys.parsed }),
      inspectorRoutes({ service: support, keys: apiKeys.parsed, secret, sessions: store.inspectorSessions, secureCookies: publicUrl.startsWith('https:'), journeys: loaded.journeys }),
      unsubscribeRoutes({ store, secret }),
      trackingRoutes({ store, secret, ingest: ingestEvent }),
      surveyRoutes({ store, secret, ingest: ingestEvent }),
      pushRoutes({ store, apiKeys: apiKeys.parsed, vapidPublicKey: vapid.publicKey, publicUrl, secret, ingest: ingestEvent, allowedTargets: targetPolicies(config).push }),
      ...(sms && config.TWILIO_AUTH_TOKEN ? [twilioWebhooks({ store, authToken: config.TWILIO_AUTH_TOKEN, publicUrl, ingest: ingestEvent })] : []),
    ];
    const app = createApiServer({
      store,
      router,
      backlog,
      defaultTimezone: config.DEFAULT_TIMEZONE,
      plugins,
      apiKeys: apiKeys.parsed,
      ...(config.TOUCHPOINT_IDENTITY_SECRET ? { identitySecret: config.TOUCHPOINT_IDENTITY_SECRET } : {}),
      // Unset: analytics.js is pointed back at the address it fetched its settings from.
      ...(config.PUBLIC_URL ? { publicUrl: config.PUBLIC_URL } : {}),
      health: async () => {
        const result: Record<string, string> = {};
        result.temporal = await temporalHealth()
          .then(() => 'ok')
          .catch((error: Error) => `down: ${error.message}`);
        result.database = await store
          .ping()
          .then(() => 'ok')
          .catch((error: Error) => `down: ${error.message}`);
        return result;
      },
    });
    if (localSmtp) registerDevMailRoutes(app, localSmtp, apiKeys.parsed);
    await app.listen({ port: config.PORT, host: config.HOST });
    stops.push(() => app.close());
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.PORT;
    const apiUrl = `http://${config.HOST}:${port}`;

    // Demo data (`touchpoint start --demo`, TOUCHPOINT_DEMO=1): made-up customers for the reports; a second start adds none.
    const demo = config.TOUCHPOINT_DEMO ? await seedDemo(store, { now: new Date(), journeys: loaded.journeys }) : null;
    const demoJourney = loaded.journeys.find((s) => s.journey.id === 'post-purchase') ?? loaded.journeys[0];
    const demoLine = demo && `  Demo data    ${demo.customers} demo customers (demo-0001…, ${demo.added} added now); report: ${apiUrl}${demoJourney ? reportHref(demoJourney.journey.id) : '/inspector/journeys'}`;

    say('Touchpoint is running.');
    say(`  API          ${apiUrl}  (OpenAPI: ${apiUrl}/openapi.json)`);
    say(`  Inspector    ${apiUrl}/inspector  (sign in with a support or admin key)`);
    say(`  Temporal     ${temporalAddress}${devServer?.uiUrl ? `  (Web UI: ${devServer.uiUrl})` : ''}`);
    say(`  Database     ${store.kind === 'postgres' ? 'PostgreSQL (DATABASE_URL)' : `PGlite in ${relative(process.cwd(), config.dataDir) || '.'}/pglite`}`);
    say(`  Email        ${localSmtp ? `local catch-all ${localSmtp.url}; emails kept in ${relative(process.cwd(), localSmtp.mailDir)} and listed at ${apiUrl}/dev/mail` : 'SMTP_URL'}`);
    say(`  SMS          ${sms ? `Twilio (${sms.messagingServiceSid ? 'Messaging Service' : sms.from}); webhooks at ${publicUrl}/webhooks/twilio/{status,inbound}` : 'not configured (set TWILIO_* to enable)'}`);
    say(`  Push         VAPID ${vapid.source}${vapid.file ? ` (${relative(process.cwd(), vapid.file)})` : ''}; client script ${apiUrl}/push/touchpoint-push.js`);
    say(`  Policy       quiet hours ${policy.quietHours ? `${policy.quietHours.start}-${policy.quietHours.end}` : 'none'}; caps ${Object.entries(policy.frequencyCaps).map(([c, cap]) => `${c} ${cap!.max}/${Math.round(cap!.windowMs / 3_600_000)}h`).join(', ') || 'none'}`);
    say(`  Links        ${publicUrl} (unsubscribe links signed with ${secretFile ? relative(process.cwd(), secretFile) : 'TOUCHPOINT_SECRET'})`);
    say(`  Journeys     ${loaded.journeys.map((s) => `${s.journey.id} (v${s.version})`).join(', ')}`);
    if (demoLine) say(demoLine);
    if (apiKeys.generatedFile) say(`  API key      ${apiKeys.keys[0]}  (kept in ${relative(process.cwd(), apiKeys.generatedFile)})`);
    say('Press Ctrl-C to stop.');
    return { apiUrl, temporalAddress, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** CLI entry: start, then stop cleanly on SIGINT / SIGTERM. `demo`: `--demo`, as TOUCHPOINT_DEMO=1. */
export async function main(options: { demo?: boolean } = {}): Promise<void> {
  let running: RunningTouchpoint;
  try {
    const config = loadConfig();
    running = await startTouchpoint(options.demo ? { ...config, TOUCHPOINT_DEMO: true } : config);
  } catch (error) {
    process.stderr.write(`touchpoint: ${(error as Error).message}\n`);
    process.exit(1);
  }
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(`\n${signal}: stopping Touchpoint…`);
    running.stop().then(
      () => process.exit(0),
      (error: Error) => {
        process.stderr.write(`touchpoint: ${error.message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}
