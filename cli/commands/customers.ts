// `touchpoint customers show <id|email|phone>`: one customer's profile, consent (when, why, by
// whom), suppressions, push subscriptions and journey runs, read through the support API.
import { parseArgs } from 'node:util';
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
    parsed = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  } catch (error) {
    return usageError(io, error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(commandUsage('customers'));
    return EXIT.ok;
  }
  const [sub, query, ...extra] = positionals;
  if (sub !== 'show') return usageError(io, sub === undefined ? 'say what to do: touchpoint customers show <id|email|phone>' : `unknown subcommand "${sub}"; use: touchpoint customers show <id|email|phone>`);
  if (query === undefined || query.trim() === '') return usageError(io, 'name the customer: touchpoint customers show <id|email|phone>');
  if (extra.length > 0) return usageError(io, `one customer at a time (got ${[query, ...extra].join(', ')})`);

  const connection = clientFromEnv(io);
  if ('error' in connection) {
    io.err(`touchpoint customers show: ${connection.error}`);
    return EXIT.problems;
  }
  let view: CustomerView;
  let runs: RunPage;
  try {
    view = await connection.client.findCustomer(query);
    runs = await connection.client.listRuns({ customerId: view.contact.customerId });
  } catch (error) {
    io.err(
      describeError(error, {
        command: 'touchpoint customers show',
        notFound: `no customer matches "${query}" (searched customer id, email and phone). Check the spelling; phones are in E.164 form, e.g. +393331234567.`,
      }),
    );
    return EXIT.problems;
  }
  if (values.json) {
    io.out(JSON.stringify({ customer: view, runs }, null, 2));
    return EXIT.ok;
  }
  for (const line of customerLines(view, runs)) io.out(line);
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
