// Folds the report rollup changes into the rollups every minute, so a journey nobody reports on
// for weeks does not leave millions of changes for its first report to fold. Any number of
// processes may run it: a compaction already under way elsewhere is skipped (advisory lock).
import type { Store } from './types';

/** @default every 60 s */
export const ROLLUP_COMPACTION_EVERY_MS = 60_000;

/** Start compacting every `everyMs`; the returned function stops it and waits for a compaction in progress. */
export function startRollupCompaction(store: Pick<Store, 'compactReportRollups'>, say: (line: string) => void, everyMs = ROLLUP_COMPACTION_EVERY_MS): () => Promise<void> {
  let running: Promise<unknown> = Promise.resolve();
  let failing = false;
  const timer = setInterval(() => {
    running = running.then(() =>
      store.compactReportRollups().then(
        () => {
          if (failing) say('touchpoint: report rollups are compacted again.');
          failing = false;
        },
        (error: unknown) => {
          // Reports stay right (they read the pending changes too); say it once, not every minute.
          if (!failing) say(`touchpoint: compacting the report rollups failed (reports stay correct, only slower; retrying every ${everyMs / 1000} s): ${error instanceof Error ? error.message : String(error)}`);
          failing = true;
        },
      ),
    );
  }, everyMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
