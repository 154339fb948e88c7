// parseJourneySource: schema and YAML problems located at the exact line and column.
import { parseJourneySource } from '../../dsl/load';
import { formatProblem } from '../../dsl/problems';
import { HEAD } from './support/workspace';

const problems = (source: string) => parseJourneySource(source, 'demo.yaml').problems.map(formatProblem);
const lines = (...rows: string[]) => rows.join('\n') + '\n';

describe('parseJourneySource', () => {
  test('a valid journey parses with defaults and no problems', () => {
    const result = parseJourneySource(HEAD + lines('  - id: hello', '    send: { channel: email, template: welcome }'), 'demo.yaml');
    expect(result.problems).toEqual([]);
    expect(result.journey?.entry).toEqual({ reentry: 'once' });
    expect(result.journey?.exit_on).toEqual([]);
  });

  test('an unknown key is pointed at and the intended key suggested, without a second "missing" problem', () => {
    expect(problems(HEAD + lines('  - id: hello', '    send:', '      chanel: email', '      template: welcome'))).toEqual([
      'demo.yaml:8:7: steps[0].send.chanel: unknown key "chanel" — did you mean "channel"?',
    ]);
  });

  test('a duplicate key is reported at the second occurrence, naming the first line', () => {
    const result = parseJourneySource(
      HEAD + lines('  - id: hello', '    send:', '      channel: email', '      template: welcome', '      channel: sms'),
      'demo.yaml',
    );
    expect(result.problems.map(formatProblem)).toEqual([
      'demo.yaml:10:7: steps[0].send.channel: duplicate key "channel": it is already set on line 8; keep only one',
    ]);
    expect(result.journey).toBeUndefined();
  });

  test('a misspelt channel is reported at its value with the channels to choose from', () => {
    expect(problems(HEAD + lines('  - id: hello', '    send:', '      channel: emial', '      template: welcome'))).toEqual([
      'demo.yaml:8:16: steps[0].send.channel: "emial" is not allowed: use email, sms or push — did you mean "email"?',
    ]);
  });

  test('a duration that is not one, or is zero, is reported at the value', () => {
    expect(problems(HEAD + lines('  - id: pause', '    wait: 3 days'))).toEqual([
      'demo.yaml:7:11: steps[0].wait: "3 days": write a duration like 30m, 2h, 3d, 1w or 1d12h',
    ]);
    expect(problems(HEAD + lines('  - id: pause', '    wait_for: { event: order.delivered, timeout: 0h }'))).toEqual([
      'demo.yaml:7:50: steps[0].wait_for.timeout: "0h" is zero; a duration must be longer than 0, e.g. 1d',
    ]);
  });

  test('a duplicate step id is reported even when nested in a branch', () => {
    expect(
      problems(
        HEAD +
          lines(
            '  - id: hello',
            '    wait: 1d',
            '  - id: choose',
            '    branch:',
            '      cases:',
            '        - when: { field: traits.plan, op: eq, value: pro }',
            '          steps:',
            '            - id: hello',
            '              wait: 2d',
          ),
      ),
    ).toEqual([
      'demo.yaml:13:19: steps[1].branch.cases[0].steps[0].id: step id "hello" is already used by steps[0]; step ids must be unique in the journey: rename one',
    ]);
  });

  test('a goto loop without a wait is reported at the goto, with the loop spelled out', () => {
    expect(problems(HEAD + lines('  - id: hello', '    send: { channel: email, template: welcome }', '  - id: again', '    goto: hello'))).toEqual([
      'demo.yaml:9:11: steps[1].goto: step "again" loops back (hello → again → hello) without a wait, wait_for or survey step: customers would be messaged with no pause; add a wait inside the loop or remove the goto',
    ]);
  });

  test('a goto back to an enclosing branch is a loop too', () => {
    const source = HEAD + lines('  - id: check', '    branch:', '      cases:', '        - when: { field: traits.plan, op: exists }', '          steps:', '            - id: retry', '              goto: check');
    expect(problems(source)).toEqual([
      'demo.yaml:12:21: steps[0].branch.cases[0].steps[0].goto: step "retry" loops back (check → retry → check) without a wait, wait_for or survey step: customers would be messaged with no pause; add a wait inside the loop or remove the goto',
    ]);
  });

  test('a loop through a wait or a wait_for is fine', () => {
    const viaWait = HEAD + lines('  - id: hello', '    send: { channel: email, template: welcome }', '  - id: pause', '    wait: 7d', '  - id: again', '    goto: hello');
    const viaWaitFor = HEAD + lines('  - id: listen', '    wait_for:', '      event: order.completed', '      timeout: 3d', '      on_timeout:', '        - id: again', '          goto: listen');
    expect(parseJourneySource(viaWait, 'demo.yaml')).toMatchObject({ problems: [], journey: { id: 'demo' } });
    expect(parseJourneySource(viaWaitFor, 'demo.yaml')).toMatchObject({ problems: [], journey: { id: 'demo' } });
  });

  test('every problem in a file is reported at once, in file order', () => {
    const source = lines(
      'id: demo',
      'name: Demo',
      'trigger: { event: user.signed_up }',
      'steps:',
      '  - id: hello',
      '    send: { chanel: email, template: welcome }',
      '  - id: pause',
      '    wait: soon',
      '  - id: oops',
      '    sned: { channel: email, template: welcome }',
      '  - id: both',
      '    send: { channel: email, template: welcome }',
      '    wait: 1d',
    );
    expect(problems(source)).toEqual([
      'demo.yaml:6:13: steps[0].send.chanel: unknown key "chanel" — did you mean "channel"?',
      'demo.yaml:8:11: steps[1].wait: "soon": write a duration like 30m, 2h, 3d, 1w or 1d12h',
      'demo.yaml:10:5: steps[2].sned: unknown key "sned" — did you mean "send"? (a step needs exactly one of send, wait, wait_for, branch, split, survey, webhook, goto, exit)',
      'demo.yaml:13:5: steps[3].wait: step "both" has both send and wait; a step needs exactly one of send, wait, wait_for, branch, split, survey, webhook, goto, exit: make them separate steps',
    ]);
  });

  test('a YAML syntax error is reported with its position and stops validation of that file', () => {
    expect(problems(HEAD + lines('  - id: hello', '\tsend: { channel: email, template: welcome }'))).toEqual([
      'demo.yaml:7:1: YAML syntax: Tabs are not allowed as indentation',
    ]);
    expect(problems(lines('id: demo', 'name: Demo', 'steps:', '  - id: a', '    wait: 1d', '   foo: 2'))).toEqual([
      'demo.yaml:6:1: YAML syntax: Sequence item without - indicator',
    ]);
  });

  test('a missing required key is reported with what it is for', () => {
    expect(problems(lines('id: demo', 'name: Demo', 'steps:', '  - id: a', '    wait: 1d'))).toEqual([
      'demo.yaml:1:1: trigger: missing "trigger" (What starts a run of this journey for a customer.)',
    ]);
    expect(problems(HEAD + lines('  - id: hello', '    send: { template: welcome }'))).toEqual([
      'demo.yaml:7:11: steps[0].send.channel: missing "channel": add channel: email, sms or push',
    ]);
  });

  test('in a union, the form the author meant is picked and its own problem reported', () => {
    expect(problems(HEAD + lines('  - id: a', '    wait: { fro: 3d }'))).toEqual(['demo.yaml:7:13: steps[0].wait.fro: unknown key "fro" — did you mean "for"?']);
    expect(problems(HEAD + lines('  - id: a', '    exit: { reasn: done }'))).toEqual(['demo.yaml:7:13: steps[0].exit.reasn: unknown key "reasn" — did you mean "reason"?']);
    expect(problems(HEAD + lines('  - id: a', '    wait: { for: 3d, until: "10:00" }'))).toEqual([
      'demo.yaml:7:11: steps[0].wait: {"for":"3d","until":"10:00"} has none of the allowed forms: use text like 3d, { for } or { until }',
    ]);
    const source = lines(
      'id: demo',
      'name: Demo',
      'trigger: { evnt: user.signed_up }',
      'exit_on: [{ evnt: order.refunded }]',
      'goal: { event: order.completed, where: { fild: traits.plan } }',
      'entry: { reentry: twice }',
      'steps:',
      '  - { id: a, wait: 1d }',
    );
    expect(problems(source)).toEqual([
      'demo.yaml:3:12: trigger.evnt: unknown key "evnt" — did you mean "event"? (a trigger is { event: <name> } (optionally with where) or { inactivity: { event: <name>, for: <duration> } })',
      'demo.yaml:4:13: exit_on[0].evnt: unknown key "evnt" — did you mean "event"?',
      'demo.yaml:5:42: goal.where.fild: unknown key "fild" — did you mean "field"? (a condition is one of: { field, op, value }, { all: [...] }, { any: [...] }, { not: ... } or { received: <event> })',
      'demo.yaml:6:19: entry.reentry: "twice" is not allowed: use once or always',
    ]);
  });

  test('an empty file says what a journey needs', () => {
    expect(problems('')).toEqual(['demo.yaml:1:1: the file is empty: a journey needs at least id, name, trigger and steps']);
  });
  test('Segment-style event names with spaces can be named in a trigger, a wait_for and an exit_on', () => {
    const source = lines(
      'id: demo',
      'name: Demo',
      'trigger:',
      '  event: Order Completed',
      'exit_on:',
      '  - "Account Deleted"',
      'steps:',
      '  - id: wait',
      '    wait_for: { event: Product Viewed, timeout: 1d }',
      '  - id: hello',
      '    send: { channel: email, template: welcome }',
    );
    const result = parseJourneySource(source, 'demo.yaml');
    expect(result.problems.map(formatProblem)).toEqual([]);
    expect(result.journey?.trigger).toEqual({ event: 'Order Completed' });
    expect(JSON.stringify(result.journey?.steps[0])).toContain('"event":"Product Viewed"');
  });

  test('an event name with a trailing space or a control character is reported, saying what a name may hold', () => {
    expect(problems(lines('id: demo', 'name: Demo', 'trigger:', '  event: "Order Completed "', 'steps:', '  - id: hello', '    send: { channel: email, template: welcome }'))).toEqual([
      expect.stringMatching(/^demo\.yaml:4:10: trigger\.event: "Order Completed ": an event name is text without control characters and without leading or trailing spaces/),
    ]);
    expect(problems(lines('id: demo', 'name: Demo', 'trigger:', '  event: "Order\\tCompleted"', 'steps:', '  - id: hello', '    send: { channel: email, template: welcome }'))).toEqual([
      expect.stringMatching(/trigger\.event: "Order\\tCompleted": an event name is text without control characters/),
    ]);
  });
});
