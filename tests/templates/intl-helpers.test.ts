// money, date, time, number and percent format through Intl in the customer's locale and time
// zone; what they cannot read renders as written, never an error.
import { compileTemplate } from '../../render/renderer';
import { bundleVersion, context, templateFile } from './support';

// Intl separates "49,90" and "€" with a no-break space; compare with plain spaces.
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');
const render = (body: string, traits: Record<string, unknown>, properties: Record<string, unknown> = {}, defaults = {}) =>
  plain(compileTemplate(bundleVersion('t', { variants: { '': templateFile({ 'email.subject': 's', 'email.text': body }) } }), defaults).email(context(traits, properties)).text);

const order = { total: 49.9, currency: 'EUR', big: 1234567.891, rate: 0.256, at: '2025-03-09T23:30:00.000Z', day: '2025-03-09' };
const all = '{{money event.properties.total event.properties.currency}} | {{number event.properties.big maximumFractionDigits=1}} | {{percent event.properties.rate}} | {{date event.properties.at style="long"}} | {{time event.properties.at}}';

describe('Intl helpers', () => {
  test('Italian customer in Rome', () => {
    expect(render(all, { locale: 'it', timezone: 'Europe/Rome' }, order)).toBe('49,90 € | 1.234.567,9 | 26% | 10 marzo 2025 | 00:30');
  });

  test('English customer in New York', () => {
    expect(render(all, { locale: 'en-US', timezone: 'America/New_York' }, order)).toBe('€49.90 | 1,234,567.9 | 26% | March 9, 2025 | 7:30 PM');
  });

  test('German customer in Berlin', () => {
    expect(render(all, { locale: 'de', timezone: 'Europe/Berlin' }, order)).toBe('49,90 € | 1.234.567,9 | 26 % | 10. März 2025 | 00:30');
  });

  test('without traits: locale en and the renderer\'s default time zone', () => {
    expect(render('{{date event.properties.at}} {{time event.properties.at}}', {}, order, { defaultTimezone: 'Asia/Tokyo' })).toBe('Mar 10, 2025 8:30 AM');
    expect(render('{{date event.properties.at}} {{time event.properties.at}}', {}, order)).toBe('Mar 9, 2025 11:30 PM');
  });

  test('a bare date stays on its calendar day in every time zone', () => {
    expect(render('{{date event.properties.day style="full"}}', { locale: 'en', timezone: 'Pacific/Honolulu' }, order)).toBe('Sunday, March 9, 2025');
  });

  test('money takes a numeric string, a display option, and no currency at all', () => {
    expect(render('{{money "12.5" "usd" display="code"}} / {{money 3}}', { locale: 'en' })).toBe('USD 12.50 / 3.00');
  });

  test('bad input renders as written and never throws', () => {
    const body = '[{{money "n/a" "EUR"}}] [{{money 5 "EURO"}}] [{{money 5 "XYZ"}}] [{{date "next tuesday"}}] [{{time nothing}}] [{{number "12abc"}}] [{{percent traits.rate}}] [{{number 1.5 maximumFractionDigits=99}}] [{{date event.properties.total style="weird"}}]';
    expect(render(body, { locale: 'it', timezone: 'Not/AZone', rate: { a: 1 } }, order)).toBe(
      '[n/a] [5,00] [5,00 XYZ] [next tuesday] [] [12abc] [{"a":1}] [1,5] [1 gen 1970]',
    );
  });

  test('in HTML the helpers\' output is escaped like any value', () => {
    const version = bundleVersion('t', { variants: { '': templateFile({ 'email.subject': 's', 'email.html': '<p>{{date traits.when}}</p>' }) } });
    expect(compileTemplate(version).email(context({ when: '<b>soon</b>' })).html).toBe('<p>&lt;b&gt;soon&lt;/b&gt;</p>');
  });
});
