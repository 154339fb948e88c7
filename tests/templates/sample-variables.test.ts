// validate fails on a template that reads a value its journey's sample lacks, located at the
// exact template line:col; guards, blocks and helpers count sensibly; no sample, no check.
import { run } from '../../cli/main';
import { loadJourneys } from '../../dsl/load';
import { formatProblem } from '../../dsl/problems';
import { makeWorkspace, type Workspace } from '../dsl/support/workspace';
import { templateFile } from './support';

const journey = (template: string, sample: string | null) =>
  [
    'id: demo',
    'name: Demo',
    'trigger:',
    '  event: order.completed',
    ...(sample === null ? [] : ['sample:', ...sample.split('\n').map((l) => `  ${l}`)]),
    'steps:',
    '  - id: hello',
    `    send: { channel: email, template: ${template} }`,
    '',
  ].join('\n');

const SAMPLE = ['traits:', '  first_name: Ada', '  orders:', '    - sku: A1', '    - sku: B2', '      gift: true', 'event:', '  properties:', '    total: 12.5'].join('\n');

describe('template values checked against the journey sample', () => {
  let ws: Workspace;
  const problems = async () => (await loadJourneys({ paths: ['journeys'], templatesDir: 'templates', cwd: ws.dir })).problems.map(formatProblem);
  beforeEach(async () => {
    ws = await makeWorkspace({ 'templates/partials/sign-off.hbs': 'Bye {{traits.nickname}}\n' });
  });
  afterEach(() => ws.remove());

  test('a value the sample lacks is reported at the template line:col, naming the journey and the fix', async () => {
    await ws.write('journeys/demo.yaml', journey('thanks', SAMPLE));
    await ws.write('templates/thanks.hbs', templateFile({ 'email.subject': 'Thanks {{traits.first_name}}', 'email.text': 'Total {{money event.properties.total event.properties.currency}}\nCode: {{traits.code}}' }));
    expect(await problems()).toEqual([
      'templates/thanks.hbs:4:38: email.text: {{event.properties.currency}} reads event.properties.currency, which the sample of journey "demo" (journeys/demo.yaml) lacks: ' +
        'add currency under sample: → event: → properties:, or wrap it in {{#if event.properties.currency}}…{{/if}} if some customers lack it',
      'templates/thanks.hbs:5:9: email.text: {{traits.code}} reads traits.code, which the sample of journey "demo" (journeys/demo.yaml) lacks: ' +
        'add code under sample: → traits:, or wrap it in {{#if traits.code}}…{{/if}} if some customers lack it',
    ]);
  });

  test('a send after a survey step may read the answer (survey.*); any send may read latest.[<trigger>], other latest names need a guard', async () => {
    await ws.write(
      'journeys/demo.yaml',
      [
        'id: demo',
        'name: Demo',
        'trigger:',
        '  event: order.completed',
        'sample:',
        ...SAMPLE.split('\n').map((l) => `  ${l}`),
        'steps:',
        '  - id: nps',
        '    survey: { kind: nps, channel: email, template: nps-ask, wait: 7d }',
        '  - id: thanks',
        '    send: { channel: email, template: follow-up }',
        '',
      ].join('\n'),
    );
    await ws.write('templates/nps-ask.hbs', templateFile({ 'email.subject': 'How did we do?', 'email.text': '{{survey.url}}' }));
    await ws.write(
      'templates/follow-up.hbs',
      templateFile({
        'email.subject': 'You gave us {{survey.score}}',
        'email.text': '{{#if survey.answered}}"{{survey.comment}}" ({{survey.category}}){{/if}} {{latest.[order.completed].properties.total}}\n{{latest.[cart.updated].properties.items}} {{survey.mood}}',
      }),
    );
    expect(await problems()).toEqual([
      // Handlebars drops the [ ] of a segment literal from the path it reports.
      'templates/follow-up.hbs:5:3: email.text: {{latest.cart.updated.properties.items}} reads latest.cart.updated.properties.items, which the sample of journey "demo" (journeys/demo.yaml) lacks: ' +
        "the sample only gives the latest event of the trigger's name (order.completed); a run may not have received another, so guard it with {{#if latest.[<event name>]}}…{{/if}}",
      'templates/follow-up.hbs:5:46: email.text: {{survey.mood}} reads survey.mood, which a survey answer lacks: sends after a survey step read ' +
        'survey.answered, survey.score, survey.category, survey.comment, survey.sentiment, survey.sentiment_score, survey.kind and survey.step',
    ]);
  });

  test('#if guards its own value, #each and #with read the sample\'s items, and always-present values need no sample', async () => {
    await ws.write('journeys/demo.yaml', journey('thanks', SAMPLE));
    const body = [
      '{{#if traits.vip}}VIP {{traits.vip.level}}{{/if}}{{#unless traits.plan}}{{else}}{{traits.plan}}{{/unless}}',
      '{{#each traits.orders}}{{sku}} {{#if gift}}gift{{/if}} {{../traits.first_name}} {{@index}}{{/each}}',
      '{{#each traits.orders as |order|}}{{order.colour}}{{/each}}{{#each traits.wishlist}}{{name}}{{/each}}{{#each traits.orders}}{{size}}{{/each}}',
      '{{customer.id}} {{journey.id}} {{event.name}} {{links.unsubscribe}} {{@root.traits.first_name}} {{@locale}}',
      '{{#with event.properties}}{{total}} {{tax}}{{/with}}',
    ].join('\n');
    await ws.write('templates/thanks.hbs', templateFile({ 'email.subject': 'S', 'email.text': body }));
    expect(await problems()).toEqual([
      'templates/thanks.hbs:6:127: email.text: {{size}} reads size of each item of traits.orders, and no item there in the sample of journey "demo" (journeys/demo.yaml) has it: ' +
        'add size to those items under sample:, or wrap it in {{#if size}}…{{/if}} if some customers lack it',
      'templates/thanks.hbs:8:39: email.text: {{tax}} reads event.properties.tax, which the sample of journey "demo" (journeys/demo.yaml) lacks: ' +
        'add tax under sample: → event: → properties:, or wrap it in {{#if tax}}…{{/if}} if some customers lack it',
    ]);
  });

  test('a value read in a partial is located in the partial file; a misspelt root gets a hint', async () => {
    await ws.write('journeys/demo.yaml', journey('thanks', SAMPLE));
    await ws.write('templates/thanks.hbs', templateFile({ 'email.subject': '{{first_name}}', 'email.text': 'Hi\n{{> sign-off}}' }));
    expect(await problems()).toEqual([
      'templates/partials/sign-off.hbs:1:7: email.text: {{traits.nickname}} reads traits.nickname, which the sample of journey "demo" (journeys/demo.yaml) lacks: ' +
        'add nickname under sample: → traits:, or wrap it in {{#if traits.nickname}}…{{/if}} if some customers lack it',
      'templates/thanks.hbs:2:3: email.subject: {{first_name}} reads first_name, which is not message data: ' +
        'templates read traits.<name>, event.properties.<name>, event.name, customer.id, journey.id, links.unsubscribe, latest.[<event name>] (the latest event of that name the run received) and, in and after survey steps, survey.* (did you mean traits.first_name?)',
    ]);
  });

  test('a journey without sample data gets no such check', async () => {
    await ws.write('journeys/demo.yaml', journey('thanks', null));
    await ws.write('templates/thanks.hbs', templateFile({ 'email.subject': '{{traits.anything}}', 'email.text': '{{event.properties.whatever}}' }));
    expect(await problems()).toEqual([]);
  });

  test('touchpoint validate prints the problem and exits 1; SMS lengths go to stdout', async () => {
    await ws.write('journeys/demo.yaml', journey('thanks', SAMPLE).replace('channel: email', 'channel: sms'));
    await ws.write('templates/thanks.hbs', templateFile({ 'sms.text': 'Thanks {{traits.first_name}}: {{money event.properties.total "EUR"}} {{traits.code}}' }));
    const out: string[] = [];
    const err: string[] = [];
    const code = await run(['validate'], { out: (l) => out.push(l), err: (l) => err.push(l), cwd: ws.dir, env: {} });
    expect(code).toBe(1);
    expect(out).toEqual(['templates/thanks.hbs: sms.text: 1 segment (GSM-7, 18 chars, 19 septets) with the sample of journey "demo"']);
    expect(err[0]).toMatch(/^templates\/thanks\.hbs:2:72: sms\.text: \{\{traits\.code\}\} reads traits\.code, which the sample of journey "demo"/);
    expect(err[1]).toBe('✗ 1 problem in 1 file; fix them and run touchpoint validate again');
  });

  test('an SMS longer than 10 segments with the sample is a problem', async () => {
    await ws.write('journeys/demo.yaml', journey('long', SAMPLE).replace('channel: email', 'channel: sms'));
    await ws.write('templates/long.hbs', templateFile({ 'sms.text': `${'x'.repeat(1600)} {{traits.first_name}}` }));
    expect(await problems()).toEqual([
      'templates/long.hbs:2:1: sms.text: with the sample of journey "demo" this SMS is 11 segments (GSM-7, 1604 chars), more than 10: shorten it (or link to the details)',
    ]);
  });
});
