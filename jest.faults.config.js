// The fault and load suite (`npm run test:faults`): tests/faults/ on the real stack, breaking
// one part at a time. Same transforms as the main suite (jest.config.js), longer timeouts.
const base = require('./jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testMatch: ['<rootDir>/tests/faults/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 300_000,
};
