// `touchpoint start` from the TypeScript sources in a child process, as an operator runs it: its
// own dev server and PGlite under a temp data dir, the fixture journey, mail to a test SMTP
// server, Twilio aimed at the emulator. For tests that must see the process survive.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAlive } from '../../../runtime/processes';
import { freePort } from '../../support/ports';
import { startSmtpSink, type SmtpSink } from '../../support/smtp-sink';
import { startTwilioEmulator, type TwilioEmulator } from '../../support/twilio-emulator';
import { readPidFile, ROOT, startChild, type RunningChild } from './child-process';

export const ADMIN_KEY = 'faults-admin-key-0123456789abcdef';

export interface TouchpointProcess {
  /** `http://127.0.0.1:<port>` of its API. */
  url: string;
  /** Its TOUCHPOINT_DATA_DIR (the dev server's pid is in `temporal.pid` there). */
  dataDir: string;
  process: RunningChild;
  mail: SmtpSink;
  twilio: TwilioEmulator;
  /** SIGTERM (as Ctrl-C would), then clean up its data dir and peers. */
  stop(): Promise<void>;
}

export async function startTouchpointProcess(): Promise<TouchpointProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'touchpoint-faults-start-'));
  const mail = await startSmtpSink();
  const twilio = await startTwilioEmulator();
  const port = await freePort();
  const { DATABASE_URL: _postgres, TEMPORAL_ADDRESS: _temporal, ...inherited } = process.env;
  let child: RunningChild | undefined;
  const stop = async () => {
    await child?.kill('SIGTERM');
    // Stopped cleanly, it stops its dev server; killed after the grace period, it leaves it running.
    const devServer = readPidFile(join(dataDir, 'temporal.pid'));
    if (devServer !== null && isAlive(devServer)) process.kill(devServer, 'SIGKILL');
    await mail.close();
    await twilio.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    child = await startChild({
      entry: 'cli/main.ts',
      args: ['start'],
      env: {
        ...inherited,
        TOUCHPOINT_DATA_DIR: dataDir,
        PORT: String(port),
        TEMPORAL_DEV_PORT: String(await freePort()),
        TEMPORAL_UI_PORT: String(await freePort()),
        SMTP_URL: mail.url,
        TOUCHPOINT_API_KEYS: ADMIN_KEY,
        TWILIO_ACCOUNT_SID: twilio.accountSid,
        TWILIO_AUTH_TOKEN: twilio.authToken,
        TWILIO_FROM: '+15005550006',
        TWILIO_API_URL: twilio.url,
        JOURNEYS_DIR: join(ROOT, 'tests/fixtures/crash/journeys'),
        TEMPLATES_DIR: join(ROOT, 'tests/fixtures/crash/templates'),
        LOG_LEVEL: 'warn',
      },
      readyWhen: 'Touchpoint is running.',
      readyTimeoutMs: 120_000,
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `http://127.0.0.1:${port}`, dataDir, process: child, mail, twilio, stop };
}

