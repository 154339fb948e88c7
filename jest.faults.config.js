// The fault and load suite (`npm run test:faults`): tests/faults/ on the real stack, breaking one
// part at a time (worker, Temporal, PostgreSQL, SMTP, Twilio, bad input). Same transforms and
// set-up as the main suite (jest.config.js), which leaves these files out.
const base = require('./jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testMatch: ['<rootDir>/tests/faults/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  testSequencer: '<rootDir>/tests/faults/support/sequencer.js',
  testTimeout: 300_000,
};
