// `touchpoint start` takes `--demo` and nothing else: a wrong option is refused before anything starts.
import { cliAgainst } from '../cli-support/cli-io';
import { EnvSchema } from '../../config/env';

describe('touchpoint start --demo', () => {
  const cli = cliAgainst('http://127.0.0.1:9', null);

  it('refuses an unknown option or a value for --demo with the usage, exit 2', async () => {
    for (const args of [['--bogus'], ['--demo=3'], ['now']]) {
      const result = await cli('start', ...args);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('Usage: touchpoint start [--demo]');
      expect(result.stderr).toContain('--demo (or TOUCHPOINT_DEMO=1) seeds made-up demo customers');
    }
  });

  it('reads TOUCHPOINT_DEMO as a yes/no flag', () => {
    expect(EnvSchema.parse({ TOUCHPOINT_DEMO: '1' }).TOUCHPOINT_DEMO).toBe(true);
    expect(EnvSchema.parse({}).TOUCHPOINT_DEMO).toBe(false);
    expect(EnvSchema.safeParse({ TOUCHPOINT_DEMO: 'maybe' }).success).toBe(false);
  });
});
