// The machine a benchmark ran on, recorded with every result: cores, memory, Node, Temporal
// CLI / server / test server and SDK versions, the database, and the load before the run.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { benchTemporalCli, REPO_ROOT } from './paths';

export interface MachineInfo {
  cores: number;
  cpuModel: string;
  memoryMB: number;
  os: string;
  node: string;
  /** Pinned versions (scripts/temporal-pins.json) and what `temporal --version` printed. */
  temporal: { cliPin: string; testServerPin: string; cliVersion: string; sdk: string };
  /** "PGlite" (embedded) or "PostgreSQL (BENCH_DATABASE_URL)". */
  database: string;
  /** 1-minute load average when the run began: the machine is shared, so a busy start explains noisy figures. */
  loadAverage1m: number;
}

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

function pinVersion(pins: unknown, key: 'cli' | 'testServer'): string {
  if (typeof pins !== 'object' || pins === null || !(key in pins)) return 'unknown';
  const entry: unknown = (pins as Record<string, unknown>)[key];
  return typeof entry === 'object' && entry !== null && 'version' in entry && typeof entry.version === 'string' ? entry.version : 'unknown';
}

function temporalVersion(): string {
  try {
    return execFileSync(benchTemporalCli(), ['--version'], { encoding: 'utf8', timeout: 10_000 }).trim();
  } catch (error) {
    return `unavailable (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`;
  }
}

/** The database the benchmark stacks use. */
export function benchDatabaseName(): string {
  return process.env.BENCH_DATABASE_URL ? 'PostgreSQL (BENCH_DATABASE_URL)' : 'PGlite';
}

export function describeMachine(): MachineInfo {
  const pins = readJson(join(REPO_ROOT, 'scripts', 'temporal-pins.json'));
  const sdk = readJson(join(REPO_ROOT, 'node_modules', '@temporalio', 'client', 'package.json'));
  return {
    cores: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryMB: Math.round(totalmem() / 2 ** 20),
    os: `${platform()} ${release()}`,
    node: process.version,
    temporal: {
      cliPin: pinVersion(pins, 'cli'),
      testServerPin: pinVersion(pins, 'testServer'),
      cliVersion: temporalVersion(),
      sdk: typeof sdk === 'object' && sdk !== null && 'version' in sdk && typeof sdk.version === 'string' ? sdk.version : 'unknown',
    },
    database: benchDatabaseName(),
    loadAverage1m: Math.round(loadavg()[0]! * 100) / 100,
  };
}

/** One line for tables and the README: "2 cores, 23.5 GB, Node v20…, temporal 1.9.1 (Server …), SDK 1.24.0, PGlite". */
export function machineLine(m: MachineInfo): string {
  return (
    `${m.cores} cores (${m.cpuModel}), ${(m.memoryMB / 1024).toFixed(1)} GB, ${m.os}, Node ${m.node}, ` +
    `${m.temporal.cliVersion} (pin ${m.temporal.cliPin}, test server ${m.temporal.testServerPin}), @temporalio/* ${m.temporal.sdk}, ` +
    `database ${m.database}, load ${m.loadAverage1m} at start`
  );
}
