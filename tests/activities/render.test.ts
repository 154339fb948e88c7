// Rendering pinned template versions: escaping per part, text derived from HTML, and the
// error when the store lacks the pinned version.
import { compileTemplate, createRenderer, type RenderContext } from '../../render/renderer';
import { htmlToText } from '../../render/html-to-text';
import type { TemplateVersion } from '../../store/types';

const context: RenderContext = {
  customer: { id: 'c-1' },
  traits: { first_name: 'Ann & <b>Bo</b>', orders: [{ sku: 'a' }, { sku: 'b' }] },
  event: { name: 'order.completed', properties: { total: '12.50' }, timestamp: '2024-05-01T10:00:00.000Z' },
  journey: { id: 'post-purchase' },
};

const version = (source: string, hash = 'h1'): TemplateVersion => ({ hash, name: 'thanks', source });

describe('template rendering', () => {
  test('HTML is escaped while subject, SMS and push parts keep "&" and "<" as written', () => {
    const template = compileTemplate(
      version(
        [
          '{{!-- email.subject --}}',
          'Thanks {{traits.first_name}}',
          '{{!-- email.html --}}',
          '<p>Thanks {{traits.first_name}} for {{event.properties.total}}</p>',
          '{{!-- sms.text --}}',
          '{{traits.first_name}}: {{journey.id}} {{customer.id}}',
          '{{!-- push.title --}}',
          'Hi {{traits.first_name}}',
          '{{!-- push.body --}}',
          '{{#each traits.orders}}{{sku}} {{/each}}',
        ].join('\n'),
      ),
    );
    expect(template.email(context)).toEqual({
      subject: 'Thanks Ann & <b>Bo</b>',
      html: '<p>Thanks Ann &amp; &lt;b&gt;Bo&lt;/b&gt; for 12.50</p>',
      text: 'Thanks Ann & <b>Bo</b> for 12.50',
      locale: null,
    });
    expect(template.sms(context)).toEqual({ text: 'Ann & <b>Bo</b>: post-purchase c-1', locale: null });
    expect(template.push(context)).toEqual({ title: 'Hi Ann & <b>Bo</b>', body: 'a b', url: null, icon: null, locale: null });
  });

  test('a channel whose parts are missing names the template, the part and the file to fix', () => {
    const template = compileTemplate(version('{{!-- email.subject --}}\nHi'));
    expect(() => template.email(context)).toThrow('Template "thanks" (version h1) cannot be sent by email: it has no email.html or email.text part; add it to templates/thanks.hbs');
    expect(() => template.sms(context)).toThrow('it has no sms.text part');
  });

  test('the renderer compiles a version once and names the hash and template when the store lacks it', async () => {
    let reads = 0;
    const renderer = createRenderer({
      async getTemplateVersion(hash) {
        reads += 1;
        return hash === 'h1' ? version('{{!-- email.subject --}}\nS\n{{!-- email.text --}}\nT') : null;
      },
    });
    expect((await renderer.load({ name: 'thanks', hash: 'h1' })).email(context)).toEqual({ subject: 'S', html: null, text: 'T', locale: null });
    await renderer.load({ name: 'thanks', hash: 'h1' });
    expect(reads).toBe(1);
    await expect(renderer.load({ name: 'welcome', hash: 'abc123' })).rejects.toThrow(
      'Template "welcome" version abc123 is not in this worker\'s store',
    );
  });
});

describe('htmlToText', () => {
  test('keeps link URLs as "label [url]", turns blocks and list items into lines, drops styles and decodes entities', () => {
    const html = `<html><head><style>p { color: red }</style><title>x</title></head><body>
      <h1>Your   order</h1>
      <p>Total: &euro;12 &amp; free&nbsp;shipping<br>Thanks!</p>
      <ul><li>One</li><li>Two</li></ul>
      <p><a href="https://example.com/o?id=1&amp;x=2">Track it</a> or <a href="https://example.com">https://example.com</a></p>
      <p>&lt;b&gt;literal&lt;/b&gt;</p>
    </body></html>`;
    expect(htmlToText(html)).toBe(
      'Your order\n\nTotal: €12 & free\u00a0shipping\nThanks!\n\n- One\n- Two\n\nTrack it [https://example.com/o?id=1&x=2] or https://example.com\n\n<b>literal</b>',
    );
  });

  test('decodes every HTML entity, named or numeric, not a short list of them', () => {
    const html = '<p>Caff&egrave; &middot; cr&egrave;me br&ucirc;l&eacute;e &mdash; 5&thinsp;&times;&thinsp;2 &frac12; &hearts; &#8212; &#x2603; &laquo;ciao&raquo; &Omega;</p>';
    expect(htmlToText(html)).toBe('Caffè · crème brûlée — 5\u2009×\u20092 ½ ♥ — ☃ «ciao» Ω');
  });

  test('an email layout table reads cell by cell; images give their alt text; mailto and javascript links stay readable', () => {
    const html =
      '<table><tr><td><img src="https://cdn.example.com/logo.png" alt="Negozio"></td></tr><tr><td><p>Ciao Giulia,</p><p>il tuo ordine &egrave; partito.</p></td></tr>' +
      '<tr><td><a href="mailto:help@example.com">help@example.com</a> &middot; <a href="javascript:void(0)">chiudi</a> &middot; <a href="#top">su</a></td></tr></table>';
    expect(htmlToText(html)).toBe('Negozio\n\nCiao Giulia,\n\nil tuo ordine è partito.\n\nhelp@example.com · chiudi · su');
  });
});
