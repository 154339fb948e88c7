// loadJourneys: files and directories from disk, template checks, snapshots and their versions.
import { createHash } from 'node:crypto';
import { loadJourneys } from '../../dsl/load';
import { formatProblem } from '../../dsl/problems';
import { decodeBundle, encodeBundle } from '../../render/bundle';
import { EMAIL_TEMPLATE, HEAD, makeWorkspace, type Workspace } from './support/workspace';

const send = (template: string, extra = '') => HEAD + `  - id: hello\n    send:\n      channel: email\n      template: ${template}\n${extra}`;

describe('loadJourneys', () => {
  let ws: Workspace;
  const load = (paths = ['journeys']) => loadJourneys({ paths, templatesDir: 'templates', cwd: ws.dir });
  const problems = async (paths?: string[]) => (await load(paths)).problems.map(formatProblem);

  beforeEach(async () => {
    ws = await makeWorkspace({ 'templates/welcome.hbs': EMAIL_TEMPLATE });
  });
  afterEach(() => ws.remove());

  test('a valid journey becomes a snapshot pinned to its template versions (the hash of the template bundle)', async () => {
    await ws.write('journeys/demo.yaml', send('welcome'));
    const result = await load();
    const source = encodeBundle({ variants: { '': EMAIL_TEMPLATE }, partials: {}, layouts: {}, styles: {} });
    const hash = createHash('sha256').update(source).digest('hex');
    expect(result.problems).toEqual([]);
    expect(result.journeys).toHaveLength(1);
    expect(result.journeys[0]).toMatchObject({ source: 'journeys/demo.yaml', templates: { welcome: hash }, journey: { id: 'demo' } });
    expect(result.journeys[0]?.version).toMatch(/^[0-9a-f]{16}$/);
    expect(result.templates).toEqual([{ hash, name: 'welcome', source }]);
    expect(decodeBundle(source).variants['']).toBe(EMAIL_TEMPLATE);
  });

  test('the version changes when a template changes, and not otherwise', async () => {
    await ws.write('journeys/demo.yaml', send('welcome'));
    const first = (await load()).journeys[0]?.version;
    expect((await load()).journeys[0]?.version).toBe(first);
    await ws.write('templates/welcome.hbs', EMAIL_TEMPLATE.replace('Hello', 'Hello again'));
    expect((await load()).journeys[0]?.version).not.toBe(first);
  });

  test('a missing template is reported at the template name, suggesting the closest file', async () => {
    await ws.write('journeys/demo.yaml', send('welcom'));
    const result = await load();
    expect(result.problems.map(formatProblem)).toEqual([
      'journeys/demo.yaml:9:17: steps[0].send.template: step "hello" uses template "welcom", but there is no templates/welcom.hbs: create it — did you mean "welcome"?',
    ]);
    expect(result.journeys).toEqual([]);
  });

  test('a template lacking the parts of the channel, or of the fallback channel, is reported', async () => {
    await ws.write('templates/sms-only.hbs', '{{!-- sms.text --}}\nHi {{traits.first_name}}\n');
    await ws.write('journeys/a.yaml', send('sms-only'));
    await ws.write('journeys/b.yaml', send('welcome', '      fallback: sms\n').replace('id: demo', 'id: demo-b'));
    expect(await problems()).toEqual([
      'journeys/a.yaml:9:17: steps[0].send.template: template "sms-only" (templates/sms-only.hbs) lacks the email.subject part and an email.html or email.text part, which the email channel needs: add a line {{!-- email.subject --}} followed by its text',
      'journeys/b.yaml:10:17: steps[0].send.fallback: template "welcome" (templates/welcome.hbs) lacks the sms.text part, which the sms channel needs: add a line {{!-- sms.text --}} followed by its text',
    ]);
  });

  test('a fallback on the same channel is reported', async () => {
    await ws.write('journeys/demo.yaml', send('welcome', '      fallback: email\n'));
    expect(await problems()).toEqual([
      'journeys/demo.yaml:10:17: steps[0].send.fallback: fallback is the same channel as channel (email): remove it or choose another channel',
    ]);
  });

  test('Handlebars syntax errors and bad part markers are located in the template file, once', async () => {
    const broken = ['{{!-- email.subject --}}', 'Hi {{traits.first_name}', '{{!-- email.html --}}', '<p>', '{{#if traits.vip}}VIP', '</p>', '{{!-- email.text --}}', '{{#if a}}x{{/each}}', '{{!-- email.footer --}}', ''].join('\n');
    await ws.write('templates/broken.hbs', broken);
    await ws.write('journeys/a.yaml', send('broken'));
    await ws.write('journeys/b.yaml', send('broken').replace('id: demo', 'id: other'));
    const result = await load();
    expect(result.problems.map(formatProblem)).toEqual([
      'templates/broken.hbs:2:1: email.subject: Handlebars cannot read this email.subject part: a tag is not closed properly: write {{name}} with two closing braces',
      'templates/broken.hbs:6:1: email.html: Handlebars cannot read this email.html part: a {{#block}} is never closed: add its {{/block}} (e.g. {{/if}})',
      "templates/broken.hbs:8:4: email.text: Handlebars cannot read this email.text part: {{#if}} is closed by {{/each}}: close it with {{/if}}",
      'templates/broken.hbs:9:1: unknown part "email.footer"; parts are email.subject, email.html, email.text, sms.text, push.title, push.body, push.url, push.icon',
    ]);
    expect(result.journeys).toEqual([]);
  });

  test('schema problems do not hide template and cross-reference problems elsewhere in the file', async () => {
    await ws.write(
      'journeys/demo.yaml',
      HEAD +
        [
          '  - id: hello',
          '    send: { channel: email, template: welcome, colour: red }',
          '  - id: tips',
          '    send: { channel: email, template: tips }',
          '  - id: hello',
          '    wait: 0d',
          '  - id: check',
          '    branch:',
          '      cases:',
          '        - when: { field: traits.plan, op: eq, value: pro }',
          '          steps:',
          '            - { id: again, goto: check }',
          '',
        ].join('\n'),
    );
    expect(await problems()).toEqual([
      'journeys/demo.yaml:7:48: steps[0].send.colour: unknown key "colour"; allowed here: channel, template, fallback, category',
      'journeys/demo.yaml:9:39: steps[1].send.template: step "tips" uses template "tips", but there is no templates/tips.hbs: create it',
      'journeys/demo.yaml:10:9: steps[2].id: step id "hello" is already used by steps[0]; step ids must be unique in the journey: rename one',
      'journeys/demo.yaml:11:11: steps[2].wait: "0d" is zero; a duration must be longer than 0, e.g. 1d',
      'journeys/demo.yaml:17:34: steps[3].branch.cases[0].steps[0].goto: step "again" loops back (check → again → check) without a wait, wait_for or survey step: customers would be messaged with no pause; add a wait inside the loop or remove the goto',
    ]);
  });

  test('journey ids must be unique across files', async () => {
    await ws.write('journeys/a.yaml', send('welcome'));
    await ws.write('journeys/b.yaml', send('welcome'));
    const result = await load();
    expect(result.problems.map(formatProblem)).toEqual([
      'journeys/b.yaml:1:5: id: journey id "demo" is already used by journeys/a.yaml; journey ids must be unique: rename one',
    ]);
    expect(result.journeys.map((s) => s.source)).toEqual(['journeys/a.yaml']);
  });

  test('files and directories can be mixed; only *.yaml / *.yml are read; a missing path is a problem', async () => {
    await ws.write('journeys/a.yaml', send('welcome'));
    await ws.write('journeys/README.md', '# not a journey');
    await ws.write('more/b.yml', send('welcome').replace('id: demo', 'id: demo-b'));
    const result = await load(['journeys', 'more/b.yml', 'nowhere']);
    expect(result.problems.map(formatProblem)).toEqual(['nowhere:1:1: no such file or directory: check the path']);
    expect(result.journeys.map((s) => s.journey.id)).toEqual(['demo', 'demo-b']);
    expect(result.templates).toHaveLength(1);
  });
});
