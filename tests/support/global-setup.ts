// Runs once before the suite: the Temporal binaries must be there, or every test that
// needs them fails loudly with how to install them (never a silent skip).
import { temporalCliPath, temporalTestServerPath } from '../../temporal/binaries';

export default async function globalSetup(): Promise<void> {
  temporalCliPath(process.env.TEMPORAL_CLI_PATH);
  temporalTestServerPath(process.env.TEMPORAL_TEST_SERVER_PATH);
}
