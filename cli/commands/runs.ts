// `touchpoint runs list|show|exit`: journey runs from live Temporal state and the message log,
// read and acted on through the support API (so the CLI needs only a URL and a support key).
import { parseArgs } from 'node:util';
import { RUN_LIST_STATUSES } from '../../client';
import type { RunListStatus } from '../../support/types';
import { contentTable, runHeader, runsTable, sendsTable, timelineTable } from '../format/runs';
import { shellCommand } from '../format/shell';
import { heading } from '../format/table';
import { clientFromEnv, describeError } from '../format/support-api';
import { commandUsage } from '../usage';
import { EXIT, type CliIo } from '../io';

const OPTIONS = {
  customer: { type: 'string' },
  journey: { type: 'string' },
  status: { type: 'string' },
  limit: { type: 'string' },
  'page-token': { type: 'string' },
  reason: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ args: string[]; allowPositionals: true; options: typeof OPTIONS }>>['values'];

export async function runsCommand(args: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: OPTIONS });
  } catch (error) {
    return usageError(io, error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(commandUsage('runs'));
    return EXIT.ok;
  }
  const [sub, ...rest] = positionals;
  switch (sub) {
    case 'list':
      return rest.length > 0 ? usageError(io, `runs list takes options, not "${rest.join(' ')}"`) : list(values, io);
    case 'show':
    case 'exit': {
      const [workflowId, ...extra] = rest;
      if (workflowId === undefined) return usageError(io, `name the run: touchpoint runs ${sub} <workflowId> (ids look like journey/<journey>/<customer>[/<entry key>]; find them with touchpoint runs list)`);
      if (extra.length > 0) return usageError(io, `one run at a time (got ${rest.join(', ')})`);
      if (sub === 'show') return show(workflowId, values, io);
      const reason = values.reason?.trim();
      if (!reason) return usageError(io, `say why with --reason "…": it goes to the audit log, e.g. touchpoint runs exit ${shellCommand([workflowId])} --reason "customer asked by phone"`);
      return exit(workflowId, reason, values, io);
    }
    default:
      return usageError(io, sub === undefined ? 'say what to do: list, show or exit' : `unknown subcommand "${sub}"; use list, show or exit`);
  }
}

async function list(values: Values, io: CliIo): Promise<number> {
  let status: RunListStatus | undefined;
  if (values.status !== undefined) {
    status = RUN_LIST_STATUSES.find((s) => s === values.status);
    if (status === undefined) return usageError(io, `--status "${values.status}" is not a run status; use one of ${RUN_LIST_STATUSES.join(', ')}`);
  }
  let pageSize: number | undefined;
  if (values.limit !== undefined) {
    pageSize = Number(values.limit);
    if (!Number.isInteger(pageSize) || pageSize < 1) return usageError(io, `--limit "${values.limit}" must be a whole number of runs, 1 or more`);
  }
  const connection = clientFromEnv(io);
  if ('error' in connection) return configError(io, 'list', connection.error);
  const filter = { customerId: values.customer, journeyId: values.journey, status, pageSize, pageToken: values['page-token'] };
  try {
    const page = await connection.client.listRuns(filter);
    if (values.json) {
      io.out(JSON.stringify(page, null, 2));
      return EXIT.ok;
    }
    const described = [values.customer && `customer ${values.customer}`, values.journey && `journey ${values.journey}`, status && `status ${status}`].filter(Boolean).join(', ');
    if (page.runs.length === 0) io.out(`No runs${described ? ` for ${described}` : ''}.`);
    else for (const line of runsTable(page.runs)) io.out(line);
    if (page.nextPageToken) {
      const next = ['touchpoint', 'runs', 'list'];
      for (const [flag, value] of [['--customer', values.customer], ['--journey', values.journey], ['--status', status], ['--limit', values.limit]] as const) if (value !== undefined) next.push(flag, value);
      next.push('--page-token', page.nextPageToken);
      io.out('');
      io.out(`Next page: ${shellCommand(next)}`);
    }
    return EXIT.ok;
  } catch (error) {
    const target = values.customer ? `customer "${values.customer}"` : values.journey ? `journey "${values.journey}"` : 'these filters';
    io.err(describeError(error, { command: 'touchpoint runs list', notFound: `nothing found for ${target}; check the id with touchpoint customers show <id|email|phone>.` }));
    return EXIT.problems;
  }
}

async function show(workflowId: string, values: Values, io: CliIo): Promise<number> {
  const connection = clientFromEnv(io);
  if ('error' in connection) return configError(io, 'show', connection.error);
  try {
    const run = await connection.client.getRun(workflowId);
    if (values.json) {
      io.out(JSON.stringify(run, null, 2));
      return EXIT.ok;
    }
    const lines = [...runHeader(run), ...heading('Timeline'), ...timelineTable(run), ...heading('Sends'), ...sendsTable(run.messages), ...heading('Messages'), ...contentTable(run.messages)];
    for (const line of lines) io.out(line);
    return EXIT.ok;
  } catch (error) {
    io.err(describeError(error, { command: 'touchpoint runs show', notFound: notFound(workflowId) }));
    return EXIT.problems;
  }
}

async function exit(workflowId: string, reason: string, values: Values, io: CliIo): Promise<number> {
  const connection = clientFromEnv(io);
  if ('error' in connection) return configError(io, 'exit', connection.error);
  try {
    const run = await connection.client.exitRun(workflowId, reason);
    if (values.json) {
      io.out(JSON.stringify(run, null, 2));
      return EXIT.ok;
    }
    io.out(`Run ${run.workflowId} is now ${run.status}${run.currentStep ? ` (at step ${run.currentStep})` : ''}. Reason recorded in the audit log: ${reason}`);
    return EXIT.ok;
  } catch (error) {
    io.err(describeError(error, { command: 'touchpoint runs exit', notFound: notFound(workflowId) }));
    return EXIT.problems;
  }
}

function notFound(workflowId: string): string {
  const customer = /^journey\/[^/]+\/([^/]+)/.exec(workflowId)?.[1];
  const hint = customer ? `touchpoint runs list --customer ${shellCommand([customer])}` : 'touchpoint runs list --customer <id>';
  return `no run "${workflowId}". Run ids look like journey/<journey>/<customer>[/<entry key>]; list a customer's runs with: ${hint}`;
}

function configError(io: CliIo, sub: string, message: string): number {
  io.err(`touchpoint runs ${sub}: ${message}`);
  return EXIT.problems;
}

function usageError(io: CliIo, message: string): number {
  io.err(`touchpoint runs: ${message}`);
  io.err(commandUsage('runs'));
  return EXIT.usage;
}
