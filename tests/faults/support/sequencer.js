// The fault suite's order, to keep both jest workers busy: the PostgreSQL restart first (it needs
// the server to itself, see postgres-lock.ts) beside the tests that do not use PostgreSQL, then
// the long tests that do, longest first. Files not listed run last.
const Sequencer = require('@jest/test-sequencer').default;

const ORDER = [
  'postgres-restart',
  'dsl-fuzz',
  'api-fuzz',
  'event-order',
  'smtp-down',
  'worker-sigkill-load',
  'smtp-twilio-outage',
  'temporal-restart',
  'worker-killed',
];

class FaultSuiteSequencer extends Sequencer {
  sort(tests) {
    const rank = (test) => {
      const found = ORDER.findIndex((name) => test.path.endsWith(`/${name}.test.ts`));
      return found === -1 ? ORDER.length : found;
    };
    return [...tests].sort((a, b) => rank(a) - rank(b));
  }
}

module.exports = FaultSuiteSequencer;
