// SMS part counting (GSM-7 vs UCS-2) and phone normalisation: pure helpers of the SMS channel.
import { isE164, normalisePhone } from '../../activities/channels/phone-number';
import { countSmsSegments } from '../../render/sms-segments';

describe('countSmsSegments', () => {
  test('plain text up to 160 GSM-7 characters is one part, 161 is two of at most 153', () => {
    expect(countSmsSegments('a'.repeat(160))).toEqual({ encoding: 'GSM-7', segments: 1, units: 160 });
    expect(countSmsSegments('a'.repeat(161))).toEqual({ encoding: 'GSM-7', segments: 2, units: 161 });
    expect(countSmsSegments('a'.repeat(306))).toEqual({ encoding: 'GSM-7', segments: 2, units: 306 });
    expect(countSmsSegments('a'.repeat(307))).toEqual({ encoding: 'GSM-7', segments: 3, units: 307 });
  });

  test('extension characters such as € and { cost two septets and are never split across parts', () => {
    expect(countSmsSegments('€'.repeat(80))).toEqual({ encoding: 'GSM-7', segments: 1, units: 160 });
    // 152 septets, then a two-septet € that would straddle the 153 boundary: it opens part two.
    expect(countSmsSegments(`${'a'.repeat(152)}€${'a'.repeat(10)}`)).toEqual({ encoding: 'GSM-7', segments: 2, units: 164 });
  });

  test('one character outside GSM-7 switches the whole text to UCS-2: 70 units, then 67 per part', () => {
    expect(countSmsSegments(`${'a'.repeat(69)}ł`)).toEqual({ encoding: 'UCS-2', segments: 1, units: 70 });
    expect(countSmsSegments(`${'a'.repeat(70)}ł`)).toEqual({ encoding: 'UCS-2', segments: 2, units: 71 });
    // An emoji is two UTF-16 units and stays whole.
    expect(countSmsSegments(`${'a'.repeat(66)}😀`)).toEqual({ encoding: 'UCS-2', segments: 1, units: 68 });
    expect(countSmsSegments(`${'a'.repeat(66)}😀${'a'.repeat(3)}`)).toEqual({ encoding: 'UCS-2', segments: 2, units: 71 });
  });

  test('an empty text is no part at all', () => {
    expect(countSmsSegments('')).toEqual({ encoding: 'GSM-7', segments: 0, units: 0 });
  });
});

describe('normalisePhone', () => {
  test.each([
    ['+1 (415) 555-0100', '+14155550100'],
    ['0044 20 7946 0000', '+442079460000'],
    [' +39 06.6988.1234 ', '+390669881234'],
  ])('%s becomes %s', (raw, e164) => {
    expect(normalisePhone(raw)).toBe(e164);
    expect(isE164(normalisePhone(raw))).toBe(true);
  });

  test('a number without a country code is kept as written, for Twilio to judge', () => {
    expect(normalisePhone(' 555-0100 ')).toBe('555-0100');
    expect(isE164('555-0100')).toBe(false);
  });
});
