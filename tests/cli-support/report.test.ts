// `touchpoint report` against the real API and store (tests/analytics/report-world.ts): the terminal
// tables show the numbers counted by hand in tests/analytics/fixture.ts; --json parses; errors exit 1 or 2.
import { SINCE, UNTIL } from '../analytics/fixture';
import { REPORT_KEYS, startReportWorld, type ReportWorld } from '../analytics/report-world';
import { cliAgainst, type CliResult } from './cli-io';

describe('touchpoint report', () => {
  let world: ReportWorld;
  let cli: (...argv: string[]) => Promise<CliResult>;
  beforeAll(async () => {
    world = await startReportWorld();
    cli = cliAgainst(world.api.url, REPORT_KEYS.support.key);
  });
  afterAll(() => world?.stop());

  test('prints the headline, the funnel per step, exits by reason and the split with lift, interval, p-value and warning', async () => {
    const { code, stdout, stderr } = await cli('report', 'feedback', '--since', SINCE, '--until', UNTIL);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toMatch(/^Journey: +feedback \(all versions\)$/m);
    expect(stdout).toMatch(/^Range: +2026-11-01 00:00:00Z to 2026-11-08 00:00:00Z \(until excluded\)$/m);
    expect(stdout).toMatch(/^Ended: +3 converted, 3 exited, 1 completed$/m);
    expect(stdout).toMatch(/^Conversions: +3 of 8 entered \(37\.5%\)$/m);
    // Steps in journey order: sends with reasons and engagement, other steps with their results.
    const funnel = stdout.split('\n').filter((line) => /^(STEP|thanks|offer|coupon|wait_review|ask_nps|route|crm|done) /.test(line));
    expect(funnel.map((line) => line.split(/ {2,}/))).toEqual([
      ['STEP', 'KIND', 'REACHED', 'SENT', 'DELIVERED', 'OPENED', 'CLICKED', 'SKIPPED / RESULTS'],
      ['thanks', 'send', '7', '4', '4', '2 (+1 proxy)', '1', 'skipped:unsubscribed 2, deferred:quiet_hours 1, failed:provider 1'],
      ['offer', 'split', '7', '—', '—', '—', '—', 'discount 4, control 3'],
      ['coupon', 'send', '4', '3', '1', '0', '1', 'skipped:no_address 1'],
      ['wait_review', 'wait_for', '3', '—', '—', '—', '—', 'event 2, timeout 2'],
      ['ask_nps', 'survey', '14', '13', '13', '0', '0', 'skipped:frequency_cap 1; detractor 1, no_response 1, promoter 1'],
      ['route', 'branch', '2', '—', '—', '—', '—', 'case-1 1, else 1'],
      ['crm', 'webhook', '1', '—', '—', '—', '—', '200 1'],
      ['done', 'exit', '1', '—', '—', '—', '—', 'exit 1'],
    ]);
    expect(stdout).toMatch(/^exit_on order\.refunded +2$/m);
    expect(stdout).toMatch(/^exitRun by desk: customer asked +1$/m);
    // 1/3 vs 1/2: lift +50%, Wald interval 1/6 ± 0.7243, p = 0.659 (tests/analytics/journey-report.test.ts works them out).
    expect(stdout).toMatch(/^control \(control\) +3 +1 +33\.3% +— +— +—$/m);
    expect(stdout).toMatch(/^discount +4 +2 +50\.0% +\+50\.0% +−55\.8 to \+89\.1 pts +0\.659$/m);
    // Under the report: what each number counts.
    expect(stdout).toMatch(/^entered: runs started in the range \(a trigger event handed to a run already in progress is no new entry\)$/m);
    expect(stdout).toMatch(/^reached: runs that reached the step in the range, counted once per run .*still waiting in it \(result waiting\)/m);
    expect(stdout).toMatch(/^Warning: discount vs control: telling 33\.3% from 50\.0% with 80% power at α = 0\.05 needs \d+ runs per group; control has 3 and discount 4 \(fewer than 100/m);
  });

  test('satisfaction per kind with a bar row per score, for one version', async () => {
    const { code, stdout } = await cli('report', 'feedback', '--since', '2026-11-01', '--until', '2026-11-08', '--version', 'v1');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Journey: +feedback \(version v1\)$/m);
    // 10 answers: 5 promoters, 2 passives, 3 detractors → NPS +20; 10 of 12 sent answered.
    expect(stdout).toContain('NPS +20.0: 10 responses of 12 sent (83.3%)');
    // The longest bar is the most frequent score (9: three answers); 10 had two answers → 16 of 24 blocks.
    expect(stdout).toContain(`   9 │${'█'.repeat(24)} 3`);
    expect(stdout).toContain(`  10 │${'█'.repeat(16)} 2`);
    expect(stdout).toContain('   1 │0');
    expect(stdout).toContain('  Comments: 5 — 40% negative, 20% neutral, 40% positive');
    expect(stdout).toContain('  By template: nps-email +83.3 (6), nps-email-b −75.0 (4)');
    expect(stdout).toContain('CSAT 50.0% satisfied: 4 responses of 5 sent (80.0%)');
    expect(stdout).toContain('CES 4.67 of 7: 3 responses of 4 sent (75.0%)');
  });

  test('--json prints the whole report as JSON', async () => {
    const { code, stdout } = await cli('report', 'feedback', '--since', SINCE, '--until', UNTIL, '--bucket', 'week', '--json');
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ journeyId: 'feedback', entered: 8, ended: { converted: 3 } });
    expect(report.overTime).toEqual([
      { bucket: '2026-10-26', entered: 3, converted: 1, sent: 3 },
      { bucket: '2026-11-02', entered: 5, converted: 2, sent: 26 },
    ]);
  });

  test('an unknown journey exits 1 naming the known ones; a bad date or no journey exits 2 with the usage', async () => {
    const missing = await cli('report', 'feedbak');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^touchpoint report: No journey "feedbak"\. Known journeys: feedback\./);
    const badDate = await cli('report', 'feedback', '--since', 'yesterday');
    expect(badDate.code).toBe(2);
    expect(badDate.stderr).toContain('touchpoint report: --since "yesterday" is not a date: write 2026-11-01, 2026-11-01T08:00:00Z or a duration back from now such as 30d');
    expect(badDate.stderr).toContain('Usage: touchpoint report <journey>');
    const none = await cli('report');
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('name the journey');
    const reversed = await cli('report', 'feedback', '--since', '2026-11-08', '--until', '2026-11-01');
    expect(reversed.code).toBe(1);
    expect(reversed.stderr).toContain('must be before until');
  });

  test('an ingest key is refused with the role it needs', async () => {
    const { code, stderr } = await cliAgainst(world.api.url, REPORT_KEYS.ingest.key)('report', 'feedback');
    expect(code).toBe(1);
    expect(stderr).toContain('Support commands need a key with the support or admin role');
  });

  test('help describes the command', async () => {
    const { code, stdout } = await cli('help', 'report');
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: touchpoint report <journey> [--since <date|30d>]');
  });
});
