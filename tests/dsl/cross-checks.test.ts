// Checks across a journey that the schema cannot express: goto targets, split variants,
// condition arity and scope, entry keys.
import { parseJourneySource } from '../../dsl/load';
import { formatProblem } from '../../dsl/problems';
import { HEAD } from './support/workspace';

const problems = (source: string) => parseJourneySource(source, 'demo.yaml').problems.map(formatProblem);
const lines = (...rows: string[]) => rows.join('\n') + '\n';
const branchOn = (when: string) => HEAD + lines('  - id: check', '    branch:', '      cases:', `        - when: ${when}`, '          steps: []');

describe('journey cross-checks', () => {
  test('a goto to an unknown step id suggests the closest id', () => {
    expect(problems(HEAD + lines('  - id: welcome', '    wait: 1d', '  - id: back', '    goto: welcom'))).toEqual([
      'demo.yaml:9:11: steps[1].goto: step "back" goes to "welcom", which is not a step id in this journey — did you mean "welcome"?',
    ]);
  });

  test('split variants need unique ids and at most one control group', () => {
    const source =
      HEAD +
      lines(
        '  - id: offer',
        '    split:',
        '      variants:',
        '        - { id: a, weight: 50, control: true }',
        '        - { id: a, weight: 40 }',
        '        - { id: c, weight: 10, control: true }',
      );
    expect(problems(source)).toEqual([
      'demo.yaml:10:17: steps[0].split.variants[1].id: split "offer" already has a variant "a"; variant ids must be unique: rename one',
      'demo.yaml:11:41: steps[0].split.variants[2].control: split "offer" already has control variant "a"; keep one control group',
    ]);
  });

  test('condition values must fit the operator', () => {
    expect(problems(branchOn('{ field: traits.plan, op: exists, value: pro }'))).toEqual([
      'demo.yaml:9:58: steps[0].branch.cases[0].when.value: op exists takes no value: remove value',
    ]);
    expect(problems(branchOn('{ field: traits.plan, op: in, value: pro }'))).toEqual([
      'demo.yaml:9:54: steps[0].branch.cases[0].when.value: op in needs a list: value: [a, b]',
    ]);
    expect(problems(branchOn('{ field: traits.plan, op: eq }'))).toEqual([
      'demo.yaml:9:43: steps[0].branch.cases[0].when.op: op eq needs a single value (text, number, true/false or null): add value: ...',
    ]);
    expect(problems(branchOn('{ all: [{ field: traits.age, op: gte, value: [18] }] }'))).toEqual([
      'demo.yaml:9:62: steps[0].branch.cases[0].when.all[0].value: op gte needs a single value (text, number, true/false or null); to match any of a list use op: in',
    ]);
    expect(problems(branchOn('{ field: traits.plan, op: in, value: [pro, team] }'))).toEqual([]);
  });

  test('a branch cannot read event. fields, and a trigger cannot use received', () => {
    expect(problems(branchOn('{ field: event.properties.total, op: gt, value: 100 }'))).toEqual([
      'demo.yaml:9:26: steps[0].branch.cases[0].when.field: there is no event at hand in a branch: use trigger.properties.total for the event that started the run, or received: <event> with where',
    ]);
    expect(problems(branchOn('{ received: order.completed, where: { field: event.properties.total, op: gt, value: 100 } }'))).toEqual([]);
    const trigger = lines('id: demo', 'name: Demo', 'trigger:', '  event: user.signed_up', '  where: { received: order.completed }', 'steps:', '  - { id: a, wait: 1d }');
    expect(problems(trigger)).toEqual([
      'demo.yaml:5:22: trigger.where.received: a trigger condition cannot use received: no run exists yet to have received events; move it to a branch',
    ]);
  });

  test('an entry key needs an event trigger', () => {
    const source = lines('id: demo', 'name: Demo', 'trigger: { inactivity: { event: order.completed, for: 60d } }', 'entry: { key: properties.order_id }', 'steps:', '  - { id: a, wait: 1d }');
    expect(problems(source)).toEqual([
      'demo.yaml:4:15: entry.key: an entry key needs an event trigger (trigger: { event: ... }); an inactivity trigger has no event properties: remove key',
    ]);
  });

  test('a step with no kind, or a condition with no form, says which forms exist', () => {
    expect(problems(HEAD + lines('  - id: lonely'))).toEqual([
      'demo.yaml:6:5: steps[0]: a step needs exactly one of send, wait, wait_for, branch, split, survey, webhook, goto, exit; step "lonely" has none',
    ]);
    expect(problems(branchOn('{ plan: pro }'))).toEqual([
      'demo.yaml:9:17: steps[0].branch.cases[0].when: a condition is one of: { field, op, value }, { all: [...] }, { any: [...] }, { not: ... } or { received: <event> }',
    ]);
  });
});
