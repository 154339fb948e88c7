// Replays every recorded history in tests/histories/ with today's workflow code: a change that
// would make running journeys nondeterministic fails here, before it reaches a worker.
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { journeyWorkflowId } from '../../core/ids';
import { readHistoryFile } from './support/history-files';
import { HISTORIES_DIR, HISTORY_PATHS } from './support/history-paths';

const files = readdirSync(HISTORIES_DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();

let bundle: WorkflowBundleWithSourceMap;
beforeAll(async () => {
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } } });
  } catch {
    // Installed already by an earlier test file in this jest worker.
  }
  bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: new DefaultLogger('ERROR') });
});

test('there are recorded histories to replay', () => {
  expect(files.length).toBeGreaterThan(0);
});

/**
 * The workflow id a file was recorded under: runs read it (survey steps match answers by a
 * message key that starts with it), so replay must use the same one.
 */
function recordedWorkflowId(file: string): string {
  const name = basename(file, '.json');
  const path = HISTORY_PATHS.find((p) => name === `${p.journeyId}--${p.path}` || name.startsWith(`${p.journeyId}--${p.path}--run-`));
  return path === undefined ? name : journeyWorkflowId(path.journeyId, path.customerId, path.entryKey);
}

test.each(files)('%s replays without nondeterminism', async (file) => {
  const history = readHistoryFile(join(HISTORIES_DIR, file));
  await Worker.runReplayHistory({ workflowBundle: bundle, replayName: basename(file, '.json') }, history, recordedWorkflowId(file));
});
