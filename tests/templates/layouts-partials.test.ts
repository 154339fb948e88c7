// Partials, layouts and stylesheets read from the templates directory: rendered through the
// layout with the stylesheet's rules inlined into style="", and located problems when missing.
import { formatProblem } from '../../dsl/problems';
import { readTemplate } from '../../dsl/templates';
import { decodeBundle } from '../../render/bundle';
import { compileTemplate } from '../../render/renderer';
import { makeWorkspace, type Workspace } from '../dsl/support/workspace';
import { context, templateFile } from './support';

const LAYOUT = [
  '<!doctype html>',
  '<html lang="{{@lang}}"><head><link rel="stylesheet" href="../styles/mail.css"></head>',
  '<body><div class="card">{{#if preheader}}<span class="pre">{{preheader}}</span>{{/if}}{{> @partial-block}}</div>{{> footer}}</body></html>',
].join('\n');
const CSS = '.card { padding: 12px; color: #2d2a26; }\n.pre { display: none; }\n.footer a { color: #888888; }\n@media (max-width: 600px) { .card { padding: 4px; } }\n';
const FOOTER = '<p class="footer">Ferncroft{{#if links.unsubscribe}} · <a href="{{links.unsubscribe}}">Unsubscribe</a>{{/if}}</p>';
const WELCOME = templateFile({
  'email.subject': 'Hi {{traits.first_name}} & co',
  'email.html': '{{#> layouts/base preheader="Ready"}}\n<p>Hello {{traits.first_name}}</p>\n{{/layouts/base}}',
  'email.text': 'Hello {{traits.first_name}}\n{{> footer}}',
});

describe('layouts, partials and stylesheets', () => {
  let ws: Workspace;
  const read = (name = 'welcome') => readTemplate(`${ws.dir}/templates`, name, ws.dir);
  beforeEach(async () => {
    ws = await makeWorkspace({
      'templates/welcome.hbs': WELCOME,
      'templates/layouts/base.hbs': LAYOUT,
      'templates/partials/footer.hbs': FOOTER,
      'templates/partials/footer.it.hbs': '<p class="footer">Ferncroft · <a href="{{links.unsubscribe}}">Disiscriviti</a></p>',
      'templates/styles/mail.css': CSS,
    });
  });
  afterEach(() => ws.remove());

  test('the email renders through the layout, with the stylesheet inlined into style attributes', async () => {
    const template = await read();
    expect(template?.problems).toEqual([]);
    const email = compileTemplate({ hash: template?.hash ?? '', name: 'welcome', source: template?.source ?? '' }).email(context({ first_name: 'Ada' }));
    expect(email.subject).toBe('Hi Ada & co');
    expect(email.html).toContain('<html lang="en">');
    expect(email.html).toContain('<div class="card" style="padding: 12px; color: #2d2a26;"><span class="pre" style="display: none;">Ready</span>');
    expect(email.html).toContain('<p>Hello Ada</p>');
    expect(email.html).toContain('<a href="https://touchpoint.example/u/tok" style="color: #888888;">Unsubscribe</a>');
    // The link is gone, the media query stays for clients that read <style>.
    expect(email.html).not.toContain('<link');
    expect(email.html).toMatch(/<style>\s*@media \(max-width: 600px\) \{\s*\.card \{\s*padding: 4px;/);
    expect(email.text).toBe('Hello Ada\n<p class="footer">Ferncroft · <a href="https://touchpoint.example/u/tok">Unsubscribe</a></p>');
  });

  test('a partial\'s locale variant is used with the template variant of that language', async () => {
    await ws.write('templates/welcome.it.hbs', WELCOME.replace('Hello', 'Ciao'));
    const template = await read();
    const compiled = compileTemplate({ hash: 'h', name: 'welcome', source: template?.source ?? '' });
    const italian = compiled.email(context({ first_name: 'Ada', locale: 'it-IT' }));
    expect(italian.locale).toBe('it');
    expect(italian.html).toContain('<html lang="it">');
    expect(italian.html).toContain('<p>Ciao Ada</p>');
    expect(italian.html).toContain('Disiscriviti');
    expect(compiled.email(context({ locale: 'de' })).html).toContain('Unsubscribe');
  });

  test('the bundle pins every variant, partial, layout and stylesheet used, and nothing else', async () => {
    await ws.write('templates/partials/unused.hbs', 'never called');
    await ws.write('templates/welcome.it.hbs', WELCOME);
    const bundle = decodeBundle((await read())?.source ?? '');
    expect(Object.keys(bundle.variants).sort()).toEqual(['', 'it']);
    expect(Object.keys(bundle.partials)).toEqual(['footer']);
    expect(Object.keys(bundle.partials.footer ?? {}).sort()).toEqual(['', 'it']);
    expect(bundle.layouts).toEqual({ base: { '': LAYOUT } });
    expect(bundle.styles).toEqual({ mail: CSS });
  });

  test('a missing partial, layout or stylesheet is located where it is named, with the closest name', async () => {
    await ws.write(
      'templates/broken.hbs',
      templateFile({ 'email.subject': 'S', 'email.html': '{{#> layouts/bse}}\n  x {{> foter}}\n{{/layouts/bse}}', 'email.text': '{{> text-footer}}' }),
    );
    await ws.write('templates/layouts/plain.hbs', '<link rel="stylesheet" href="styles/missing.css">\n{{> @partial-block}}');
    await ws.write('templates/linked.hbs', templateFile({ 'email.subject': 'S', 'email.html': '{{#> layouts/plain}}x{{/layouts/plain}}' }));
    expect((await read('broken'))?.problems.map(formatProblem)).toEqual([
      'templates/broken.hbs:4:6: email.html: layout "layouts/bse" has no file templates/layouts/bse.hbs: create it — did you mean "layouts/base"?',
      'templates/broken.hbs:5:9: email.html: partial "foter" has no file templates/partials/foter.hbs: create it — did you mean "footer"?',
      'templates/broken.hbs:8:5: email.text: partial "text-footer" has no file templates/partials/text-footer.hbs: create it',
    ]);
    expect((await read('linked'))?.problems.map(formatProblem)).toEqual([
      'templates/layouts/plain.hbs:1:1: stylesheet "styles/missing.css" has no file templates/styles/missing.css: create it',
    ]);
  });

  test('variant files with an unknown locale tag, a broken partial and an unknown helper are problems', async () => {
    await ws.write('templates/welcome.itt.hbs', WELCOME);
    await ws.write('templates/partials/footer.xx.hbs', FOOTER);
    await ws.write('templates/layouts/base.hbs', LAYOUT.replace('{{> footer}}', '{{> footer}}{{#if x}}'));
    await ws.write('templates/welcome.de.hbs', WELCOME.replace('Hello {{traits.first_name}}</p>', 'Hallo {{upper traits.first_name}}</p>'));
    expect((await read())?.problems.map(formatProblem)).toEqual([
      'templates/welcome.itt.hbs:1:1: "itt" is not a known locale tag, so no customer would get this file: name variants welcome.<BCP 47 tag>.hbs, e.g. welcome.it.hbs or welcome.pt-BR.hbs',
      'templates/welcome.de.hbs:5:12: email.html: "upper" is called like a helper, but there is no such helper; helpers are if, unless, each, with, lookup, log, money, date, time, number, percent',
      'templates/layouts/base.hbs:3:1: Handlebars cannot read this file: a {{#block}} is never closed: add its {{/block}} (e.g. {{/if}})',
      'templates/partials/footer.xx.hbs:1:1: "xx" is not a known locale tag, so no customer would get this file: name variants footer.<BCP 47 tag>.hbs, e.g. footer.it.hbs or footer.pt-BR.hbs',
    ]);
  });
});
