// Which locale variant a customer gets: exact tag, then its language, then the default file.
import { chooseVariant, isKnownLocale } from '../../render/locale';
import { compileTemplate } from '../../render/renderer';
import { bundleVersion, context, templateFile } from './support';

const sms = (text: string) => templateFile({ 'sms.text': text });
const welcome = compileTemplate(
  bundleVersion('welcome', { variants: { '': sms('Welcome'), it: sms('Benvenuto'), pt: sms('Bem-vindo'), 'pt-BR': sms('Bem-vindo, do Brasil') } }),
);

describe('locale variants', () => {
  test('the exact tag wins, case-insensitively', () => {
    expect(welcome.sms(context({ locale: 'pt-br' }))).toEqual({ text: 'Bem-vindo, do Brasil', locale: 'pt-BR' });
    expect(welcome.sms(context({ locale: 'IT' }))).toEqual({ text: 'Benvenuto', locale: 'it' });
  });

  test('then the language alone: pt-PT gets pt, it-CH gets it', () => {
    expect(welcome.sms(context({ locale: 'pt-PT' }))).toEqual({ text: 'Bem-vindo', locale: 'pt' });
    expect(welcome.sms(context({ locale: 'it-CH' })).locale).toBe('it');
  });

  test('then the default file, also for a missing or malformed locale', () => {
    for (const locale of ['de', undefined, 42, 'not a tag!']) expect(welcome.sms(context({ locale }))).toEqual({ text: 'Welcome', locale: null });
  });

  test('the context locale (set by the caller) overrides traits.locale', () => {
    expect(welcome.sms({ ...context({ locale: 'it' }), locale: 'pt-BR' }).locale).toBe('pt-BR');
  });

  test('a variant is chosen without a default file only among what exists', () => {
    expect(chooseVariant(['it', 'pt-BR'], 'pt')).toBe('');
    expect(chooseVariant([], 'it')).toBe('');
  });

  test('known locale tags are real languages and regions; typos are not', () => {
    expect(['it', 'pt-BR', 'sr-Latn', 'de-CH'].map(isKnownLocale)).toEqual([true, true, true, true]);
    expect(['xx', 'en-XX', 'itt', 'pt_BR', ''].map(isKnownLocale)).toEqual([false, false, false, false, false]);
  });

  test('a template version saved before bundles (a plain file) still renders', () => {
    const plain = compileTemplate({ hash: 'old', name: 'welcome', source: sms('Hi {{traits.first_name}}') });
    expect(plain.sms(context({ first_name: 'Ada', locale: 'it' }))).toEqual({ text: 'Hi Ada', locale: null });
    expect(plain.locales).toEqual([]);
  });

  test('a variant missing the channel\'s part names that variant\'s file', () => {
    const partial = compileTemplate(bundleVersion('promo', { variants: { '': sms('Hi'), it: templateFile({ 'push.title': 'Ciao', 'push.body': 'x' }) } }));
    expect(() => partial.sms(context({ locale: 'it' }))).toThrow('cannot be sent by sms: it has no sms.text part; add it to templates/promo.it.hbs');
  });
});
