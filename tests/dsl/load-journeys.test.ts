// loadJourneys: files and directories from disk, template checks, snapshots and their versions.
import { createHash } from 'node:crypto';
import { loadJourneys } from '../../dsl/load';
import { formatProblem } from '../../dsl/problems';
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

  test('a valid journey becomes a snapshot pinned to its template versions', async () => {
    await ws.write('journeys/demo.yaml', send('welcome'));
    const result = await load();
    const hash = createHash('sha256').update(EMAIL_TEMPLATE).digest('hex');
    expect(result.problems).toEqual([]);
    expect(result.journeys).toHaveLength(1);
    expect(result.journeys[0]).toMatchObject({ source: 'journeys/demo.yaml', templates: { welcome: hash }, journey: { id: 'demo' } });
    expect(result.journeys[0]?.version).toMatch(/^[0-9a-f]{16}$/);
    expect(result.templates).toEqual([{ hash, name: 'welcome', source: EMAIL_TEMPLATE }]);
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
    const broken = ['{{!-- email.subject --}}', 'Hi {{traits.first_name}', '{{!-- email.html --}}', '<p>', '{{#if traits.vip}}VIP', '</p>', '{{!-- email.footer --}}', ''].join('\n');
    await ws.write('templates/broken.hbs', broken);
    await ws.write('journeys/a.yaml', send('broken'));
    await ws.write('journeys/b.yaml', send('broken').replace('id: demo', 'id: other'));
    const result = await load();
    expect(result.problems.map(formatProblem)).toEqual([
      'templates/broken.hbs:2:1: email.subject: Handlebars cannot read this email.subject part: a tag is not closed properly: write {{name}} with two closing braces',
      'templates/broken.hbs:6:1: email.html: Handlebars cannot read this email.html part: a {{#block}} is never closed: add its {{/block}} (e.g. {{/if}})',
      'templates/broken.hbs:7:1: unknown part "email.footer"; parts are email.subject, email.html, email.text, sms.text, push.title, push.body, push.url, push.icon',
    ]);
    expect(result.journeys).toEqual([]);
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
