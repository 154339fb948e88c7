// A/B/n assignment: stable per (customer, journey, split), distributed by weight.
import { assignVariant, stableHash32 } from '../../dsl/split';

test('the same customer, journey and split always get the same variant', () => {
  const variants = [
    { id: 'a', weight: 1 },
    { id: 'b', weight: 1 },
    { id: 'c', weight: 1 },
  ];
  for (let i = 0; i < 200; i++) {
    const first = assignVariant(`customer-${i}`, 'onboarding', 'subject', variants);
    expect(assignVariant(`customer-${i}`, 'onboarding', 'subject', variants)).toBe(first);
  }
});

test('assignments are pinned: changing the hash would move running customers between variants', () => {
  expect(stableHash32('customer-1\u0000onboarding\u0000subject')).toBe(704169160);
  const variants = [
    { id: 'a', weight: 1 },
    { id: 'b', weight: 1 },
  ];
  const assigned = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8'].map((c) => assignVariant(c, 'onboarding', 'subject', variants));
  expect(assigned.join('')).toMatchInlineSnapshot(`"babbbabb"`);
});

test('10,000 customers spread over the variants roughly by weight', () => {
  const variants = [
    { id: 'control', weight: 10 },
    { id: 'a', weight: 30 },
    { id: 'b', weight: 60 },
  ];
  const counts: Record<string, number> = { control: 0, a: 0, b: 0 };
  for (let i = 0; i < 10_000; i++) {
    const id = assignVariant(`cus_${i}`, 'welcome-test', 'subject-line', variants);
    counts[id] = (counts[id] ?? 0) + 1;
  }
  expect(counts.control).toBeGreaterThan(850);
  expect(counts.control).toBeLessThan(1150);
  expect(counts.a).toBeGreaterThan(2800);
  expect(counts.a).toBeLessThan(3200);
  expect(counts.b).toBeGreaterThan(5800);
  expect(counts.b).toBeLessThan(6200);
});

test('a different split id or journey reshuffles customers independently', () => {
  const variants = [
    { id: 'a', weight: 1 },
    { id: 'b', weight: 1 },
  ];
  let differs = 0;
  for (let i = 0; i < 1000; i++) {
    if (assignVariant(`c${i}`, 'j', 'one', variants) !== assignVariant(`c${i}`, 'j', 'two', variants)) differs++;
  }
  expect(differs).toBeGreaterThan(400);
  expect(differs).toBeLessThan(600);
});

test('a split without variants or with a bad weight is refused with the split named', () => {
  expect(() => assignVariant('c', 'j', 's', [])).toThrow(/split s in journey j has no variants/);
  expect(() => assignVariant('c', 'j', 's', [{ id: 'a', weight: 0 }])).toThrow(/variant a has weight 0/);
});
