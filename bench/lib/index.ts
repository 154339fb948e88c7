// The benchmark harness, for scenario authors. A scenario is bench/scenarios/<name>.ts exporting
// `export const scenario: Scenario = { name, title, async run(ctx) { …; return { metrics, notes, details, database } } }`
// with `name` equal to the file name; the runner finds it (no registry to edit) and runs it in SCENARIO_ORDER.
//
//   ctx.quick / ctx.pick(full, quick)   --quick: shorten everything (smoke only)
//   ctx.progress.start(label, total, unit) / update(done, status) / tick() / done()   bar on stderr
//   ctx.log(line)                        a line on stderr
//
//   startBenchStack({ journeys?, env?, templatesDir?, noSmtpSink? }) → BenchStack
//     the embedded engine in this process (startTouchpoint: dev server, PGlite or a fresh
//     database on BENCH_DATABASE_URL, API on a free port, SMTP sink with arrival times):
//     .api.post(path, body) (admin key) · .apiUrl/.apiKey · .client (Temporal Client) ·
//     .temporalAddress · .smtp (tests/support/smtp-sink) · .arrivals (recipient → performance.now()[]) ·
//     .emailArrival(address, nth?, timeoutMs?) → arrival time ·
//     .database · .withDatabase(db => …) (stops the engine first on PGlite) · .stop() · .dispose() (always, in finally)
//   benchJourney({ id, trigger, steps, reentry?, extra? }) → { 'id.yaml': text } for `journeys`
//   startBareTemporal({ address, smtpUrl?, workerOptions? }) → { client, taskQueue, worker, stop }
//     a bare worker of bench/workflows (bareNoop, bareFirstEmail, bareCommands) on the same server
//   sustain({ label, seconds, concurrency, progress, call }) → { units, rate, errors, … }   closed-loop load
//   timed({ label, count, progress, call }) → latencies (ms) · until(check, timeoutMs, message)
//   summarize(samples) → { p50, p90, p99, max, mean } · percentile(samples, p)
//
// A Metric is { name, unit, engine, baseline, targets?: [{ on: 'engine' | 'ratio', op: '<=' | '>=' | '=', value }], note? };
// the runner computes ratio = engine / baseline and ✓/✗, prints the table, writes
// bench/results/<name>-<timestamp>.json and latest.json, and (full runs) bench/README.md.
export type { Metric, Scenario, ScenarioContext, ScenarioOutcome, Target } from './types';
export type { Progress } from './progress';
export { startBenchStack, type BenchStack, type BenchStackOptions, type Arrivals } from './stack';
export { startBareTemporal, type BareTemporal, type BareTemporalOptions } from './bare';
export { benchJourney, type BenchJourneySpec } from './journeys';
export { createApiClient, type ApiClient, type ApiResponse } from './http';
export { sustain, timed, until, type SustainOptions, type SustainResult } from './load';
export { mean, percentile, summarize, formatNumber } from './stats';
export { benchDatabaseName } from './machine';
export { REPO_ROOT, RESULTS_DIR, benchTemporalCli } from './paths';
