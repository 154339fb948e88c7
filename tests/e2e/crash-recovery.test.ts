// `npm start` killed with kill -9 mid-journey, then started again: the waiting run goes on and
// sends its next email exactly once; SIGTERM then stops Touchpoint and its dev server cleanly.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { runStateQuery } from '../../workflows/definitions';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';
import { freePort } from '../support/ports';
import { isAlive as alive } from '../../runtime/processes';

const root = resolve(__dirname, '../..');
const cli = join(root, 'dist/cli/main.js');
const apiKey = 'test-key-crash-recovery-0123456789';

function startProcess(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, [cli, 'start'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  return new Promise((resolveStart, reject) => {
    const timer = setTimeout(() => reject(new Error(`touchpoint did not start within 60 s:\n${output}`)), 60_000);
    const check = () => {
      if (output.includes('Touchpoint is running.')) {
        clearTimeout(timer);
        resolveStart({ child, output: () => output });
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`touchpoint exited with ${code} before it was running:\n${output}`));
    });
  });
}


/** Poll the run's state query until it sleeps in `step` (the kill must land mid-wait, not mid-send). */
async function waitUntilAsleepIn(address: string, workflowId: string, step: string): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    const handle = new Client({ connection }).workflow.getHandle(workflowId);
    for (let i = 0; i < 100; i++) {
      const state = await handle.query(runStateQuery).catch(() => null);
      if (state?.currentStep === step && state.nextWakeUp !== null) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`run ${workflowId} never slept in step ${step}`);
  } finally {
    await connection.close();
  }
}

describe('crash recovery of npm start', () => {
  let sink: SmtpSink;
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let apiPort: number;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` (npm test does it first).`);
    sink = await startSmtpSink();
    dataDir = mkdtempSync(join(tmpdir(), 'touchpoint-crash-'));
    apiPort = await freePort();
    const { DATABASE_URL: _unused, ...rest } = process.env;
    env = {
      ...rest,
      TOUCHPOINT_DATA_DIR: dataDir,
      PORT: String(apiPort),
      TEMPORAL_DEV_PORT: String(await freePort()),
      TEMPORAL_UI_PORT: String(await freePort()),
      SMTP_URL: sink.url,
      TOUCHPOINT_API_KEYS: apiKey,
      JOURNEYS_DIR: join(root, 'tests/fixtures/crash/journeys'),
      TEMPLATES_DIR: join(root, 'tests/fixtures/crash/templates'),
    };
  });

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    const pidFile = join(dataDir, 'temporal.pid');
    if (existsSync(pidFile)) {
      const pid = Number(readFileSync(pidFile, 'utf8').trim());
      if (pid > 0 && alive(pid)) process.kill(pid, 'SIGKILL');
    }
    await sink.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('loses no run when killed with SIGKILL mid-journey, and sends the next email once', async () => {
    const first = await startProcess(env);
    children.push(first.child);
    const response = await fetch(`http://127.0.0.1:${apiPort}/v1/track`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ userId: 'crash-1', event: 'crash.test', messageId: 'crash-msg-1', traits: { email: 'grace@example.com', first_name: 'Grace' } }),
    });
    expect(response.status).toBe(200);
    await sink.waitFor(1);
    expect(sink.messages[0]!.subject).toBe('First email for Grace');
    await waitUntilAsleepIn(`127.0.0.1:${env.TEMPORAL_DEV_PORT}`, 'journey/two-step/crash-1', 'pause');

    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));

    const second = await startProcess(env);
    children.push(second.child);
    await sink.waitFor(2, 60_000);
    // Give a duplicate every chance to show up before counting.
    await new Promise((r) => setTimeout(r, 3_000));
    expect(sink.messages.map((m) => m.subject)).toEqual(['First email for Grace', 'Second email for Grace']);

    const devServerPid = Number(readFileSync(join(dataDir, 'temporal.pid'), 'utf8').trim());
    expect(alive(devServerPid)).toBe(true);
    second.child.kill('SIGTERM');
    const code = await new Promise((r) => second.child.once('exit', r));
    expect(code).toBe(0);
    expect(alive(devServerPid)).toBe(false);
  }, 180_000);
});
