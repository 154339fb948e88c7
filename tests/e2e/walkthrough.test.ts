// The README walkthrough, end to end on real parts: dev server, worker, API, PGlite and an
// SMTP server. One track call sends the welcome email; the same call again sends nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig } from '../../config/env';
import { startTouchpoint, type RunningTouchpoint } from '../../runtime/start';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';
import { freePort } from '../support/ports';

const root = resolve(__dirname, '../..');
const apiKey = 'test-key-walkthrough-0123456789abcdef';

describe('the README walkthrough', () => {
  let sink: SmtpSink;
  let dataDir: string;
  let running: RunningTouchpoint;

  const track = (body: unknown) =>
    fetch(`${running.apiUrl}/v1/track`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    sink = await startSmtpSink();
    dataDir = mkdtempSync(join(tmpdir(), 'touchpoint-e2e-'));
    const config = loadConfig(
      {
        PATH: process.env.PATH,
        TOUCHPOINT_DATA_DIR: dataDir,
        PORT: '0',
        TEMPORAL_DEV_PORT: String(await freePort()),
        TEMPORAL_UI_PORT: String(await freePort()),
        SMTP_URL: sink.url,
        TOUCHPOINT_API_KEYS: apiKey,
      },
      root,
    );
    running = await startTouchpoint(config);
  }, 120_000);

  afterAll(async () => {
    await running?.stop();
    await sink?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('sends the welcome email for user.signed_up, and nothing more when the same call is repeated', async () => {
    const event = {
      userId: 'walkthrough-ada',
      event: 'user.signed_up',
      messageId: 'signup-ada-1',
      traits: { email: 'ada@example.com', first_name: 'Ada' },
    };
    const first = await track(event);
    expect(first.status).toBe(200);
    const firstBody = (await first.json()) as { runs: unknown[] };
    expect(firstBody).toMatchObject({ duplicate: false, runs: [{ journeyId: 'onboarding', action: 'started', workflowId: 'journey/onboarding/walkthrough-ada' }] });

    const [welcome] = await sink.waitFor(1);
    expect(welcome!.to).toMatchObject({ value: [{ address: 'ada@example.com' }] });
    expect(welcome!.subject).toContain('Ada');
    expect(welcome!.html).toContain('Ada');
    expect(welcome!.text).toContain('Ada');

    const again = await track(event);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ duplicate: true, runs: firstBody.runs });
    await new Promise((r) => setTimeout(r, 2_000));
    expect(sink.messages).toHaveLength(1);
  });

  it('reports Temporal and the database as healthy', async () => {
    const response = await fetch(`${running.apiUrl}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ temporal: 'ok', database: 'ok' });
  });
});
