// The report charts as SVG text: structure (one bar per number), sizes proportional to the data,
// accessible names, escaping of marketer-written ids, and a clear "no data yet" for empty data.
import type { SplitReport, StepReport } from '../../analytics/types';
import { exitsChart, funnelChart, npsOverTimeChart, scoreDistributionChart, variantChart, wilson95 } from '../../inspector/charts';

/** Every element `<tag ...>` with the given class, as attribute maps. */
function elements(svg: string, tag: string, className?: string): Record<string, string>[] {
  const found: Record<string, string>[] = [];
  for (const match of svg.matchAll(new RegExp(`<${tag}\\s([^>]*)>`, 'g'))) {
    const attrs = Object.fromEntries([...(match[1] ?? '').matchAll(/([\w:-]+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
    if (className === undefined || (attrs.class ?? '').split(' ').includes(className)) found.push(attrs);
  }
  return found;
}
const num = (attrs: Record<string, string>, name: string) => Number(attrs[name]);

function expectAccessible(svg: string, title: RegExp): void {
  const root = elements(svg, 'svg')[0]!;
  expect(root.role).toBe('img');
  const [titleId, descId] = (root['aria-labelledby'] ?? '').split(' ');
  expect(svg).toMatch(new RegExp(`<title id="${titleId}">[^<]*</title>`));
  expect(svg).toMatch(new RegExp(`<desc id="${descId}">[^<]+</desc>`));
  expect(/<title id="[^"]+">([^<]*)<\/title>/.exec(svg)?.[1]).toMatch(title);
}

const step = (stepId: string, fields: Partial<StepReport>): StepReport => ({ stepId, kind: 'send', reached: 0, ...fields });

describe('funnelChart', () => {
  const steps = [
    step('thank-you', { reached: 200, sent: 180, opened: 90, clicked: 30 }),
    step('await-delivery', { kind: 'wait_for', reached: 150 }),
    step('feedback', { reached: 100, sent: 100, opened: 40, clicked: 10 }),
  ];

  it('draws one bar per number the report has, widths proportional to the values', () => {
    const svg = String(funnelChart({ entered: 200, steps }));
    const bars = elements(svg, 'rect', 'bar');
    expect(bars).toHaveLength(9);
    expect(bars.map((b) => `${b['data-metric']}=${b['data-value']}`)).toEqual(['reached=200', 'sent=180', 'opened=90', 'clicked=30', 'reached=150', 'reached=100', 'sent=100', 'opened=40', 'clicked=10']);
    const widest = num(bars[0]!, 'width');
    for (const bar of bars) expect(num(bar, 'width') / widest).toBeCloseTo(num(bar, 'data-value') / 200, 2);
    for (const value of ['180', '90', '30', '150']) expect(svg).toContain(`>${value}</text>`);
    expectAccessible(svg, /^Funnel/);
    expect(svg).toContain('thank-you: reached 200, sent 180, opened 90, clicked 30.');
  });

  it('escapes a step id that looks like markup', () => {
    const svg = String(funnelChart({ entered: 5, steps: [step('<script>alert(1)</script>', { reached: 5, sent: 5 })] }));
    expect(svg).not.toContain('<script');
    expect(svg).toContain('&lt;script&gt;');
  });

  it('says there is no data yet instead of drawing empty bars', () => {
    for (const input of [{ entered: 0, steps: [] }, { entered: 0, steps: [step('a', { reached: 0 })] }]) {
      const svg = String(funnelChart(input));
      expect(elements(svg, 'rect')).toHaveLength(0);
      expect(svg).toContain('No data yet: no run entered this journey in the range.');
      expectAccessible(svg, /^Funnel/);
    }
  });
});

describe('npsOverTimeChart', () => {
  const points = [
    { bucket: '2025-03-01', responses: 10, score: 50 },
    { bucket: '2025-03-02', responses: 0, score: null },
    { bucket: '2025-03-03', responses: 8, score: -25 },
    { bucket: '2025-03-04', responses: 4, score: 0 },
  ];

  it('puts a point per answered period on a −100..100 axis with a zero line, breaking the line where nobody answered', () => {
    const svg = String(npsOverTimeChart(points));
    const dots = elements(svg, 'circle', 'point');
    expect(dots.map((d) => d['data-score'])).toEqual(['50', '-25', '0']);
    const zero = elements(svg, 'line', 'zero')[0]!;
    const grid = elements(svg, 'line', 'grid').map((l) => num(l, 'y1'));
    const [top, bottom] = [Math.min(...grid), Math.max(...grid)];
    expect(num(zero, 'y1')).toBeCloseTo((top + bottom) / 2, 1);
    // y is linear in the score: 50 is halfway between the zero line and the top.
    expect(num(dots[0]!, 'cy')).toBeCloseTo((num(zero, 'y1') + top) / 2, 1);
    expect(num(dots[2]!, 'cy')).toBeCloseTo(num(zero, 'y1'), 1);
    expect(num(dots[1]!, 'cy')).toBeCloseTo(num(zero, 'y1') + (bottom - num(zero, 'y1')) / 4, 1);
    const path = elements(svg, 'path', 'line')[0]!.d ?? '';
    expect(path.match(/M/g)).toHaveLength(2);
    for (const label of ['-100', '-50', '0', '50', '100']) expect(svg).toContain(`>${label}</text>`);
    expectAccessible(svg, /^NPS over time$/);
    expect(svg).toContain('Mar 1: 50 (10 responses)');
  });

  it('labels at most about eight dates, never two on top of each other', () => {
    const month = Array.from({ length: 31 }, (_, i) => ({ bucket: new Date(Date.UTC(2025, 0, 1 + i)).toISOString().slice(0, 10), responses: 1, score: i % 2 ? 100 : -100 }));
    const ticks = elements(String(npsOverTimeChart(month)), 'text', 'axis').filter((t) => t['text-anchor'] === 'middle').map((t) => num(t, 'x'));
    expect(ticks.length).toBeLessThanOrEqual(9);
    ticks.slice(1).forEach((x, i) => expect(x - ticks[i]!).toBeGreaterThan(50));
  });

  it('says there is no data yet when no period has answers', () => {
    const svg = String(npsOverTimeChart([{ bucket: '2025-03-01', responses: 0, score: null }]));
    expect(elements(svg, 'circle')).toHaveLength(0);
    expect(svg).toContain('No data yet: nobody answered an NPS survey in the range.');
  });
});

describe('variantChart', () => {
  const split: SplitReport = {
    stepId: 'incentive',
    controlId: 'control',
    variants: [
      { variantId: 'discount-10', control: false, runs: 400, conversions: 60, conversionRate: 0.15, lift: 0.5, diffCi95: [0.01, 0.09], pValue: 0.012, significant: true },
      { variantId: '<b>free</b>', control: false, runs: 400, conversions: 44, conversionRate: 0.11, lift: 0.1, diffCi95: [-0.03, 0.05], pValue: 0.61, significant: false },
      { variantId: 'control', control: true, runs: 100, conversions: 10, conversionRate: 0.1, lift: null, diffCi95: null, pValue: null, significant: false },
    ],
    sampleSizeWarning: 'The control has only 100 runs; about 1,100 per variant are needed to see a 3-point difference.',
  };

  it('draws conversion-rate bars with 95% whiskers, marks the control, prints lift, p-value and the warning', () => {
    const svg = String(variantChart(split));
    const bars = elements(svg, 'rect', 'bar');
    expect(bars).toHaveLength(3);
    expect(bars.map((b) => b.class)).toEqual(['bar bar-variant', 'bar bar-variant', 'bar bar-control']);
    const heights = bars.map((b) => num(b, 'height'));
    expect(heights[1]! / heights[0]!).toBeCloseTo(0.11 / 0.15, 2);
    expect(heights[2]! / heights[0]!).toBeCloseTo(0.1 / 0.15, 2);
    expect(svg.match(/<g class="whisker"/g)).toHaveLength(3);
    expect(elements(svg, 'line', 'control-rate')).toHaveLength(1);
    expect(svg).toMatch(/<g class="variant control" data-variant="control">/);
    expect(svg).toContain('+50.0% lift · p = 0.012 · significant');
    expect(svg).toContain('+10.0% lift · p = 0.610<');
    expect(svg).toContain('15.0%');
    expect(svg).toContain('⚠ The control has only 100 runs;');
    expect(svg).not.toContain('<b>');
    expect(svg).toContain('&lt;b&gt;free&lt;/b&gt;');
    expectAccessible(svg, /^A\/B test incentive/);
    expect(String(variantChart(split, { warning: false }))).not.toContain('⚠');
  });

  it('says there is no data yet when no run reached the split', () => {
    const empty = { ...split, variants: split.variants.map((v) => ({ ...v, runs: 0, conversions: 0, conversionRate: null })), sampleSizeWarning: null };
    const svg = String(variantChart(empty));
    expect(elements(svg, 'rect')).toHaveLength(0);
    expect(svg).toContain('No data yet: no run reached the split incentive in the range.');
  });
});

describe('scoreDistributionChart', () => {
  it('draws a bar per point of the scale, heights proportional, coloured by category', () => {
    const distribution = { 0: 1, 1: 0, 2: 0, 3: 0, 4: 0, 5: 2, 6: 3, 7: 4, 8: 6, 9: 8, 10: 12 };
    const svg = String(scoreDistributionChart('nps', distribution));
    const bars = elements(svg, 'rect', 'bar');
    expect(bars).toHaveLength(11);
    const tallest = num(bars[10]!, 'height');
    bars.forEach((bar, score) => expect(num(bar, 'height')).toBeCloseTo((tallest * distribution[score as keyof typeof distribution]) / 12, 0));
    expect(bars.map((b) => b.class?.replace('bar bar-', ''))).toEqual([...Array(7).fill('detractor'), 'passive', 'passive', 'promoter', 'promoter']);
    for (const legend of ['detractor (0–6)', 'passive (7–8)', 'promoter (9–10)']) expect(svg).toContain(`>${legend}</text>`);
    expectAccessible(svg, /^NPS answers per score$/);
  });

  it('says there is no data yet with no answers', () => {
    const svg = String(scoreDistributionChart('csat', { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 }));
    expect(elements(svg, 'rect')).toHaveLength(0);
    expect(svg).toContain('No data yet: no CSAT answers in the range.');
  });
});

describe('exitsChart', () => {
  it('lists reasons longest first with proportional bars, escaped', () => {
    const svg = String(exitsChart({ 'exit step done': 30, 'exit_on order.refunded': 6, 'exitRun by grace: asked': 12, '<i>x</i>': 3 }));
    const bars = elements(svg, 'rect', 'bar');
    expect(bars.map((b) => b['data-value'])).toEqual(['30', '12', '6', '3']);
    expect(num(bars[1]!, 'width') / num(bars[0]!, 'width')).toBeCloseTo(12 / 30, 2);
    expect(svg).not.toContain('<i>');
    expectAccessible(svg, /^Exits by reason$/);
  });

  it('says there is no data yet when no run exited', () => {
    expect(String(exitsChart({}))).toContain('No data yet: no run exited in the range.');
  });
});

describe('wilson95', () => {
  it('matches the textbook Wilson interval', () => {
    const [lo, hi] = wilson95(5, 10)!;
    expect(lo).toBeCloseTo(0.2366, 3);
    expect(hi).toBeCloseTo(0.7634, 3);
    expect(wilson95(0, 10)![0]).toBe(0);
    expect(wilson95(0, 10)![1]).toBeCloseTo(0.2775, 3);
    expect(wilson95(0, 0)).toBeNull();
  });
});
