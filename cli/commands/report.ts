// `touchpoint report <journey>`: a journey's funnel, exits, conversions, A/B splits and satisfaction
// over a date range, read through the support API (GET /v1/reports/journeys/<id>).
import { parseArgs } from 'node:util';
import { parseReportDate } from '../../analytics/range';
import { TouchpointApiError } from '../../client';
import { reportLines } from '../format/report';
import { clientFromEnv, describeError } from '../format/support-api';
import { commandUsage } from '../usage';
import { EXIT, type CliIo } from '../io';

const OPTIONS = {
  since: { type: 'string' },
  until: { type: 'string' },
  version: { type: 'string' },
  bucket: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function reportCommand(args: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: OPTIONS });
  } catch (error) {
    return usageError(io, error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(commandUsage('report'));
    return EXIT.ok;
  }
  const [journeyId, ...extra] = positionals;
  if (journeyId === undefined) return usageError(io, 'name the journey: touchpoint report <journey> (its id: in the YAML file)');
  if (extra.length > 0) return usageError(io, `one journey at a time (got ${positionals.join(', ')})`);
  for (const flag of ['since', 'until'] as const) {
    const value = values[flag];
    if (value !== undefined && parseReportDate(value, new Date()) === null) {
      return usageError(io, `--${flag} "${value}" is not a date: write 2026-11-01, 2026-11-01T08:00:00Z or a duration back from now such as 30d`);
    }
  }
  if (values.bucket !== undefined && values.bucket !== 'day' && values.bucket !== 'week') return usageError(io, `--bucket "${values.bucket}" must be day or week`);

  const connection = clientFromEnv(io);
  if ('error' in connection) {
    io.err(`touchpoint report: ${connection.error}`);
    return EXIT.problems;
  }
  try {
    const report = await connection.client.journeyReport(journeyId, {
      ...(values.since !== undefined ? { since: values.since } : {}),
      ...(values.until !== undefined ? { until: values.until } : {}),
      ...(values.version !== undefined ? { version: values.version } : {}),
      ...(values.bucket === 'day' || values.bucket === 'week' ? { bucket: values.bucket } : {}),
    });
    if (values.json) io.out(JSON.stringify(report, null, 2));
    else for (const line of reportLines(report)) io.out(line);
    return EXIT.ok;
  } catch (error) {
    // A 404 names the journeys the server knows: pass its message on.
    const notFound = error instanceof TouchpointApiError ? error.message : `no journey "${journeyId}"`;
    io.err(describeError(error, { command: 'touchpoint report', notFound }));
    return EXIT.problems;
  }
}

function usageError(io: CliIo, message: string): number {
  io.err(`touchpoint report: ${message}`);
  io.err(commandUsage('report'));
  return EXIT.usage;
}
