// TEMPORAL_MAX_CACHED_WORKFLOWS: parsed from the environment with errors that say how to fix it,
// and taken by the worker npm start creates (createWorker), against a real dev server.
import { DefaultLogger, NativeConnection, Runtime, bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { loadConfig } from '../../config/env';
import { createWorker } from '../../worker';
import { createTestStore, type TestStore } from '../support/db';
import { startTestTemporal, type TestTemporal } from '../support/temporal';

describe('TEMPORAL_MAX_CACHED_WORKFLOWS', () => {
  const parse = (value: string | undefined) => loadConfig({ TEMPORAL_MAX_CACHED_WORKFLOWS: value }).TEMPORAL_MAX_CACHED_WORKFLOWS;

  test('unset or empty is 100 runs; a whole number is taken, 0 turns the cache off', () => {
    expect(parse(undefined)).toBe(100);
    expect(parse('')).toBe(100);
    expect(parse(' 50 ')).toBe(50);
    expect(parse('0')).toBe(0);
    expect(parse('2')).toBe(2);
  });

  test('1, negatives, fractions and words are refused with the variable and a correct example', () => {
    expect(() => parse('1')).toThrow('TEMPORAL_MAX_CACHED_WORKFLOWS: must be 0 (no sticky cache) or at least 2 (got "1")');
    expect(() => parse('-5')).toThrow(/TEMPORAL_MAX_CACHED_WORKFLOWS: must be 0 \(no sticky cache\) or at least 2/);
    expect(() => parse('2.5')).toThrow('TEMPORAL_MAX_CACHED_WORKFLOWS: write a whole number of runs, e.g. TEMPORAL_MAX_CACHED_WORKFLOWS=100 (got "2.5")');
    expect(() => parse('lots')).toThrow('TEMPORAL_MAX_CACHED_WORKFLOWS: write a whole number of runs, e.g. TEMPORAL_MAX_CACHED_WORKFLOWS=100 (got "lots")');
  });
});

describe('the worker npm start creates', () => {
  let temporal: TestTemporal;
  let native: NativeConnection;
  let db: TestStore;
  let bundle: WorkflowBundleWithSourceMap;

  beforeAll(async () => {
    try {
      Runtime.install({ logger: new DefaultLogger('WARN') });
    } catch {
      // Installed by an earlier test file in this jest worker.
    }
    [temporal, db, bundle] = await Promise.all([
      startTestTemporal(),
      createTestStore('pglite'),
      bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: new DefaultLogger('ERROR') }),
    ]);
    native = await NativeConnection.connect({ address: temporal.server.address });
  }, 120_000);

  afterAll(async () => {
    await native?.close();
    await db?.dispose();
    await temporal?.stop();
  });

  /** The sticky cache size of a worker created with `maxCachedWorkflows`, after a clean run and stop. */
  async function cacheOf(maxCachedWorkflows: number | undefined): Promise<number> {
    const worker = await createWorker({
      connection: native,
      namespace: temporal.namespace,
      taskQueue: `sticky-cache-${maxCachedWorkflows ?? 'default'}`,
      workflowBundle: bundle,
      activities: createActivities({ store: db.store, email: null, defaultTimezone: 'UTC' }),
      ...(maxCachedWorkflows === undefined ? {} : { maxCachedWorkflows }),
    });
    const running = worker.run();
    worker.shutdown();
    await running;
    return worker.options.maxCachedWorkflows;
  }

  test('keeps 100 runs cached unless told otherwise (not the SDK default, which follows the heap limit)', async () => {
    expect(await cacheOf(undefined)).toBe(100);
  }, 60_000);

  test('takes the configured size, 0 included', async () => {
    expect(await cacheOf(loadConfig({ TEMPORAL_MAX_CACHED_WORKFLOWS: '50' }).TEMPORAL_MAX_CACHED_WORKFLOWS)).toBe(50);
    expect(await cacheOf(0)).toBe(0);
  }, 60_000);
});
