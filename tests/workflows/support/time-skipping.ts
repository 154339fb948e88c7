// A time-skipping Temporal test server for one test file, with Touchpoint's search attributes
// registered: the test server rejects unregistered custom attributes (at start and on upsert).
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporalTestServerPath } from '../../../temporal/binaries';
import { SEARCH_ATTRIBUTES } from '../../../workflows/search-attributes';

/** Start the pinned time-skipping server; call `env.teardown()` in afterAll. */
export async function startTimeSkipping(): Promise<TestWorkflowEnvironment> {
  const path = temporalTestServerPath(process.env.TEMPORAL_TEST_SERVER_PATH);
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path } } });
  try {
    // The test server implements AddSearchAttributes (not ListSearchAttributes): add them all, once.
    const searchAttributes = Object.fromEntries(SEARCH_ATTRIBUTES.map((key) => [key.name, encodeSearchAttributeIndexedValueType(key.type) ?? 0]));
    await env.connection.operatorService.addSearchAttributes({ namespace: env.namespace ?? 'default', searchAttributes });
    return env;
  } catch (error) {
    await env.teardown();
    throw error;
  }
}
