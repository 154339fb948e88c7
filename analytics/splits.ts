// A/B results per split step: each variant's conversion rate against the control's, with lift,
// the 95% interval of the difference, the z-test's p-value and a warning when runs are too few.
import type { Journey } from '../dsl/schema';
import { allSteps } from '../dsl/walk';
import type { ReportData } from './report-data';
import { differenceCi95, MIN_GROUP_RUNS, minimumDetectableEffect, relativeLift, requiredRunsPerGroup, twoProportionTest } from './stats';
import type { SplitReport, VariantReport } from './types';

/** Results at p below this are marked significant. */
export const ALPHA = 0.05;

type Group = { variantId: string; runs: number; conversions: number };

export function splitReports(rows: ReportData['variants'], journey: Journey | undefined): SplitReport[] {
  const defined = new Map<string, { id: string; control: boolean }[]>();
  for (const { step } of journey ? allSteps(journey) : []) {
    if ('split' in step) defined.set(step.id, step.split.variants.map((v) => ({ id: v.id, control: v.control === true })));
  }
  const stepIds = [...defined.keys(), ...[...new Set(rows.map((r) => r.stepId))].filter((id) => !defined.has(id)).sort()];
  return stepIds.map((stepId) => {
    const found = rows.filter((r) => r.stepId === stepId);
    const variants = defined.get(stepId) ?? [...new Set(found.map((r) => r.variantId))].sort().map((id) => ({ id, control: false }));
    // Variants seen in the data but no longer defined (an older version) are listed after the defined ones.
    for (const row of found) if (!variants.some((v) => v.id === row.variantId)) variants.push({ id: row.variantId, control: false });
    const groups: Group[] = variants.map((v) => {
      const mine = found.filter((r) => r.variantId === v.id);
      return { variantId: v.id, runs: mine.reduce((n, r) => n + r.runs, 0), conversions: mine.reduce((n, r) => n + r.conversions, 0) };
    });
    const controlId = (variants.find((v) => v.control) ?? variants[0])?.id ?? null;
    const control = groups.find((g) => g.variantId === controlId);
    return {
      stepId,
      controlId,
      variants: groups.map((g) => variantReport(g, g.variantId === controlId ? undefined : control)),
      sampleSizeWarning: control ? sampleSizeWarning(control, groups.filter((g) => g !== control)) : null,
    };
  });
}

function variantReport(group: Group, control: Group | undefined): VariantReport {
  const conversionRate = group.runs > 0 ? group.conversions / group.runs : null;
  const base = { variantId: group.variantId, control: control === undefined, runs: group.runs, conversions: group.conversions, conversionRate };
  if (!control) return { ...base, lift: null, diffCi95: null, pValue: null, significant: false };
  const test = twoProportionTest(control, group);
  const controlRate = control.runs > 0 ? control.conversions / control.runs : null;
  return {
    ...base,
    lift: relativeLift(controlRate, conversionRate),
    diffCi95: differenceCi95(control, group),
    pValue: test ? test.pValue : null,
    significant: test !== null && test.pValue < ALPHA,
  };
}

const percent = (rate: number) => `${(rate * 100).toFixed(1)}%`;
const runs = (n: number) => `${n.toLocaleString('en-US')} run${n === 1 ? '' : 's'}`;

/** One sentence per variant whose comparison with the control has too few runs; null when none has. */
export function sampleSizeWarning(control: Group, others: Group[]): string | null {
  const sentences: string[] = [];
  for (const variant of others) {
    const pair = `${variant.variantId} vs ${control.variantId}`;
    const empty = [control, variant].filter((g) => g.runs === 0);
    if (empty.length > 0) {
      sentences.push(`${pair}: ${empty.map((g) => g.variantId).join(' and ')} ha${empty.length === 1 ? 's' : 've'} no runs in this range, so nothing can be compared.`);
      continue;
    }
    const p1 = control.conversions / control.runs;
    const p2 = variant.conversions / variant.runs;
    const needed = requiredRunsPerGroup(p1, p2);
    const smallest = Math.min(control.runs, variant.runs);
    const few = [control, variant].filter((g) => g.runs < MIN_GROUP_RUNS).map((g) => `${g.variantId} has ${runs(g.runs)}`);
    const fewText = few.length > 0 ? ` (fewer than ${MIN_GROUP_RUNS}: ${few.join(', ')})` : '';
    if (needed === null) {
      const mde = minimumDetectableEffect(p1, smallest);
      sentences.push(
        `${pair}: no difference observed (${percent(p1)} each); with ${runs(smallest)} per group only a difference of ` +
          `${mde === null ? '?' : `${(mde * 100).toFixed(1)} points`} or more would show (80% power, α = 0.05)${fewText}.`,
      );
    } else if (smallest < needed || few.length > 0) {
      sentences.push(
        `${pair}: telling ${percent(p1)} from ${percent(p2)} with 80% power at α = 0.05 needs ${runs(needed)} per group; ` +
          `${control.variantId} has ${control.runs.toLocaleString('en-US')} and ${variant.variantId} ${variant.runs.toLocaleString('en-US')}${fewText}.`,
      );
    }
  }
  return sentences.length > 0 ? sentences.join(' ') : null;
}
