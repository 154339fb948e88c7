// The A/B statistics against values worked out by hand and published tables, and the survey
// scores from a distribution against surveys/scoring.ts over the same answers one by one.
import { surveyScore, categoryCounts } from '../../analytics/satisfaction';
import { sampleSizeWarning } from '../../analytics/splits';
import { differenceCi95, minimumDetectableEffect, normalCdf, relativeLift, requiredRunsPerGroup, twoProportionTest, Z_95 } from '../../analytics/stats';
import { cesAverage, csatPercent, nps } from '../../surveys/scoring';

describe('the normal distribution (Cody)', () => {
  test.each([
    // Φ(−x) to 16 digits (e.g. R: pnorm(-5) = 2.866515718791939e-07); relative error stays ~1e-15 deep in the tail,
    // where Abramowitz–Stegun 7.1.26 (absolute error 1.5e-7) would be off by orders of magnitude.
    [1, 0.15865525393145707],
    [3, 0.0013498980316300957],
    [5, 2.866515718791946e-7],
    [10, 7.619853024160593e-24],
    [20, 2.7536241186063314e-89],
    [37, 5.725571222525139e-300],
  ])('Φ(−%d) = %d to 13 significant digits, and Φ(x) = 1 − Φ(−x)', (x, expected) => {
    expect(Math.abs(normalCdf(-x) - expected) / expected).toBeLessThan(1e-13);
    expect(normalCdf(x)).toBeCloseTo(1 - expected, 15);
  });

  test('the centre and the 97.5% quantile', () => {
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(0.5)).toBeCloseTo(0.6914624612740131, 15);
    expect(normalCdf(Z_95)).toBeCloseTo(0.975, 15);
    expect(normalCdf(-40)).toBe(0);
  });
});

describe('two proportions: 200 of 1000 (control) vs 250 of 1000', () => {
  const control = { conversions: 200, runs: 1000 };
  const variant = { conversions: 250, runs: 1000 };

  test('z-test with the pooled SE: z ≈ 2.68, two-sided p ≈ 0.0074', () => {
    // p̂ = 450/2000 = 0.225; SE = √(0.225 · 0.775 · (1/1000 + 1/1000)) = √0.00034875 = 0.0186748;
    // z = 0.05 / 0.0186748 = 2.677398; p = 2 · Φ(−2.677398) = 0.0074196.
    const test = twoProportionTest(control, variant);
    expect(test!.difference).toBeCloseTo(0.05, 12);
    expect(test!.z).toBeCloseTo(2.677398, 6);
    expect(test!.pValue).toBeCloseTo(0.0074196, 7);
  });

  test('95% Wald interval of the difference with the unpooled SE, and the lift', () => {
    // SE = √(0.2·0.8/1000 + 0.25·0.75/1000) = √0.0003475 = 0.0186414; 0.05 ± 1.959964 · 0.0186414 = [0.013464, 0.086536].
    const [low, high] = differenceCi95(control, variant)!;
    expect(low).toBeCloseTo(0.013464, 6);
    expect(high).toBeCloseTo(0.086536, 6);
    // (0.25 − 0.2) / 0.2 = +25%.
    expect(relativeLift(0.2, 0.25)).toBeCloseTo(0.25, 12);
    expect(relativeLift(0, 0.25)).toBeNull();
  });

  test('runs per group for 80% power at α = 0.05, and the minimum detectable effect', () => {
    // p̄ = 0.225: (1.959964 · √(2 · 0.225 · 0.775) + 0.841621 · √(0.16 + 0.1875))² / 0.05²
    //   = (1.157459 + 0.496128)² / 0.0025 = 2.734350 / 0.0025 = 1093.7 → 1094.
    expect(requiredRunsPerGroup(0.2, 0.25)).toBe(1094);
    expect(requiredRunsPerGroup(0.2, 0.2)).toBeNull();
    // (1.959964 + 0.841621) · √(2 · 0.2 · 0.8 / 1000) = 2.801585 · 0.0178885 = 0.050116.
    expect(minimumDetectableEffect(0.2, 1000)).toBeCloseTo(0.050116, 6);
    // 1000 per group is short of 1094: the warning says so with both counts.
    expect(sampleSizeWarning({ variantId: 'a', ...control }, [{ variantId: 'b', ...variant }])).toBe(
      'b vs a: telling 20.0% from 25.0% with 80% power at α = 0.05 needs 1,094 runs per group; a has 1,000 and b 1,000.',
    );
    expect(sampleSizeWarning({ variantId: 'a', conversions: 400, runs: 2000 }, [{ variantId: 'b', conversions: 500, runs: 2000 }])).toBeNull();
    // No difference at all: the warning gives the smallest difference these runs could show.
    expect(sampleSizeWarning({ variantId: 'a', ...control }, [{ variantId: 'b', ...control }])).toBe(
      'b vs a: no difference observed (20.0% each); with 1,000 runs per group only a difference of 5.0 points or more would show (80% power, α = 0.05).',
    );
  });

  test('no test without variance or without runs', () => {
    expect(twoProportionTest({ conversions: 0, runs: 10 }, { conversions: 0, runs: 10 })).toBeNull();
    expect(twoProportionTest({ conversions: 0, runs: 0 }, variant)).toBeNull();
    expect(differenceCi95({ conversions: 0, runs: 0 }, variant)).toBeNull();
  });
});

describe('survey scores from a distribution', () => {
  const expand = (counts: Record<number, number>) => Object.entries(counts).flatMap(([score, n]) => Array<number>(n).fill(Number(score)));

  test('NPS, CSAT % and CES equal surveys/scoring.ts over the same answers', () => {
    // NPS: 10, 10, 9, 9, 9 | 8, 7 | 6, 3, 0 → (5 − 3) / 10 × 100 = 20.
    const npsCounts = { 10: 2, 9: 3, 8: 1, 7: 1, 6: 1, 3: 1, 0: 1 };
    expect(surveyScore('nps', npsCounts)).toBe(20);
    expect(surveyScore('nps', npsCounts)).toBe(nps(expand(npsCounts)));
    expect(categoryCounts('nps', npsCounts)).toEqual({ detractor: 3, passive: 2, promoter: 5 });
    // CSAT: 5, 4 of 5, 4, 3, 1 → 50%.
    const csatCounts = { 5: 1, 4: 1, 3: 1, 1: 1 };
    expect(surveyScore('csat', csatCounts)).toBe(50);
    expect(surveyScore('csat', csatCounts)).toBe(csatPercent(expand(csatCounts)));
    // CES: (7 + 5 + 2) / 3.
    const cesCounts = { 7: 1, 5: 1, 2: 1 };
    expect(surveyScore('ces', cesCounts)).toBeCloseTo(14 / 3, 12);
    expect(surveyScore('ces', cesCounts)).toBeCloseTo(cesAverage(expand(cesCounts))!, 12);
    expect(surveyScore('nps', {})).toBeNull();
  });
});
