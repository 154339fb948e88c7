// Numbers in conditions (a quoted number under a numeric operator is refused, saying to drop the
// quotes) and entry.max_event_age (a duration or false, event triggers only), located file:line:col.
import { parseJourneySource } from '../../dsl/load';
import { formatProblem } from '../../dsl/problems';
import { HEAD } from './support/workspace';

const problems = (source: string) => parseJourneySource(source, 'demo.yaml').problems.map(formatProblem);
const lines = (...rows: string[]) => rows.join('\n') + '\n';
const branchOn = (when: string) => HEAD + lines('  - id: check', '    branch:', '      cases:', `        - when: ${when}`, '          steps: []');
const withEntry = (trigger: string, entry: string) => lines('id: demo', 'name: Demo', `trigger: ${trigger}`, `entry: ${entry}`, 'steps:', '  - { id: a, wait: 1d }');

describe('numbers in conditions', () => {
  test.each(['gte', 'gt', 'lt', 'lte'])('a quoted number with %s is an error that says to drop the quotes', (op) => {
    expect(problems(branchOn(`{ field: traits.lifetime_value, op: ${op}, value: "500" }`))).toEqual([
      expect.stringMatching(new RegExp(`^demo\\.yaml:9:\\d+: steps\\[0\\]\\.branch\\.cases\\[0\\]\\.when\\.value: op ${op} compares numbers, but value "500" is quoted text: drop the quotes \\(value: 500\\)$`)),
    ]);
  });

  test('in a trigger where, with decimals, the exact place is named', () => {
    const source = lines('id: demo', 'name: Demo', 'trigger:', '  event: order.completed', "  where: { field: event.properties.total, op: gte, value: '650.00' }", 'steps:', '  - { id: a, wait: 1d }');
    expect(problems(source)).toEqual([
      'demo.yaml:5:59: trigger.where.value: op gte compares numbers, but value "650.00" is quoted text: drop the quotes (value: 650.00)',
    ]);
  });

  test('a word or a boolean under a numeric operator is an error; numbers and ISO dates are fine; eq keeps quoted text', () => {
    expect(problems(branchOn('{ field: traits.plan, op: gt, value: pro }'))).toEqual([
      'demo.yaml:9:54: steps[0].branch.cases[0].when.value: op gt compares a number or an ISO 8601 date (e.g. 500 or "2025-01-31"), not "pro"; use op eq or ne to compare other values',
    ]);
    expect(problems(branchOn('{ field: traits.vip, op: lt, value: true }'))).toHaveLength(1);
    expect(problems(branchOn('{ field: traits.lifetime_value, op: gte, value: 500 }'))).toEqual([]);
    expect(problems(branchOn('{ field: traits.lifetime_value, op: lt, value: -12.5 }'))).toEqual([]);
    expect(problems(branchOn('{ field: traits.created_at, op: lt, value: "2025-01-31" }'))).toEqual([]);
    expect(problems(branchOn('{ field: traits.zip, op: eq, value: "00500" }'))).toEqual([]);
  });
});

describe('entry.max_event_age', () => {
  test('takes a duration or false', () => {
    expect(problems(withEntry('{ event: cart.updated }', '{ max_event_age: 4h }'))).toEqual([]);
    expect(problems(withEntry('{ event: cart.updated }', '{ max_event_age: false }'))).toEqual([]);
    expect(problems(withEntry('{ event: cart.updated }', '{ max_event_age: 4 hours }'))).toEqual([
      expect.stringMatching(/^demo\.yaml:4:25: entry\.max_event_age: "4 hours": write a duration like 30m, 2h, 3d/),
    ]);
    expect(problems(withEntry('{ event: cart.updated }', '{ max_event_age: 0h }'))).toEqual([
      'demo.yaml:4:25: entry.max_event_age: "0h" is zero; a duration must be longer than 0, e.g. 1d',
    ]);
  });

  test('is refused on an inactivity trigger, which starts from no event', () => {
    expect(problems(withEntry('{ inactivity: { event: order.completed, for: 60d } }', '{ max_event_age: 1d }'))).toEqual([
      'demo.yaml:4:10: entry.max_event_age: max_event_age limits how old a trigger event may be; an inactivity trigger starts from silence, not from an event: remove max_event_age',
    ]);
  });
});
