// Survey scores from a score distribution (score → count, as SQL groups them), with the same
// categories and formulas as surveys/scoring.ts: NPS, CSAT %, CES mean, and sentiment shares.
import { categorize, distribution, SCALES, type SurveyKind } from '../surveys/scoring';

/** Score → count. */
export type Distribution = Record<number, number>;

/** Every point of the kind's scale, with the counts of `counts` (scores off the scale are dropped). */
export function fullDistribution(kind: SurveyKind, counts: Distribution): Distribution {
  const out = distribution(kind, []);
  for (const [score, count] of Object.entries(counts)) if (Number(score) in out) out[Number(score)] = (out[Number(score)] ?? 0) + count;
  return out;
}

/** Category (promoter, satisfied, easy, …) → count, by surveys/scoring.ts's categorize. */
export function categoryCounts(kind: SurveyKind, counts: Distribution): Record<string, number> {
  const out: Record<string, number> = {};
  const { min, max } = SCALES[kind];
  for (let score = min; score <= max; score++) out[categorize(kind, score)] = 0;
  for (const [score, count] of Object.entries(fullDistribution(kind, counts))) {
    const category = categorize(kind, Number(score));
    out[category] = (out[category] ?? 0) + count;
  }
  return out;
}

/**
 * The kind's headline score over a distribution, null without answers. Equal to scoring.ts's
 * nps / csatPercent / cesAverage over the same answers listed one by one (tests/analytics check it):
 * NPS = (promoters − detractors) / answers × 100; CSAT = satisfied / answers × 100; CES = Σ score·count / answers.
 */
export function surveyScore(kind: SurveyKind, counts: Distribution): number | null {
  const dist = fullDistribution(kind, counts);
  const answers = Object.values(dist).reduce((sum, n) => sum + n, 0);
  if (answers === 0) return null;
  const categories = categoryCounts(kind, dist);
  switch (kind) {
    case 'nps':
      return (((categories.promoter ?? 0) - (categories.detractor ?? 0)) / answers) * 100;
    case 'csat':
      return ((categories.satisfied ?? 0) / answers) * 100;
    case 'ces':
      return Object.entries(dist).reduce((sum, [score, n]) => sum + Number(score) * n, 0) / answers;
  }
}

/** Add `more` into `into` (score → count). */
export function addCounts(into: Distribution, more: Distribution): Distribution {
  for (const [score, count] of Object.entries(more)) into[Number(score)] = (into[Number(score)] ?? 0) + count;
  return into;
}
