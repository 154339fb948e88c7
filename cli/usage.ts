// `touchpoint --help`: one place describing every command, its arguments and the env it reads.

export const COMMANDS = {
  validate: {
    summary: 'Check journeys and their templates; print every problem as file:line:col.',
    usage: 'touchpoint validate [--templates <dir>] [file|dir ...]',
    details: [
      'Arguments are journey files or directories of *.yaml/*.yml files.',
      'Templates are checked against each journey\'s sample: data; each SMS part\'s length in segments is printed.',
      'Default: JOURNEYS_DIR (journeys), templates from TEMPLATES_DIR (templates).',
      'Exit 0 when all journeys are valid, 1 when there are problems.',
    ],
  },
  preview: {
    summary: 'Render a template as a customer gets it: an HTML file for email, the text and its segments for SMS, JSON for push.',
    usage: 'touchpoint preview <template> [--data <file.json>] [--channel email|sms|push] [--locale <tag>] [--out <file>] [--templates <dir>] [--journeys <dir>]',
    details: [
      'Data: a JSON file { "traits": {...}, "event": { "name": "...", "properties": {...} } }; without --data, the sample of the',
      'first journey that sends the template (in --journeys, default JOURNEYS_DIR or ./journeys); without either, a warning on stderr',
      'says every trait and property renders empty. --locale overrides traits.locale to pick a variant (welcome.it.hbs).',
      'Email is written to --out or TOUCHPOINT_DATA_DIR/previews/<template>.<locale>.html; the subject and text part are printed.',
    ],
  },
  schema: {
    summary: 'Print the journey JSON Schema (for editors) to stdout.',
    usage: 'touchpoint schema',
    details: ['Committed as schema/journey.schema.json; regenerate with: npm run schema:write'],
  },
  start: {
    summary: 'Run Touchpoint: API, Temporal worker, email; dev server and local SMTP unless configured.',
    usage: 'touchpoint start [--demo]',
    details: [
      'Configured by environment variables (see README): TEMPORAL_ADDRESS, DATABASE_URL, SMTP_URL, PORT, ...',
      '--demo (or TOUCHPOINT_DEMO=1) seeds made-up demo customers and six weeks of their runs for the inspector\'s reports; a second start adds none.',
    ],
  },
  customers: {
    summary: 'Show a customer (profile, consent, suppressions, push subscriptions, runs); export or erase their data (GDPR).',
    usage: 'touchpoint customers show <id|email|phone> [--json]\n' +
      '       touchpoint customers export <customer id> [--out <file.json>]\n' +
      '       touchpoint customers erase <customer id> --reason "<request or ticket>" [--json]',
    details: [
      'Reads the Touchpoint API at TOUCHPOINT_URL (default http://127.0.0.1:3000) with TOUCHPOINT_API_KEY, a support or admin key',
      '(default: the key `touchpoint start` generated in TOUCHPOINT_DATA_DIR/api-key). --json prints { customer, runs } for scripts.',
      'export prints (or writes to --out) everything stored about the customer as JSON, table by table, with their Temporal runs.',
      'erase needs an admin key and cannot be undone: running runs are exited and their histories deleted; profile, push',
      'subscriptions deleted; events, messages, survey comments, steps and webhook calls anonymised; consent history,',
      'suppressions and the audit log kept.',
      'Exit 0 done, 1 not found or the API refused, 2 wrong command line.',
    ],
  },
  runs: {
    summary: 'List journey runs, show one (timeline, sends, messages), or exit one with a reason for the audit log.',
    usage: 'touchpoint runs list [--customer <id>] [--journey <id>] [--status <status>] [--limit <n>] [--page-token <t>] [--json]\n' +
      '       touchpoint runs show <workflowId> [--json]\n' +
      '       touchpoint runs exit <workflowId> --reason "<why>" [--json]',
    details: [
      'Run ids look like journey/<journey>/<customer>[/<entry key>]. Statuses: running, completed, exited, converted, failed,',
      'terminated, timed_out, cancelled. A long list prints the command for the next page.',
      'Same API and key as customers (TOUCHPOINT_URL, TOUCHPOINT_API_KEY). Exit 0 ok, 1 not found or the API refused, 2 wrong command line.',
    ],
  },
  report: {
    summary: 'A journey report: funnel per step, exits by reason, conversions, A/B splits with significance, satisfaction (NPS, CSAT, CES).',
    usage: 'touchpoint report <journey> [--since <date|30d>] [--until <date|duration>] [--version <hash>] [--bucket day|week] [--json]',
    details: [
      'The range is [since, until): dates are UTC (2026-11-01, 2026-11-01T08:00:00Z) or durations back from now (30d, 12h).',
      'Default: the last 30 days, every journey version. --json prints the whole report (with the time series by --bucket).',
      'Same API and key as customers (TOUCHPOINT_URL, TOUCHPOINT_API_KEY). Exit 0 ok, 1 unknown journey or the API refused, 2 wrong command line.',
    ],
  },
  help: {
    summary: 'Show this help, or the help of one command.',
    usage: 'touchpoint help [command]',
    details: [],
  },
} as const;

export type CommandName = keyof typeof COMMANDS;

export function isCommand(name: string): name is CommandName {
  return Object.hasOwn(COMMANDS, name);
}

export function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return [
    'Touchpoint: lifecycle journeys as code, durable on Temporal.',
    '',
    'Usage: touchpoint <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    ...Object.values(COMMANDS).flatMap((c) => [`${c.usage}`, ...c.details.map((d) => `    ${d}`)]),
    '',
    'Options: -h, --help  show help',
  ].join('\n');
}

export function commandUsage(name: CommandName): string {
  const c = COMMANDS[name];
  return [`Usage: ${c.usage}`, '', c.summary, ...c.details.map((d) => `  ${d}`)].join('\n');
}
