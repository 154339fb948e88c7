// `touchpoint customers show <id|email|phone>`: one customer's profile, consent (when, why, by
// whom), suppressions, push subscriptions and journey runs, read through the support API; `export`
// and `erase` for the customer's data rights (GDPR art. 15/20 and 17).
import { rename, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { TouchpointClient } from '../../client/touchpoint-client';
import { ChannelSchema } from '../../dsl/schema';
import type { CustomerView, RunPage } from '../../support/types';
import { fields, heading, NONE, table, time, truncate } from '../format/table';
import { runsTable } from '../format/runs';
import { shellCommand } from '../format/shell';
import { clientFromEnv, describeError } from '../format/support-api';
import { commandUsage } from '../usage';
import { EXIT, type CliIo } from '../io';

export async function customersCommand(args: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { json: { type: 'boolean' }, out: { type: 'string' }, reason: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    return usageError(io, error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(commandUsage('customers'));
    return EXIT.ok;
  }
  const [sub, query, ...extra] = positionals;
  if (sub !== 'show' && sub !== 'export' && sub !== 'erase') {
    return usageError(io, sub === undefined ? 'say what to do: touchpoint customers show|export|erase <id>' : `unknown subcommand "${sub}"; use show, export or erase`);
  }
  const what = sub === 'show' ? '<id|email|phone>' : '<customer id>';
  if (query === undefined || query.trim() === '') return usageError(io, `name the customer: touchpoint customers ${sub} ${what}`);
  if (extra.length > 0) return usageError(io, `one customer at a time (got ${[query, ...extra].join(', ')})`);
  if (sub === 'erase' && (values.reason === undefined || values.reason.trim() === '')) {
    return usageError(io, 'erasure cannot be undone: say why with --reason "<request or ticket>" (it goes to the audit log)');
  }
  if (sub !== 'export' && values.out !== undefined) return usageError(io, '--out is for export only');

  const connection = clientFromEnv(io);
  if ('error' in connection) {
    io.err(`touchpoint customers ${sub}: ${connection.error}`);
    return EXIT.problems;
  }
  const { client } = connection;
  try {
    if (sub === 'export') return await exportCustomer(io, client, query, values.out);
    if (sub === 'erase') return await eraseCustomer(io, client, query, values.reason ?? '', values.json === true);
    const view = await client.findCustomer(query);
    const runs = await client.listRuns({ customerId: view.contact.customerId });
    if (values.json) {
      io.out(JSON.stringify({ customer: view, runs }, null, 2));
      return EXIT.ok;
    }
    for (const line of customerLines(view, runs)) io.out(line);
    return EXIT.ok;
  } catch (error) {
    io.err(
      describeError(error, {
        command: `touchpoint customers ${sub}`,
        notFound:
          sub === 'show'
            ? `no customer matches "${query}" (searched customer id, email and phone). Check the spelling; phones are in E.164 form, e.g. +393331234567.`
            : `nothing is stored about customer id "${query}". Export and erase take the exact customer id; find it with touchpoint customers show <email|phone>.`,
      }),
    );
    return EXIT.problems;
  }
}

/** The export as JSON: to --out (written whole or not at all), else to standard output. */
async function exportCustomer(io: CliIo, client: TouchpointClient, customerId: string, out: string | undefined): Promise<number> {
  const data = await client.exportCustomer(customerId);
  const json = `${JSON.stringify(data, null, 2)}\n`;
  if (out === undefined) {
    io.out(json.trimEnd());
    return EXIT.ok;
  }
  const partial = `${out}.partial`;
  await writeFile(partial, json, { mode: 0o600 });
  await rename(partial, out);
  const rows = Object.values(data.tables).reduce((sum, table) => sum + table.length, 0);
  io.out(`Wrote ${rows} rows from ${Object.keys(data.tables).length} tables and ${data.executions.length} workflow executions about ${customerId} to ${out}.`);
  return EXIT.ok;
}

async function eraseCustomer(io: CliIo, client: TouchpointClient, customerId: string, reason: string, json: boolean): Promise<number> {
  const result = await client.eraseCustomer(customerId, reason);
  if (json) {
    io.out(JSON.stringify(result, null, 2));
    return EXIT.ok;
  }
  const list = (counts: Record<string, number>) => Object.entries(counts).filter(([, n]) => n > 0).map(([table, n]) => `${table} ${n}`).join(', ') || 'none';
  io.out(`Erased customer ${customerId} at ${time(result.erasedAt)}.`);
  io.out(`  Runs exited: ${result.exitedRuns.length}; workflow executions deleted from Temporal: ${result.deletedExecutions}`);
  io.out(`  Deleted: ${list(result.counts.deleted)}`);
  io.out(`  Anonymised: ${list(result.counts.anonymised)}`);
  io.out(`  Kept: ${list(result.counts.kept)} (consent proof, suppressions; the audit log keeps this erasure)`);
  return EXIT.ok;
}

function customerLines(view: CustomerView, runs: RunPage): string[] {
  const { contact } = view;
  const traits = Object.entries(contact.traits);
  return [
    ...fields([
      ['Customer', contact.customerId],
      ['Email', contact.email],
      ['Phone', contact.phone],
      ['Created', time(contact.createdAt)],
      ['Updated', time(contact.updatedAt)],
    ]),
    ...heading('Traits'),
    ...(traits.length === 0 ? ['(none)'] : table(['trait', 'value'], traits.map(([k, v]) => [k, truncate(typeof v === 'string' ? v : JSON.stringify(v) ?? NONE, 80)]))),
    ...heading('Consent'),
    ...table(
      ['channel', 'status', 'since', 'source', 'by', 'reason'],
      ChannelSchema.options.map((channel) => {
        const c = view.consent[channel];
        return c ? [channel, c.status, time(c.changedAt), c.source, c.by, c.reason] : [channel, 'no record (default)', null, null, null, null];
      }),
    ),
    ...heading('Consent history'),
    ...(view.consentHistory.length === 0
      ? ['(no change recorded)']
      : table(['when', 'channel', 'status', 'source', 'by', 'reason'], view.consentHistory.map((c) => [time(c.changedAt), c.channel, c.status, c.source, c.by, c.reason]))),
    ...heading('Suppressions'),
    ...(view.suppressions.length === 0
      ? ['(none)']
      : table(['channel', 'address', 'reason', 'since', 'detail'], view.suppressions.map((s) => [s.channel, s.address, s.reason, time(s.createdAt), s.detail]))),
    ...heading('Push subscriptions'),
    ...(view.pushSubscriptions.length === 0
      ? ['(none)']
      : table(['endpoint', 'browser', 'since', 'last success'], view.pushSubscriptions.map((p) => [truncate(p.endpoint, 60), p.userAgent ? truncate(p.userAgent, 40) : null, time(p.createdAt), p.lastSuccessAt ? time(p.lastSuccessAt) : null]))),
    ...heading('Runs'),
    ...(runs.runs.length === 0 ? ['(no journey runs)'] : runsTable(runs.runs)),
    ...(runs.nextPageToken ? ['', `More runs: ${shellCommand(['touchpoint', 'runs', 'list', '--customer', contact.customerId, '--page-token', runs.nextPageToken])}`] : []),
  ];
}

function usageError(io: CliIo, message: string): number {
  io.err(`touchpoint customers: ${message}`);
  io.err(commandUsage('customers'));
  return EXIT.usage;
}
