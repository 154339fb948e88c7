// Survey categories and aggregates, checked against numbers computed by hand.
import { categorize, cesAverage, csatPercent, distribution, isValidScore, nps } from '../../surveys/scoring';

describe('survey scoring', () => {
  test('NPS scores fall into detractor 0–6, passive 7–8 and promoter 9–10', () => {
    expect([0, 6, 7, 8, 9, 10].map((s) => categorize('nps', s))).toEqual(['detractor', 'detractor', 'passive', 'passive', 'promoter', 'promoter']);
  });

  test('CSAT is unsatisfied 1–2, neutral 3, satisfied 4–5; CES is hard 1–3, neutral 4, easy 5–7', () => {
    expect([1, 2, 3, 4, 5].map((s) => categorize('csat', s))).toEqual(['unsatisfied', 'unsatisfied', 'neutral', 'satisfied', 'satisfied']);
    expect([1, 3, 4, 5, 7].map((s) => categorize('ces', s))).toEqual(['hard', 'hard', 'neutral', 'easy', 'easy']);
  });

  test('scores off the scale or not whole are refused with a message naming the range', () => {
    expect(isValidScore('nps', 11)).toBe(false);
    expect(isValidScore('csat', 0)).toBe(false);
    expect(isValidScore('ces', 8)).toBe(false);
    expect(isValidScore('nps', 7.5)).toBe(false);
    expect(isValidScore('nps', 0)).toBe(true);
    expect(() => categorize('csat', 6)).toThrow('A csat score must be a whole number from 1 to 5; got 6.');
  });

  test('NPS is % promoters minus % detractors', () => {
    // 10 answers: promoters 10,9,9,10 (4) · passives 7,8 (2) · detractors 0,3,6,5 (4) → 40% − 40% = 0
    expect(nps([10, 9, 9, 10, 7, 8, 0, 3, 6, 5])).toBe(0);
    // 8 answers: 5 promoters, 2 passives, 1 detractor → 62.5 − 12.5 = 50
    expect(nps([9, 10, 9, 10, 9, 7, 8, 2])).toBe(50);
    expect(nps([1, 2])).toBe(-100);
    expect(nps([])).toBeNull();
  });

  test('CSAT % is the share of 4 and 5; CES is the mean', () => {
    // 3 of 4 are 4 or 5 → 75%
    expect(csatPercent([5, 4, 3, 4])).toBe(75);
    // 1+2+3+4+5+6+7 = 28 over 7 → 4; (7+7+5)/3 = 19/3
    expect(cesAverage([1, 2, 3, 4, 5, 6, 7])).toBe(4);
    expect(cesAverage([7, 7, 5])).toBeCloseTo(19 / 3, 10);
    expect(csatPercent([])).toBeNull();
    expect(cesAverage([])).toBeNull();
  });

  test('the distribution lists every score of the scale, ignoring scores off it', () => {
    expect(distribution('csat', [5, 5, 1, 9])).toEqual({ 1: 1, 2: 0, 3: 0, 4: 0, 5: 2 });
  });
});
