// The offline lexicon sentiment scorer on real English and Italian feedback.
import { detectLanguage, scoreSentiment } from '../../sentiment';

describe('sentiment', () => {
  test('a broken delivery with support that never answered is negative Italian', () => {
    const result = scoreSentiment('Il prodotto è arrivato rotto e il servizio clienti non mi ha mai risposto');
    expect(result.language).toBe('it');
    expect(result.label).toBe('negative');
    expect(result.score).toBeLessThan(0);
  });

  test('"non è male" is not negative: the negation flips "male"', () => {
    expect(scoreSentiment('non è male', 'it').label).not.toBe('negative');
    expect(scoreSentiment('è male', 'it').label).toBe('negative');
  });

  test('Italian praise is positive and an intensifier makes it stronger', () => {
    const plain = scoreSentiment('Il servizio è stato veloce e il personale gentile');
    const strong = scoreSentiment('Il servizio è stato molto veloce e il personale molto gentile');
    expect(plain.label).toBe('positive');
    expect(strong.score).toBeGreaterThan(plain.score);
  });

  test('Italian inflected forms are found through the masculine form', () => {
    expect(scoreSentiment('la scatola era rotta e danneggiata', 'it').label).toBe('negative');
  });

  test('English praise is positive, complaints are negative and "not good" is negative', () => {
    expect(scoreSentiment('Great service, the delivery was fast and the staff very friendly').label).toBe('positive');
    expect(scoreSentiment('Terrible experience. The package arrived damaged and nobody answered my emails.').label).toBe('negative');
    expect(scoreSentiment('The product is not good').label).toBe('negative');
    expect(scoreSentiment('not bad at all').label).toBe('positive');
  });

  test('text with no sentiment words is neutral with score 0', () => {
    expect(scoreSentiment('I ordered on Tuesday')).toEqual({ score: 0, label: 'neutral', language: 'en' });
  });

  test('emoji count: a thumbs down alone is negative, a heart is positive', () => {
    expect(scoreSentiment('👎').label).toBe('negative');
    expect(scoreSentiment('thanks ❤️').label).toBe('positive');
  });

  test('scores stay within −1..1 however many words pile up', () => {
    const score = scoreSentiment('terrible awful horrible worst disaster '.repeat(20)).score;
    expect(score).toBeGreaterThanOrEqual(-1);
    expect(score).toBeLessThan(-0.9);
  });

  test('language detection tells Italian from English by function words', () => {
    expect(detectLanguage('Non mi è piaciuto per niente, il pacco è arrivato tardi')).toBe('it');
    expect(detectLanguage('I did not like it, the parcel was late')).toBe('en');
  });
});
