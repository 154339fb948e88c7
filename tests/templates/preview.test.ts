// `touchpoint preview`: what a customer would get, from the working tree's templates: an HTML
// file identical to what the renderer sends, SMS text with its segments, push JSON, clear errors.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../../cli/main';
import { readTemplate } from '../../dsl/templates';
import { compileTemplate } from '../../render/renderer';
import { makeWorkspace, type Workspace } from '../dsl/support/workspace';
import { context, templateFile } from './support';

const ORDER = templateFile({
  'email.subject': 'Order {{event.properties.order_id}}',
  'email.html': '<html><head><style>p { color: #2f5d50; }</style></head><body><p>Total {{money event.properties.total event.properties.currency}}</p></body></html>',
  'sms.text': 'Order {{event.properties.order_id}}: {{money event.properties.total event.properties.currency}}',
});
const JOURNEY = [
  'id: post-purchase',
  'name: Post purchase',
  'trigger:',
  '  event: order.completed',
  'sample:',
  '  traits: { first_name: Grace }',
  '  event: { properties: { order_id: A-7, total: 59.9, currency: EUR } }',
  'steps:',
  '  - id: thanks',
  '    send: { channel: sms, template: order }',
  '',
].join('\n');

describe('touchpoint preview', () => {
  let ws: Workspace;
  const preview = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await run(['preview', ...argv], { out: (l) => out.push(l), err: (l) => err.push(l), cwd: ws.dir, env: {} });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };
  beforeEach(async () => {
    ws = await makeWorkspace({
      'templates/order.hbs': ORDER,
      'templates/order.it.hbs': ORDER.replaceAll('Order', 'Ordine'),
      'templates/ping.hbs': templateFile({ 'push.title': 'Hi {{traits.first_name}}', 'push.body': 'Back in stock', 'push.url': 'https://shop.example/p/1' }),
      'journeys/post-purchase.yaml': JOURNEY,
      'data/ada.json': JSON.stringify({ traits: { first_name: 'Ada', locale: 'it' }, event: { name: 'order.completed', properties: { order_id: 'B-1', total: '12.5', currency: 'EUR' } } }),
    });
  });
  afterEach(() => ws.remove());

  test('email: writes the HTML the renderer produces under .data/previews and prints subject and text', async () => {
    const result = await preview('order', '--data', 'data/ada.json', '--channel', 'email');
    expect(result).toMatchObject({ code: 0, err: '' });
    const html = await readFile(join(ws.dir, '.data/previews/order.it.html'), 'utf8');
    const template = await readTemplate(join(ws.dir, 'templates'), 'order', ws.dir);
    const expected = compileTemplate({ hash: 'h', name: 'order', source: template?.source ?? '' }).email({
      ...context({ first_name: 'Ada', locale: 'it' }, { order_id: 'B-1', total: '12.5', currency: 'EUR' }),
    });
    expect(html).toBe(expected.html);
    expect(html).toContain('<p style="color: #2f5d50;">Total 12,50\u00a0€</p>');
    expect(result.out.split('\n')).toEqual([
      'Data: data/ada.json',
      'Variant: templates/order.it.hbs',
      'Wrote .data/previews/order.it.html',
      'Subject: Ordine B-1',
      '--- text part ---',
      // The text part keeps Intl's no-break space, as the HTML has it: "€" never wraps onto a line of its own.
      'Total 12,50\u00a0€',
    ]);
  });

  test('sms: without --data uses the sample of the first journey that sends it, and prints the segments', async () => {
    const result = await preview('order');
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out.split('\n')).toEqual([
      'Data: the sample of journey "post-purchase" (journeys/post-purchase.yaml)',
      'Variant: templates/order.hbs',
      'Order A-7: €59.90',
      '--- 1 segment (GSM-7, 17 chars, 18 septets)',
    ]);
    // --locale picks the variant by language (it-CH → order.it.hbs) and formats in the full locale (Swiss Italian).
    expect((await preview('order', '--locale', 'it-CH')).out).toContain('Variant: templates/order.it.hbs\nOrdine A-7: € 59.90');
  });

  test('push prints the payload; --out chooses the file', async () => {
    expect((await preview('ping', '--data', 'data/ada.json')).out.split('\n').slice(2).join('\n')).toBe(
      JSON.stringify({ title: 'Hi Ada', body: 'Back in stock', url: 'https://shop.example/p/1', icon: null }, null, 2),
    );
    const written = await preview('order', '--channel', 'email', '--out', 'out/mail.html');
    expect(written.out).toContain('Wrote out/mail.html');
    expect(await readFile(join(ws.dir, 'out/mail.html'), 'utf8')).toContain('Total €59.90');
  });

  test('--journeys reads samples from another folder; a missing folder is an error naming it', async () => {
    await ws.write('shop/journeys/orders.yaml', JOURNEY.replace('first_name: Grace }', 'first_name: Linus }').replace('order_id: A-7', 'order_id: Z-9'));
    const result = await preview('order', '--journeys', 'shop/journeys');
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out.split('\n').slice(0, 3)).toEqual(['Data: the sample of journey "post-purchase" (shop/journeys/orders.yaml)', 'Variant: templates/order.hbs', 'Order Z-9: €59.90']);
    expect(await preview('order', '--journeys', 'shop/nowhere')).toMatchObject({
      code: 1,
      err: 'touchpoint preview: --journeys shop/nowhere: no such folder; name the folder holding your journey YAML files',
    });
  });

  test('without sample data it says so loudly on stderr: no journey sends the template, or the journey has no sample', async () => {
    const none = await preview('ping');
    expect(none.code).toBe(0);
    expect(none.out.split('\n')[0]).toBe('Data: none: no journey in journeys sends this template and no --data was given');
    expect(none.err).toBe(
      'touchpoint preview: WARNING: no sample data for template "ping" (no journey in journeys sends this template and no --data was given), ' +
        'so every {{traits.*}} and {{event.properties.*}} renders empty. Pass --data <file.json> with { "traits": {...}, "event": { "name": "...", "properties": {...} } }, ' +
        'or add a sample: block to the journey (or point --journeys at the folder of yours).',
    );
    await ws.write('bare/welcome.yaml', ['id: bare', 'name: Bare', 'trigger:', '  event: order.completed', 'steps:', '  - id: t', '    send: { channel: push, template: ping }', ''].join('\n'));
    const bare = await preview('ping', '--journeys', 'bare');
    expect(bare.err).toContain('WARNING: no sample data for template "ping" (journey "bare" (bare/welcome.yaml) has no sample (pass --data))');
    expect(bare.err).not.toContain('--journeys at');
    await ws.write('empty/README.md', 'nothing here');
    expect((await preview('ping', '--journeys', 'empty')).err).toContain('(empty has no journey files and no --data was given)');
    // With data, nothing on stderr.
    expect((await preview('ping', '--data', 'data/ada.json')).err).toBe('');
  });

  test('clear errors: unknown template, missing channel part, bad JSON with its line and column, bad options', async () => {
    expect(await preview('ordr')).toMatchObject({ code: 1, err: 'touchpoint preview: there is no template "ordr" (templates/ordr.hbs) — did you mean "order"?' });
    expect(await preview('ping', '--channel', 'sms')).toMatchObject({
      code: 1,
      err: 'touchpoint preview: templates/ping.hbs has no sms.text part, so it cannot be sent by sms: add a line {{!-- sms.text --}} and its text, or preview another --channel',
    });
    await ws.write('data/bad.json', '{\n  "traits": { "first_name": "Ada", }\n}\n');
    const bad = await preview('order', '--data', 'data/bad.json');
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/^touchpoint preview: data\/bad\.json:2:36: not valid JSON: /);
    await ws.write('data/shape.json', '{ "traits": [], "evnt": {} }');
    expect((await preview('order', '--data', 'data/shape.json')).err).toContain('data/shape.json: traits: ');
    expect(await preview('order', '--channel', 'fax')).toMatchObject({ code: 2 });
    expect((await preview('order', '--locale', 'not a tag')).err).toContain('--locale "not a tag" is not a BCP 47 locale tag');
  });
});
