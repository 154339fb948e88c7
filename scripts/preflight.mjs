#!/usr/bin/env node
// Runs before `npm test` (npm's pretest): checks what the suite needs from the machine and, when
// something is missing, fails at once naming each thing and how to install it, instead of letting
// the suite fail test by test minutes later.
import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const problems = [];

// Node: what package.json's engines says (juice 12 and cookie 2, under Fastify, need 22.12+).
const wanted = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).engines.node;
const [minMajor, minMinor] = /(\d+)\.(\d+)/.exec(wanted).slice(1).map(Number);
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < minMajor || (major === minMajor && minor < minMinor)) {
  problems.push(
    `Node.js ${process.versions.node} is too old: Touchpoint needs ${wanted} (Node 22 and 24 are supported; 20 reached end of life in April 2026).\n` +
      `  Install Node 22 or 24, or take one from the npm registry for this shell:\n` +
      `  export PATH="$(bash scripts/node-from-npm.sh 24)":$PATH   # then npm test again`,
  );
}

// Chromium: the inspector's and analytics.js's browser tests drive it through playwright-core.
const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
if (!existsSync(chromium)) {
  problems.push(
    `Chromium is missing at ${chromium}: the browser tests drive it through playwright-core (which downloads no browser).\n` +
      `  Debian/Ubuntu: apt-get install chromium   (or set CHROMIUM_PATH to a Chromium or Chrome binary)`,
  );
}

// PostgreSQL: store, API and fault tests create databases on this server.
const pgUrl = new URL(process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres');
const pgHost = pgUrl.hostname || '127.0.0.1';
const pgPort = Number(pgUrl.port || 5432);
const reachable = await new Promise((resolve) => {
  const socket = connect({ host: pgHost, port: pgPort });
  const done = (ok) => {
    socket.destroy();
    resolve(ok);
  };
  socket.setTimeout(3000, () => done(false));
  socket.once('connect', () => done(true));
  socket.once('error', () => done(false));
});
if (!reachable) {
  problems.push(
    `PostgreSQL does not answer at ${pgHost}:${pgPort}: the tests create their databases there (trust auth, user postgres).\n` +
      `  Debian/Ubuntu: apt-get install postgresql, then pg_ctlcluster <version> main start; or set TEST_DATABASE_URL`,
  );
}

if (problems.length > 0) {
  console.error(`npm test cannot run on this machine yet (${problems.length} thing${problems.length > 1 ? 's' : ''} to install):\n`);
  for (const problem of problems) console.error(`- ${problem}\n`);
  process.exit(1);
}
