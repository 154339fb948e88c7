// Survey scales and their categories (NPS, CSAT, CES) and the aggregates reports use. Pure.

export type SurveyKind = 'nps' | 'csat' | 'ces';
export const SURVEY_KINDS: readonly SurveyKind[] = ['nps', 'csat', 'ces'];

export type NpsCategory = 'promoter' | 'passive' | 'detractor';
export type CsatCategory = 'satisfied' | 'neutral' | 'unsatisfied';
/** CES on the common 7-point "the company made it easy" agreement scale: 5–7 easy, 4 neutral, 1–3 hard. */
export type CesCategory = 'easy' | 'neutral' | 'hard';
export type SurveyCategory = NpsCategory | CsatCategory | CesCategory;

/** The scale of each kind, inclusive. */
export const SCALES: Readonly<Record<SurveyKind, { min: number; max: number }>> = {
  nps: { min: 0, max: 10 },
  csat: { min: 1, max: 5 },
  ces: { min: 1, max: 7 },
};

/** True when `score` is a whole number on the kind's scale. */
export function isValidScore(kind: SurveyKind, score: number): boolean {
  const { min, max } = SCALES[kind];
  return Number.isInteger(score) && score >= min && score <= max;
}

/** The category of a score; throws a readable error for a score off the scale. */
export function categorize(kind: SurveyKind, score: number): SurveyCategory {
  if (!isValidScore(kind, score)) {
    const { min, max } = SCALES[kind];
    throw new RangeError(`A ${kind} score must be a whole number from ${min} to ${max}; got ${score}.`);
  }
  switch (kind) {
    case 'nps':
      return score >= 9 ? 'promoter' : score >= 7 ? 'passive' : 'detractor';
    case 'csat':
      return score >= 4 ? 'satisfied' : score === 3 ? 'neutral' : 'unsatisfied';
    case 'ces':
      return score >= 5 ? 'easy' : score === 4 ? 'neutral' : 'hard';
  }
}

/** Net Promoter Score: % promoters (9–10) − % detractors (0–6), −100..100; null with no answers. */
export function nps(scores: readonly number[]): number | null {
  if (scores.length === 0) return null;
  const promoters = scores.filter((s) => s >= 9).length;
  const detractors = scores.filter((s) => s <= 6).length;
  return ((promoters - detractors) / scores.length) * 100;
}

/** CSAT %: the share of answers that are 4 or 5, 0..100; null with no answers. */
export function csatPercent(scores: readonly number[]): number | null {
  if (scores.length === 0) return null;
  return (scores.filter((s) => s >= 4).length / scores.length) * 100;
}

/** CES: the mean score (1..7, higher is easier); null with no answers. */
export function cesAverage(scores: readonly number[]): number | null {
  if (scores.length === 0) return null;
  return scores.reduce((sum, s) => sum + s, 0) / scores.length;
}

/** How many answers gave each score of the kind's scale (every score present, zero when none). */
export function distribution(kind: SurveyKind, scores: readonly number[]): Record<number, number> {
  const { min, max } = SCALES[kind];
  const counts: Record<number, number> = {};
  for (let s = min; s <= max; s++) counts[s] = 0;
  for (const s of scores) if (isValidScore(kind, s)) counts[s] = (counts[s] ?? 0) + 1;
  return counts;
}
