// Records the histories the replay test replays: `RECORD_HISTORIES=1 npx jest tests/workflows/record-histories`
// runs every path of support/history-paths.ts on the time-skipping server and writes tests/histories/.
// Without RECORD_HISTORIES it checks that every path has its recorded files.
import { existsSync, mkdirSync, readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JourneySnapshot } from '../../dsl/schema';
import { startHarness, type Harness } from './support/harness';
import { fetchRunChain, historyFileText } from './support/history-files';
import { HISTORIES_DIR, HISTORY_PATHS, historyFileName, loadSampleJourneys } from './support/history-paths';

const label = (p: { journeyId: string; path: string }) => `${p.journeyId} ${p.path}`;

if (process.env.RECORD_HISTORIES === '1') {
  let h: Harness;
  let journeys: Map<string, JourneySnapshot>;
  beforeAll(async () => {
    journeys = await loadSampleJourneys();
    h = await startHarness();
    mkdirSync(HISTORIES_DIR, { recursive: true });
  });
  afterAll(async () => {
    await h?.stop();
  });

  test.each(HISTORY_PATHS.map((p) => [label(p), p] as const))('records the %s path', async (_label, p) => {
    const snapshot = journeys.get(p.journeyId);
    if (snapshot === undefined) throw new Error(`journeys/ has no journey "${p.journeyId}"; update tests/workflows/support/history-paths.ts`);
    if (p.traits) h.activities.setTraits(p.customerId, p.traits);
    if (p.deferFirstSend) {
      h.activities.decideSends(p.customerId, (request, attempt, scheduledAt) =>
        attempt === 1
          ? { reason: 'deferred:quiet_hours', channel: request.channel, retryAt: new Date(scheduledAt + 8 * 3_600_000).toISOString() }
          : undefined,
      );
    }
    const options = { customerId: p.customerId, trigger: p.trigger, ...(p.entryKey ? { entryKey: p.entryKey } : {}), ...(p.limits ? { limits: p.limits } : {}), ...(p.revision ? { revision: p.revision } : {}), ...(p.backlog ? { backlog: p.backlog } : {}) };
    const { handle } = await h.start(snapshot, options);
    await p.drive?.(h, handle);
    const result = await handle.result();
    expect(result.status).toBe(p.expectStatus);
    const done = result.stepsDone.map((s) => s.stepId);
    expect(done.filter((id) => p.expectSteps.includes(id))).toEqual(p.expectSteps);
    if (p.deferFirstSend) expect(result.sends[0]?.reason).toBe('deferred:quiet_hours');

    const histories = (await fetchRunChain(h.env.client, handle.workflowId, handle.firstExecutionRunId)).map(historyFileText);
    if (p.limits) expect(histories.length).toBeGreaterThan(1);
    const stale = readdirSync(HISTORIES_DIR).filter((f) => f.startsWith(`${p.journeyId}--${p.path}.`) || f.startsWith(`${p.journeyId}--${p.path}--run-`));
    for (const file of stale) unlinkSync(join(HISTORIES_DIR, file));
    histories.forEach((text, i) => writeFileSync(join(HISTORIES_DIR, historyFileName(p, i + 1, histories.length)), text));
  });
} else {
  test('every recorded journey path has its history file (record them with RECORD_HISTORIES=1)', () => {
    const missing = HISTORY_PATHS.filter((p) => !existsSync(join(HISTORIES_DIR, historyFileName(p, 1, 1))) && !existsSync(join(HISTORIES_DIR, historyFileName(p, 1, 2))));
    expect(missing.map(label)).toEqual([]);
  });
}
