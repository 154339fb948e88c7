// Survey and webhook steps in journeys: where survey.* may be read, webhook templates, survey
// step templates (existence, channel parts, survey links in the sample check), durations,
// loops through a survey, and webhook secrets as notes, never problems.
import { loadJourneys } from '../../dsl/load';
import { parseJourneySource } from '../../dsl/load';
import { formatProblem } from '../../dsl/problems';
import { formatNote } from '../../dsl/sample-checks';
import { EMAIL_TEMPLATE, HEAD, makeWorkspace, type Workspace } from './support/workspace';

const problems = (source: string) => parseJourneySource(source, 'demo.yaml').problems.map(formatProblem);
const lines = (...rows: string[]) => rows.join('\n') + '\n';

/** A survey step (lines 6-11 of the file when first). */
const survey = (id = 'nps', template = 'nps-survey', channel = 'email') =>
  lines(`  - id: ${id}`, '    survey:', '      kind: nps', `      channel: ${channel}`, `      template: ${template}`, '      wait: 7d');
/** A branch on `when` (its `when` line is the branch's third line). */
const branch = (when: string, id = 'act') => lines(`  - id: ${id}`, '    branch:', '      cases:', `        - when: ${when}`, '          steps: []');
const detractor = '{ field: survey.category, op: eq, value: detractor }';

describe('survey.* in conditions', () => {
  test('a branch after a survey step may read survey.*', () => {
    expect(problems(HEAD + survey() + branch(detractor))).toEqual([]);
  });

  test('a branch no survey step can precede is reported at its field, saying to add a survey step before it', () => {
    expect(problems(HEAD + branch(detractor) + survey())).toEqual([
      'demo.yaml:9:26: steps[0].branch.cases[0].when.field: step "act" reads survey.category, but no survey step can run before it, so there is never an answer to read: ' +
        'add a survey step, e.g. { id: nps, survey: { kind: nps, channel: email, template: nps-survey, wait: 7d } } before step "act"',
    ]);
  });

  test('a survey reached only through a goto loop counts as before the branch', () => {
    const source = HEAD + branch(detractor) + survey() + lines('  - id: again', '    goto: act');
    expect(problems(source)).toEqual([]);
  });

  test('a survey in another branch case does not precede a sibling case', () => {
    const source =
      HEAD +
      lines(
        '  - id: split-up',
        '    branch:',
        '      cases:',
        '        - when: { field: traits.vip, op: eq, value: true }',
        '          steps:',
        '            - id: ask',
        '              survey: { kind: csat, channel: email, template: csat, wait: 3d }',
        '      else:',
        '        - id: check',
        '          branch:',
        '            cases:',
        '              - when: { field: survey.answered, op: eq, value: true }',
        '                steps: []',
      );
    expect(problems(source)).toEqual([
      'demo.yaml:17:32: steps[0].branch.else[0].branch.cases[0].when.field: step "check" reads survey.answered, but no survey step can run before it, so there is never an answer to read: ' +
        'add a survey step, e.g. { id: nps, survey: { kind: nps, channel: email, template: nps-survey, wait: 7d } } before step "check"',
    ]);
  });

  test('a trigger cannot read survey.*, exit_on only in a journey with a survey step, and only fields a result has', () => {
    const trigger = lines('id: demo', 'name: Demo', 'trigger:', '  event: user.signed_up', `  where: ${detractor}`, 'steps:') + survey();
    expect(problems(trigger)).toEqual([
      'demo.yaml:5:19: trigger.where.field: a trigger condition cannot read survey.category: no run exists yet, so no survey was answered; move it to a branch after a survey step',
    ]);
    const exitOn = (steps: string) =>
      lines('id: demo', 'name: Demo', 'trigger:', '  event: user.signed_up', 'exit_on:', `  - { event: unsubscribed, where: ${detractor} }`, 'steps:') + steps;
    expect(problems(exitOn(lines('  - { id: pause, wait: 1d }')))).toEqual([
      'demo.yaml:6:44: exit_on[0].where.field: this condition reads survey.category, but journey "demo" has no survey step: ' +
        'add a survey step, e.g. { id: nps, survey: { kind: nps, channel: email, template: nps-survey, wait: 7d } }',
    ]);
    expect(problems(exitOn(survey()))).toEqual([]);
    expect(problems(HEAD + survey() + branch('{ field: survey.categry, op: eq, value: detractor }'))).toEqual([
      'demo.yaml:15:26: steps[1].branch.cases[0].when.field: survey.categry is not a survey answer field; a survey result has ' +
        'survey.step, survey.kind, survey.answered, survey.score, survey.category, survey.comment, survey.sentiment, survey.sentiment_score — did you mean "category"?',
    ]);
  });
});

describe('survey and webhook steps', () => {
  test('a survey waits, so a loop through one is no runaway loop; its wait must be positive', () => {
    expect(problems(HEAD + survey() + lines('  - id: again', '    goto: nps'))).toEqual([]);
    expect(problems(HEAD + survey().replace('wait: 7d', 'wait: 0d'))).toEqual(['demo.yaml:11:13: steps[0].survey.wait: "0d" is zero; a duration must be longer than 0, e.g. 1d']);
  });

  test('webhook url, header values and body strings must be Handlebars that compiles, located at the string', () => {
    const source =
      HEAD +
      lines(
        '  - id: ticket',
        '    webhook:',
        '      url: https://helpdesk.example.com/customers/{{customer.id}/notes',
        '      headers:',
        '        X-Order: "{{#if trigger.properties.order_id}}{{trigger.properties.order_id}}"',
        '      body:',
        '        customer: "{{customer.id}}"',
        '        lines: ["score {{survey.score}}", "{{/if}}"]',
      );
    expect(problems(source)).toEqual([
      'demo.yaml:8:12: steps[0].webhook.url: webhook step "ticket": Handlebars cannot read this text: a tag is not closed properly: write {{name}} with two closing braces',
      'demo.yaml:10:18: steps[0].webhook.headers.X-Order: webhook step "ticket": Handlebars cannot read this text: a {{#block}} is never closed: add its {{/block}} (e.g. {{/if}})',
      'demo.yaml:13:43: steps[0].webhook.body.lines[1]: webhook step "ticket": Handlebars cannot read this text: a {{/block}} closes nothing: remove it or add the matching {{#block}}',
    ]);
  });
});

describe('survey step templates and webhook secrets (from disk)', () => {
  let ws: Workspace;
  const load = (env?: Record<string, string>) => loadJourneys({ paths: ['journeys'], templatesDir: 'templates', cwd: ws.dir, ...(env ? { env } : {}) });
  const SAMPLE = lines('sample:', '  traits: { first_name: Ada }');
  const NPS = ['{{!-- email.subject --}}', 'How did we do?', '{{!-- email.html --}}', '{{#each survey.scores}}<a href="{{url}}">{{score}}</a>{{/each}} <a href="{{survey.url}}">open</a>', ''].join('\n');

  beforeEach(async () => {
    ws = await makeWorkspace({ 'templates/nps-survey.hbs': NPS, 'templates/welcome.hbs': EMAIL_TEMPLATE });
  });
  afterEach(() => ws.remove());

  test('a survey step pins its template like a send step; survey.scores and survey.url validate', async () => {
    await ws.write('journeys/demo.yaml', HEAD.replace('steps:\n', SAMPLE + 'steps:\n') + survey());
    const result = await load();
    expect(result.problems.map(formatProblem)).toEqual([]);
    expect(Object.keys(result.journeys[0]?.templates ?? {})).toEqual(['nps-survey']);
  });

  test('a survey step template must exist and have its channel parts', async () => {
    await ws.write('journeys/a.yaml', HEAD + survey('nps', 'nps-survy'));
    await ws.write('journeys/b.yaml', HEAD.replace('id: demo', 'id: demo-b') + survey('nps', 'nps-survey', 'sms'));
    expect((await load()).problems.map(formatProblem)).toEqual([
      'journeys/a.yaml:10:17: steps[0].survey.template: step "nps" uses template "nps-survy", but there is no templates/nps-survy.hbs: create it — did you mean "nps-survey"?',
      'journeys/b.yaml:10:17: steps[0].survey.template: template "nps-survey" (templates/nps-survey.hbs) lacks the sms.text part, which the sms channel needs: add a line {{!-- sms.text --}} followed by its text',
    ]);
  });

  test('a survey template reading a link survey messages lack, or a send step using survey links, is reported in the template', async () => {
    await ws.write('templates/nps-survey.hbs', NPS.replace('{{survey.url}}', '{{survey.link}}').replace('{{url}}', '{{href}}'));
    await ws.write('journeys/a.yaml', HEAD.replace('steps:\n', SAMPLE + 'steps:\n') + survey());
    expect((await load()).problems.map(formatProblem)).toEqual([
      'templates/nps-survey.hbs:4:35: email.html: {{href}} reads href of each item of survey.scores, which survey messages lack: each of survey.scores has score and url',
      'templates/nps-survey.hbs:4:77: email.html: {{survey.link}} reads survey.link, which survey messages lack: they have survey.url, survey.scores (each with score and url), survey.kind, survey.min and survey.max',
    ]);
    await ws.write('templates/nps-survey.hbs', NPS);
    await ws.write('journeys/a.yaml', HEAD.replace('steps:\n', SAMPLE + 'steps:\n') + lines('  - id: hello', '    send: { channel: email, template: nps-survey }'));
    expect((await load()).problems.map(formatProblem)).toEqual([
      'templates/nps-survey.hbs:4:76: email.html: {{survey.url}} reads survey.url, which only messages of survey steps have, and a send step of journey "demo" uses template "nps-survey": send it from a survey step or remove the survey links',
    ]);
  });

  test('a webhook secret missing from the environment is a note, never a problem', async () => {
    const webhook = (secret: string) =>
      HEAD + lines('  - id: ticket', '    webhook:', '      url: https://helpdesk.example.com/hooks/touchpoint', ...(secret ? [`      secret_env: ${secret}`] : []));
    await ws.write('journeys/a.yaml', webhook(''));
    await ws.write('journeys/b.yaml', webhook('HELPDESK_SECRET').replace('id: demo', 'id: demo-b'));
    const missing = await load({});
    expect(missing.problems).toEqual([]);
    expect(missing.journeys.map((s) => s.journey.id)).toEqual(['demo', 'demo-b']);
    expect(missing.notes.map(formatNote)).toEqual([
      'journeys/a.yaml: steps[0].webhook.url: WEBHOOK_SECRET is not set here; the worker needs it to sign the requests of webhook step "ticket" (Touchpoint-Signature): set it where the worker runs',
      'journeys/b.yaml: steps[0].webhook.secret_env: HELPDESK_SECRET is not set here; the worker needs it to sign the requests of webhook step "ticket" (Touchpoint-Signature): set it where the worker runs',
    ]);
    expect((await load({ WEBHOOK_SECRET: 'k1', HELPDESK_SECRET: 'k2' })).notes).toEqual([]);
    expect((await load()).notes).toEqual([]);
  });
});
