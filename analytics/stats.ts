// The statistics of A/B results, pure and dependency-free: the normal distribution, the
// two-proportion z-test, the Wald interval of a difference, lift and sample sizes.
//
// Formulas (p₁ = c₁/n₁ the control's conversion rate, p₂ = c₂/n₂ the variant's):
//   pooled rate     p̂ = (c₁ + c₂) / (n₁ + n₂)
//   z               = (p₂ − p₁) / √(p̂(1 − p̂)(1/n₁ + 1/n₂))             (pooled SE: the null hypothesis p₁ = p₂)
//   p-value         = 2 · Φ(−|z|)                                       (two-sided)
//   95% CI of p₂−p₁ = (p₂ − p₁) ± z₀.₉₇₅ · √(p₁(1−p₁)/n₁ + p₂(1−p₂)/n₂)  (unpooled SE, Wald)
//   lift            = (p₂ − p₁) / p₁
//   n per group     = (z₀.₉₇₅·√(2p̄(1−p̄)) + z₀.₈·√(p₁(1−p₁) + p₂(1−p₂)))² / (p₂ − p₁)²,  p̄ = (p₁+p₂)/2
//                     (80% power at α = 0.05, two-sided; Fleiss, Statistical Methods for Rates and Proportions, 3rd ed., 4.14)
//   MDE (absolute)  = (z₀.₉₇₅ + z₀.₈) · √(2p₁(1−p₁)/n)                  (n = the smaller group)
//
// Φ is W. J. Cody's rational Chebyshev approximation ("Rational Chebyshev approximations for the
// error function", Math. Comp. 1969; ACM TOMS Algorithm 715, ANORM) with the coefficients R's
// nmath/pnorm.c uses: about 1e-16 relative error down to tail probabilities of 1e-300, where the
// Abramowitz–Stegun 7.1.26 formula (absolute error 1.5e-7) would make every p below 1e-6 noise.

/** z₀.₉₇₅: the two-sided 95% quantile of the standard normal. */
export const Z_95 = 1.959963984540054;
/** z₀.₈: the one-sided quantile for 80% power. */
export const Z_POWER_80 = 0.8416212335729143;
/** Below this many runs in a group a test result is flagged whatever the power calculation says. */
export const MIN_GROUP_RUNS = 100;

const SQRT_32 = 5.656854249492380195206754896838;
const ONE_OVER_SQRT_2PI = 0.398942280401432677939946059934;

const A = [2.2352520354606839287, 161.02823106855587881, 1067.6894854603709582, 18154.981253343561249, 0.065682337918207449113];
const B = [47.20258190468824187, 976.09855173777669322, 10260.932208618978205, 45507.789335026729956];
const C = [0.39894151208813466764, 8.8831497943883759412, 93.506656132177855979, 597.27027639480026226, 2494.5375852903726711,
  6848.1904505362823326, 11602.651437647350124, 9842.7148383839780218, 1.0765576773720192317e-8];
const D = [22.266688044328115691, 235.38790178262499861, 1519.377599407554805, 6485.558298266760755, 18615.571640885098091,
  34900.952721145977266, 38912.003286093271411, 19685.429676859990727];
const P = [0.21589853405795699, 0.1274011611602473639, 0.022235277870649807, 0.001421619193227893466, 2.9112874951168792e-5, 0.02307344176494017303];
const Q = [1.28426009614491121, 0.468238212480865118, 0.0659881378689285515, 0.00378239633202758244, 7.29751555083966205e-5];

const at = (coefficients: readonly number[], i: number): number => coefficients[i] ?? 0;

/** exp(−x²/2) without the cancellation of squaring x directly (x split at 1/16, as Cody does). */
function gaussianTail(x: number, factor: number): number {
  const xsq = Math.trunc(x * 16) / 16;
  const del = (x - xsq) * (x + xsq);
  return Math.exp(-xsq * xsq * 0.5) * Math.exp(-del * 0.5) * factor;
}

/** Φ(x) = P[Z ≤ x] for a standard normal Z, accurate in both tails (use normalCdf(−x) for P[Z > x]). */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const y = Math.abs(x);
  if (y <= 0.67448975) {
    // Near the centre: Φ(x) = ½ + x·R(x²).
    let num = at(A, 4) * y * y;
    let den = y * y;
    for (let i = 0; i < 3; i++) {
      num = (num + at(A, i)) * y * y;
      den = (den + at(B, i)) * y * y;
    }
    return 0.5 + (x * (num + at(A, 3))) / (den + at(B, 3));
  }
  let upper: number; // P[Z > y]
  if (y <= SQRT_32) {
    let num = at(C, 8) * y;
    let den = y;
    for (let i = 0; i < 7; i++) {
      num = (num + at(C, i)) * y;
      den = (den + at(D, i)) * y;
    }
    upper = gaussianTail(y, (num + at(C, 7)) / (den + at(D, 7)));
  } else if (y < 37.5193) {
    const xsq = 1 / (y * y);
    let num = at(P, 5) * xsq;
    let den = xsq;
    for (let i = 0; i < 4; i++) {
      num = (num + at(P, i)) * xsq;
      den = (den + at(Q, i)) * xsq;
    }
    const r = (xsq * (num + at(P, 4))) / (den + at(Q, 4));
    upper = gaussianTail(y, (ONE_OVER_SQRT_2PI - r) / y);
  } else {
    upper = 0;
  }
  return x > 0 ? 1 - upper : upper;
}

export interface ProportionTest {
  /** p₂ − p₁. */
  difference: number;
  z: number;
  /** Two-sided p-value. */
  pValue: number;
}

/**
 * Two-proportion z-test of `variant` (c₂ of n₂) against `control` (c₁ of n₁) with the pooled SE;
 * null when either group is empty or the pooled rate is 0 or 1 (no variance: nothing to test).
 */
export function twoProportionTest(control: { conversions: number; runs: number }, variant: { conversions: number; runs: number }): ProportionTest | null {
  const { conversions: c1, runs: n1 } = control;
  const { conversions: c2, runs: n2 } = variant;
  if (n1 <= 0 || n2 <= 0) return null;
  const pooled = (c1 + c2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (!(se > 0)) return null;
  const difference = c2 / n2 - c1 / n1;
  const z = difference / se;
  return { difference, z, pValue: 2 * normalCdf(-Math.abs(z)) };
}

/** The 95% Wald interval of p₂ − p₁ (unpooled SE); null when a group is empty. */
export function differenceCi95(control: { conversions: number; runs: number }, variant: { conversions: number; runs: number }): [number, number] | null {
  if (control.runs <= 0 || variant.runs <= 0) return null;
  const p1 = control.conversions / control.runs;
  const p2 = variant.conversions / variant.runs;
  const half = Z_95 * Math.sqrt((p1 * (1 - p1)) / control.runs + (p2 * (1 - p2)) / variant.runs);
  return [p2 - p1 - half, p2 - p1 + half];
}

/** (p₂ − p₁) / p₁; null when the control rate is 0 or unknown. */
export function relativeLift(controlRate: number | null, variantRate: number | null): number | null {
  if (controlRate === null || variantRate === null || controlRate === 0) return null;
  return (variantRate - controlRate) / controlRate;
}

/** Runs per group for 80% power at α = 0.05 (two-sided) to detect p₁ → p₂; null when p₁ = p₂ (never). */
export function requiredRunsPerGroup(p1: number, p2: number): number | null {
  const delta = Math.abs(p2 - p1);
  if (delta === 0) return null;
  const mean = (p1 + p2) / 2;
  const root = Z_95 * Math.sqrt(2 * mean * (1 - mean)) + Z_POWER_80 * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2));
  return Math.ceil((root * root) / (delta * delta));
}

/** The smallest absolute difference from base rate `p1` that `runs` per group detect with 80% power at α = 0.05. */
export function minimumDetectableEffect(p1: number, runs: number): number | null {
  if (runs <= 0) return null;
  return (Z_95 + Z_POWER_80) * Math.sqrt((2 * p1 * (1 - p1)) / runs);
}
