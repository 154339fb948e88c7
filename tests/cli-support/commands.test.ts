// `touchpoint customers` and `touchpoint runs` in-process against a contract-shaped local API:
// tables and --json, next-page hints, not-found ids, a wrong role, and command-line mistakes.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../cli/main';
import { cliAgainst } from './cli-io';
import { customer, detail, INGEST_KEY, startFakeSupportApi, SUPPORT_KEY, WORKFLOW_ID, type FakeApi } from './fake-support-api';

let api: FakeApi;
let cli: ReturnType<typeof cliAgainst>;
beforeAll(async () => {
  api = await startFakeSupportApi();
  cli = cliAgainst(api.url, SUPPORT_KEY);
});
afterAll(() => api.close());

describe('touchpoint customers show', () => {
  test('prints the profile, consent with when and why, suppressions, push subscriptions and runs', async () => {
    const { code, stdout, stderr } = await cli('customers', 'show', 'ada@example.com');
    expect([code, stderr]).toEqual([0, '']);
    expect(stdout).toMatch(/^Customer:\s+cus_1$/m);
    expect(stdout).toMatch(/^plan\s+pro$/m);
    expect(stdout).toMatch(/^email\s+unsubscribed\s+2025-01-04 09:00:00Z\s+unsubscribe_link\s+—\s+clicked unsubscribe$/m);
    expect(stdout).toMatch(/^sms\s+no record \(default\)/m);
    expect(stdout).toMatch(/^sms\s+\+393331234567\s+sms_stop\s+2025-01-05 09:00:00Z\s+replied STOP$/m);
    expect(stdout).toContain('https://push.example.com/sub/abc');
    expect(stdout).toMatch(new RegExp(`^${WORKFLOW_ID}\\s+post-purchase\\s+01234567\\s+order-42\\s+running\\s+wait_review\\s+2025-01-06 12:00:00Z\\s+2025-01-13 12:00:00Z$`, 'm'));
  });

  test('--json prints the customer view and the first page of runs', async () => {
    const { code, stdout } = await cli('customers', 'show', 'cus_1', '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ customer, runs: { runs: [expect.objectContaining({ workflowId: WORKFLOW_ID })], nextPageToken: null } });
  });

  test('an unknown customer exits 1 naming what was searched', async () => {
    const { code, stdout, stderr } = await cli('customers', 'show', 'nobody@example.com');
    expect([code, stdout]).toEqual([1, '']);
    expect(stderr).toBe('touchpoint customers show: no customer matches "nobody@example.com" (searched customer id, email and phone). Check the spelling; phones are in E.164 form, e.g. +393331234567.');
  });

  test('a missing customer argument is a usage error', async () => {
    const { code, stderr } = await cli('customers', 'show');
    expect(code).toBe(2);
    expect(stderr).toContain('name the customer');
  });
});

describe('touchpoint runs list', () => {
  test('prints a table of runs and the command for the next page, keeping the filters', async () => {
    const { code, stdout } = await cli('runs', 'list', '--journey', 'post-purchase', '--limit', '1');
    expect(code).toBe(0);
    const [header] = stdout.split('\n');
    expect(header).toMatch(/^WORKFLOW ID\s+JOURNEY\s+VERSION\s+ENTRY KEY\s+STATUS\s+STEP\s+STARTED\s+NEXT WAKE-UP$/);
    expect(stdout).toContain(WORKFLOW_ID);
    expect(stdout).toMatch(/^Next page: touchpoint runs list --journey post-purchase --limit 1 --page-token 'page two'$/m);
    expect(api.requests.at(-1)?.url).toBe('/v1/runs?journey=post-purchase&pageSize=1');
  });

  test('--json prints the page as the API returned it', async () => {
    const { code, stdout } = await cli('runs', 'list', '--customer', 'cus_1', '--status', 'running', '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ runs: [expect.objectContaining({ workflowId: WORKFLOW_ID, status: 'running' })], nextPageToken: null });
  });

  test('a customer without runs says so', async () => {
    const { code, stdout } = await cli('runs', 'list', '--customer', 'cus_2');
    expect([code, stdout]).toEqual([0, 'No runs for customer cus_2.']);
  });

  test('an unknown status or a bad limit is a usage error listing what is allowed', async () => {
    const status = await cli('runs', 'list', '--status', 'sleeping');
    expect(status.code).toBe(2);
    expect(status.stderr).toContain('--status "sleeping" is not a run status; use one of running, completed, exited');
    expect((await cli('runs', 'list', '--limit', '0')).code).toBe(2);
  });
});

describe('touchpoint runs show', () => {
  test('prints the header, the timeline, the sends with reasons and the message content', async () => {
    const { code, stdout } = await cli('runs', 'show', WORKFLOW_ID);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Journey:\s+post-purchase \(version 01234567\)$/m);
    expect(stdout).toMatch(/^Next wake-up:\s+2025-01-13 12:00:00Z$/m);
    expect(stdout).toMatch(/^Events:\s+2 received, 1 duplicate ignored$/m);
    expect(stdout).toContain(`Temporal UI:   ${detail.temporalUiUrl}`);
    expect(stdout).toMatch(/^thanks\s+2025-01-06 12:00:00Z\s+2025-01-06 12:00:01Z\s+skipped:unsubscribed$/m);
    expect(stdout).toMatch(/^thanks\s+email\s+thanks\s+skipped:unsubscribed\s+—\s+—/m);
    expect(stdout).toMatch(/^sms_thanks\s+sms\s+sms-thanks\s+sent\s+SM123\s+delivered/m);
    expect(stdout).toMatch(/^sms_thanks\s+sms\s+\+15550001111\s+text: Thanks for order 42!$/m);
  });

  test('--json prints the run detail', async () => {
    const { code, stdout } = await cli('runs', 'show', WORKFLOW_ID, '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual(detail);
  });

  test('an unknown run exits 1, names it and suggests listing the customer runs', async () => {
    const { code, stderr } = await cli('runs', 'show', 'journey/welcome/cus_9');
    expect(code).toBe(1);
    expect(stderr).toContain('no run "journey/welcome/cus_9"');
    expect(stderr).toContain('touchpoint runs list --customer cus_9');
  });
});

describe('touchpoint runs exit', () => {
  test('exits the run with the reason and prints its new status', async () => {
    const { code, stdout } = await cli('runs', 'exit', WORKFLOW_ID, '--reason', 'customer asked by phone');
    expect(code).toBe(0);
    expect(stdout).toBe(`Run ${WORKFLOW_ID} is now exited (at step wait_review). Reason recorded in the audit log: customer asked by phone`);
    expect(api.requests.at(-1)?.body).toEqual({ reason: 'customer asked by phone' });
  });

  test('--json prints the run summary', async () => {
    const { code, stdout } = await cli('runs', 'exit', WORKFLOW_ID, '--reason', 'asked', '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ workflowId: WORKFLOW_ID, status: 'exited' });
  });

  test('without --reason it is a usage error and nothing is sent', async () => {
    const before = api.requests.length;
    const { code, stderr } = await cli('runs', 'exit', WORKFLOW_ID);
    expect(code).toBe(2);
    expect(stderr).toContain('say why with --reason');
    expect(api.requests.length).toBe(before);
  });

  test('an unknown run exits 1 naming it', async () => {
    const { code, stderr } = await cli('runs', 'exit', 'journey/welcome/cus_9', '--reason', 'x');
    expect(code).toBe(1);
    expect(stderr).toContain('no run "journey/welcome/cus_9"');
  });
});

describe('keys and roles', () => {
  test('an ingest key gets a clear 403 message asking for a support key', async () => {
    const { code, stderr } = await cliAgainst(api.url, INGEST_KEY)('runs', 'list');
    expect(code).toBe(1);
    expect(stderr).toMatch(/^touchpoint runs list: this API key may not do that \(.*\)\. Support commands need a key with the support or admin role: set TOUCHPOINT_API_KEY to one\.$/);
  });

  test('without TOUCHPOINT_API_KEY the key generated under the data folder is used', async () => {
    const out: string[] = [];
    const dataDir = mkdtempSync(join(tmpdir(), 'tp-cli-key-'));
    writeFileSync(join(dataDir, 'api-key'), `${SUPPORT_KEY}\n`);
    const code = await run(['customers', 'show', 'cus_1', '--json'], { out: (l) => out.push(l), err: () => {}, cwd: dataDir, env: { TOUCHPOINT_URL: api.url, TOUCHPOINT_DATA_DIR: dataDir } });
    expect(code).toBe(0);
    expect(api.requests.at(-1)?.authorization).toBe(`Bearer ${SUPPORT_KEY}`);
  });

  test('with no key at all the command says which variable to set', async () => {
    const { code, stderr } = await cliAgainst(api.url, null)('runs', 'show', WORKFLOW_ID);
    expect(code).toBe(1);
    expect(stderr).toContain('no API key: set TOUCHPOINT_API_KEY');
  });
});

test('help lists the support commands', async () => {
  const { code, stdout } = await cli('help', 'runs');
  expect(code).toBe(0);
  expect(stdout).toContain('touchpoint runs exit <workflowId> --reason');
});
