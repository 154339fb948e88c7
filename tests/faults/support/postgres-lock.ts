// The PostgreSQL restart test restarts the whole server, which every other fault test using it
// would feel. A readers–writer lock across jest's worker processes keeps them apart: files in
// a temp folder, each naming its owner's pid, so a lock left by a killed run is ignored.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isAlive } from '../../../runtime/processes';
import { readPidFile } from './child-process';

const DIR = join(tmpdir(), 'touchpoint-faults-postgres-lock');
const WRITER = join(DIR, 'restart');
const POLL_MS = 250;

export type Release = () => void;

/** Use the server alongside other users; waits while a restart test holds it. */
export async function sharePostgres(timeoutMs = 600_000): Promise<Release> {
  mkdirSync(DIR, { recursive: true });
  const mine = join(DIR, `user-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // Announce first, then look: a restarter that came first is seen here, one that comes later sees us.
    writeFileSync(mine, String(process.pid));
    if (!held(WRITER)) return () => rmSync(mine, { force: true });
    rmSync(mine, { force: true });
    if (Date.now() > deadline) throw new Error(`PostgreSQL stayed locked by the restart test for ${timeoutMs / 1000} s (${WRITER})`);
    await sleep(POLL_MS);
  }
}

/** Have the server to yourself (to restart it): waits until no other fault test uses it. */
export async function holdPostgresExclusively(timeoutMs = 600_000): Promise<Release> {
  mkdirSync(DIR, { recursive: true });
  const deadline = Date.now() + timeoutMs;
  const wait = async (what: string) => {
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs / 1000} s for ${what} (${DIR})`);
    await sleep(POLL_MS);
  };
  for (;;) {
    try {
      writeFileSync(WRITER, String(process.pid), { flag: 'wx' });
      break;
    } catch {
      if (!held(WRITER)) rmSync(WRITER, { force: true });
      else await wait('another restart test');
    }
  }
  const release = () => {
    if (readPidFile(WRITER) === process.pid) rmSync(WRITER, { force: true });
  };
  try {
    while (readdirSync(DIR).some((name) => name.startsWith('user-') && held(join(DIR, name)))) await wait('the other tests using PostgreSQL');
  } catch (error) {
    release();
    throw error;
  }
  return release;
}

/** The file exists and the process it names is alive (a stale file is removed). */
function held(file: string): boolean {
  const pid = readPidFile(file);
  if (pid === null) return false;
  if (isAlive(pid)) return true;
  rmSync(file, { force: true });
  return false;
}
