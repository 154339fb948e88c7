// The minute-by-minute compaction npm start runs: it compacts on its interval, says once when it
// starts failing and once when it recovers, and stop() waits for a compaction under way.
import { setTimeout as sleep } from 'node:timers/promises';
import { startRollupCompaction } from '../../store/rollup-compaction';

test('compacts on its interval, reports a failure once and the recovery once, stops cleanly', async () => {
  const said: string[] = [];
  const outcomes: ('ok' | 'fail')[] = ['ok', 'fail', 'fail', 'fail', 'ok', 'ok'];
  let calls = 0;
  let inFlight = false;
  const store = {
    async compactReportRollups() {
      inFlight = true;
      await sleep(5);
      inFlight = false;
      const outcome = outcomes[calls++] ?? 'ok';
      if (outcome === 'fail') throw new Error('connection refused');
      return 3;
    },
  };
  const stop = startRollupCompaction(store, (line) => said.push(line), 15);
  while (calls < outcomes.length) await sleep(5);
  await stop();
  expect(inFlight).toBe(false);
  const after = calls;
  await sleep(60);
  expect(calls).toBe(after); // stopped
  expect(said).toEqual([
    'touchpoint: compacting the report rollups failed (reports stay correct, only slower; retrying every 0.015 s): connection refused',
    'touchpoint: report rollups are compacted again.',
  ]);
});
