// SMS length: GSM-7 160 / 153 per part (extension characters count two and never split),
// UCS-2 70 / 67 per part (an emoji is two units), as validation and previews report it.
import { countSmsSegments, describeSmsLength } from '../../render/sms-segments';
import { compileTemplate } from '../../render/renderer';
import { bundleVersion, context, templateFile } from './support';

describe('SMS segments', () => {
  test('GSM-7: one part up to 160 characters, then parts of 153', () => {
    expect(countSmsSegments('a'.repeat(160))).toEqual({ encoding: 'GSM-7', segments: 1, units: 160 });
    expect(countSmsSegments('a'.repeat(161))).toEqual({ encoding: 'GSM-7', segments: 2, units: 161 });
    expect(countSmsSegments('a'.repeat(306)).segments).toBe(2);
    expect(countSmsSegments('a'.repeat(307)).segments).toBe(3);
  });

  test('extension characters (€ [ ] { } ~ ^ | \\) count two septets and stay whole', () => {
    expect(countSmsSegments('€'.repeat(80))).toEqual({ encoding: 'GSM-7', segments: 1, units: 160 });
    expect(countSmsSegments(`${'a'.repeat(159)}[`)).toEqual({ encoding: 'GSM-7', segments: 2, units: 161 });
    expect(countSmsSegments(`${'a'.repeat(152)}~${'a'.repeat(10)}`)).toEqual({ encoding: 'GSM-7', segments: 2, units: 164 });
  });

  test('UCS-2 as soon as one character is outside GSM-7: 70, then parts of 67; an emoji is two units', () => {
    expect(countSmsSegments(`${'a'.repeat(69)}ł`)).toEqual({ encoding: 'UCS-2', segments: 1, units: 70 });
    expect(countSmsSegments(`${'a'.repeat(70)}ł`)).toEqual({ encoding: 'UCS-2', segments: 2, units: 71 });
    expect(countSmsSegments(`${'a'.repeat(68)}🎉`)).toEqual({ encoding: 'UCS-2', segments: 1, units: 70 });
    expect(countSmsSegments(`${'a'.repeat(66)}🎉${'a'.repeat(3)}`)).toEqual({ encoding: 'UCS-2', segments: 2, units: 71 });
    expect(countSmsSegments('a'.repeat(134) + '🎉').segments).toBe(3);
  });

  test('the description says parts, encoding and characters (and septets when they differ)', () => {
    expect(describeSmsLength('a'.repeat(96))).toBe('1 segment (GSM-7, 96 chars)');
    expect(describeSmsLength(`Total €5 ${'a'.repeat(160)}`)).toBe('2 segments (GSM-7, 169 chars, 170 septets)');
    expect(describeSmsLength('Ciao 👋')).toBe('1 segment (UCS-2, 6 chars, 7 UTF-16 units)');
    expect(describeSmsLength('')).toBe('0 segments (GSM-7, 0 chars)');
  });

  test('a rendered SMS has plain spaces where Intl puts no-break ones, so it stays GSM-7', () => {
    const version = bundleVersion('paid', { variants: { '': templateFile({ 'sms.text': 'Paid {{money 49.9 "EUR"}}' }) } });
    const { text } = compileTemplate(version).sms(context({ locale: 'it' }));
    expect(text).toBe('Paid 49,90 €');
    expect(countSmsSegments(text).encoding).toBe('GSM-7');
  });
});
