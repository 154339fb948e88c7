// Journey conditions: field roots, operator semantics, missing fields, received, event matching.
import type { JourneyEvent } from '../../core/events';
import { describeCondition, describeDecidingLeaf, evaluateCondition, explainFalse, getPath, matchesEvent, type ConditionContext } from '../../dsl/conditions';
import type { Condition, Operator } from '../../dsl/schema';

const ev = (name: string, properties: Record<string, unknown> = {}, id = name): JourneyEvent => ({
  id,
  name,
  properties,
  timestamp: '2030-05-01T10:00:00.000Z',
});

const ctx: ConditionContext = {
  traits: { plan: 'pro', seats: 12, tags: ['vip', 'beta'], email: 'ana@example.com', cleared: null, address: { city: 'Lyon' }, signup: '2030-01-15' },
  customerId: 'c-42',
  trigger: ev('order.completed', { total: 80, items: ['book', 'pen'], coupon: 'SPRING' }, 'trigger-1'),
  event: ev('review.posted', { rating: 4 }, 'event-1'),
  received: [ev('order.completed', { total: 80 }, 'r1'), ev('survey.answered', { score: 9 }, 'r2')],
};

const field = (path: string, op: Operator, value?: Condition extends infer C ? (C extends { value?: infer V } ? V : never) : never): Condition =>
  value === undefined ? { field: path, op } : { field: path, op, value };

test.each<[string, Condition, boolean]>([
  ['traits eq', field('traits.plan', 'eq', 'pro'), true],
  ['nested traits', field('traits.address.city', 'eq', 'Lyon'), true],
  ['customer id', field('customer.id', 'eq', 'c-42'), true],
  ['trigger name', field('trigger.name', 'eq', 'order.completed'), true],
  ['trigger property', field('trigger.properties.total', 'gte', 80), true],
  ['trigger timestamp as a date', field('trigger.timestamp', 'gt', '2030-04-30'), true],
  ['event property', field('event.properties.rating', 'lt', 5), true],
  ['eq is strict: no "12" == 12', field('traits.seats', 'eq', '12'), false],
  ['ne', field('traits.plan', 'ne', 'free'), true],
  ['in', field('traits.plan', 'in', ['free', 'pro']), true],
  ['not_in', field('traits.plan', 'not_in', ['free', 'pro']), false],
  ['eq on a list compares content', field('traits.tags', 'eq', ['vip', 'beta']), true],
  ['contains on a string', field('traits.email', 'contains', '@example.'), true],
  ['contains on an array', field('trigger.properties.items', 'contains', 'pen'), true],
  ['contains on a number is false', field('traits.seats', 'contains', 1), false],
  ['starts_with', field('traits.email', 'starts_with', 'ana@'), true],
  ['ends_with', field('traits.email', 'ends_with', '.com'), true],
  ['a numeric string compares with a number as its number', field('traits.seats', 'gt', '5'), true],
  ['a word does not compare with a number', field('traits.seats', 'gt', 'five'), false],
  ['plain strings do not order', field('traits.plan', 'gt', 'a'), false],
  ['ISO dates order by instant', field('traits.signup', 'lt', '2030-01-15T00:00:01Z'), true],
  ['exists', field('traits.plan', 'exists'), true],
  ['null does not exist', field('traits.cleared', 'exists'), false],
  ['eq null matches a null trait', field('traits.cleared', 'eq', null), true],
  ['array index in a path', field('traits.tags.1', 'eq', 'beta'), true],
])('%s', (_name, cond, expected) => {
  expect(evaluateCondition(cond, ctx)).toBe(expected);
});

test.each<[Operator, boolean]>([
  ['eq', false],
  ['ne', true],
  ['gt', false],
  ['gte', false],
  ['lt', false],
  ['lte', false],
  ['in', false],
  ['not_in', true],
  ['contains', false],
  ['starts_with', false],
  ['ends_with', false],
  ['exists', false],
  ['not_exists', true],
])('a missing field makes %s %s', (op, expected) => {
  const value = op === 'in' || op === 'not_in' ? ['x'] : op === 'exists' || op === 'not_exists' ? undefined : 'x';
  expect(evaluateCondition(field('traits.nope.deeper', op, value), ctx)).toBe(expected);
});

test('event fields are missing when there is no event being matched', () => {
  expect(evaluateCondition(field('event.name', 'exists'), { ...ctx, event: undefined })).toBe(false);
});

test('paths never reach the prototype chain', () => {
  expect(getPath({}, '__proto__')).toBeUndefined();
  expect(getPath({ a: {} }, 'a.constructor')).toBeUndefined();
  expect(evaluateCondition(field('traits.constructor', 'exists'), ctx)).toBe(false);
});

test('all, any and not combine conditions', () => {
  const pro = field('traits.plan', 'eq', 'pro');
  const free = field('traits.plan', 'eq', 'free');
  expect(evaluateCondition({ all: [pro, field('traits.seats', 'gt', 10)] }, ctx)).toBe(true);
  expect(evaluateCondition({ all: [pro, free] }, ctx)).toBe(false);
  expect(evaluateCondition({ any: [free, pro] }, ctx)).toBe(true);
  expect(evaluateCondition({ not: free }, ctx)).toBe(true);
});

test('received holds when a received event has the name and meets where, read as event.', () => {
  expect(evaluateCondition({ received: 'survey.answered' }, ctx)).toBe(true);
  expect(evaluateCondition({ received: 'survey.answered', where: field('event.properties.score', 'gte', 9) }, ctx)).toBe(true);
  expect(evaluateCondition({ received: 'survey.answered', where: field('event.properties.score', 'lt', 7) }, ctx)).toBe(false);
  expect(evaluateCondition({ received: 'cart.abandoned' }, ctx)).toBe(false);
});

test('matchesEvent takes a name or { event, where }', () => {
  const order = ev('order.completed', { total: 120 });
  const base = { traits: ctx.traits, customerId: ctx.customerId, trigger: ctx.trigger, received: ctx.received };
  expect(matchesEvent('order.completed', order, base)).toBe(true);
  expect(matchesEvent('order.refunded', order, base)).toBe(false);
  expect(matchesEvent({ event: 'order.completed', where: field('event.properties.total', 'gt', 100) }, order, base)).toBe(true);
  expect(matchesEvent({ event: 'order.completed', where: field('event.properties.total', 'gt', 200) }, order, base)).toBe(false);
});

test('describeCondition renders a short line for run timelines', () => {
  expect(describeCondition({ all: [field('traits.plan', 'eq', 'pro'), { received: 'order.completed' }] })).toBe(
    'all(traits.plan eq "pro", received order.completed)',
  );
  expect(describeCondition(field('traits.plan', 'in', ['a'.repeat(100)])).length).toBe(80);
});

test('a numeric operator reads a numeric string as its number when compared with a number', () => {
  const money: ConditionContext = { ...ctx, traits: { ltv: '650.00', spaced: ' 12 ', negative: '-3', word: 'lots', zip: '00500' } };
  expect(evaluateCondition(field('traits.ltv', 'gte', 500), money)).toBe(true);
  expect(evaluateCondition(field('traits.ltv', 'lt', 500), money)).toBe(false);
  expect(evaluateCondition(field('traits.spaced', 'gt', 11), money)).toBe(true);
  expect(evaluateCondition(field('traits.negative', 'lte', -3), money)).toBe(true);
  expect(evaluateCondition(field('traits.word', 'gte', 0), money)).toBe(false);
  // eq stays strict: "00500" is an identifier, not 500.
  expect(evaluateCondition(field('traits.zip', 'eq', 500), money)).toBe(false);
  // Runs recorded before the change (numericStrings: false) keep comparing as they did.
  expect(evaluateCondition(field('traits.ltv', 'gte', 500), { ...money, numericStrings: false })).toBe(false);
});

test('explainFalse names the comparisons that made a condition false and the values they saw', () => {
  const cond: Condition = { all: [field('traits.seats', 'gte', 5), { any: [field('traits.plan', 'eq', 'team'), field('traits.region', 'eq', 'eu')] }] };
  expect(explainFalse(cond, ctx)).toEqual([
    { condition: 'traits.plan eq "team"', field: 'traits.plan', held: false, saw: 'pro' },
    { condition: 'traits.region eq "eu"', field: 'traits.region', held: false },
  ]);
  expect(explainFalse({ not: field('traits.plan', 'eq', 'pro') }, ctx)).toEqual([{ condition: 'traits.plan eq "pro"', field: 'traits.plan', held: true, saw: 'pro' }]);
  expect(explainFalse(field('traits.seats', 'gte', 5), ctx)).toEqual([]);
  expect(describeDecidingLeaf({ condition: 'traits.region eq "eu"', field: 'traits.region', held: false })).toBe('traits.region eq "eu" does not hold (traits.region is missing)');
});
