// What each number of a journey report counts, in one place: the CLI prints it under the report,
// the inspector's report page shows it under the funnel, the OpenAPI document describes the
// fields with it, and the README says the same.

/** Headline numbers: name → what it counts. */
export const HEADLINE_COLUMNS = {
  entered: 'runs started in the range (a trigger event handed to a run already in progress is no new entry)',
  ended: 'runs that ended in the range, by status: converted (the goal), exited (exit_on, an exit step, exitRun), completed',
  conversions: 'runs converted in the range over runs entered in the range',
} as const;

/** Funnel columns, one row per step: name → what it counts. */
export const FUNNEL_COLUMNS = {
  reached:
    'runs that reached the step in the range, counted once per run (a goto loop does not count twice): those that finished it, ' +
    'those still waiting in it (result waiting) and those that ended there before finishing it (result interrupted: exit_on, goal, exitRun); ' +
    'send and survey steps: messages decided (a quiet-hours deferral counts once, by its final decision) plus runs that ended while deferred',
  sent: 'send and survey steps: messages the provider accepted',
  delivered: 'sends confirmed delivered: SMS by the carrier, email and push when the server accepted them',
  opened: 'emails opened by a person at least once (opens only by a privacy proxy are apart, as +N proxy)',
  clicked: 'messages with at least one tracked click',
  failed: 'messages the provider refused for good',
  skipped: 'every other decision by reason code (skipped:unsubscribed, deferred:quiet_hours, …) → messages',
  results:
    'other steps: runs by how they left the step (branch case, wait_for event or timeout, split variant, webhook status, ' +
    'survey category or no_response), plus waiting (still in it) and interrupted (the run ended there)',
} as const;

/** "name: what it counts" lines, headline first. */
export function columnLegend(): string[] {
  return [...Object.entries(HEADLINE_COLUMNS), ...Object.entries(FUNNEL_COLUMNS)].map(([name, what]) => `${name}: ${what}`);
}
