// fast-check arbitraries for bad journey files: a valid journey with its text mutated, with a
// value anywhere replaced by the wrong type, deep nesting of every kind, and any Unicode.
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { nastyString } from './fuzz-requests';

/** A valid journey using most step kinds; the fuzzer breaks it. */
export const VALID_JOURNEY = `id: fuzz-base
name: Fuzz base
trigger:
  event: order.completed
  where: { field: traits.plan, op: in, value: [pro, team] }
entry: { reentry: always, key: properties.order_id }
exit_on: [order.refunded]
goal: review.posted
quiet_hours: { start: "21:00", end: "08:00" }
steps:
  - id: thanks
    send: { channel: email, template: order-thanks, fallback: sms }
  - id: pause
    wait: 1d12h
  - id: delivered
    wait_for:
      event: order.delivered
      where: { all: [ { field: event.properties.ok, op: eq, value: true }, { not: { field: traits.vip, op: exists } } ] }
      timeout: 14d
      on_event: [ { id: settle, wait: { until: "10:00" } } ]
      on_timeout: [ { id: check-in, send: { channel: push, template: delivery-check-in } } ]
  - id: pick
    branch:
      cases:
        - when: { received: order.delivered }
          steps: [ { id: care, send: { channel: email, template: care-tips } } ]
      else: [ { id: bye, exit: { reason: not delivered } } ]
  - id: ab
    split:
      variants:
        - { id: a, weight: 50, control: true }
        - { id: b, weight: 50, steps: [ { id: offer, send: { channel: email, template: offer-discount-10 } } ] }
`;

const lines = (text: string) => text.split('\n');

/** One edit of the text: delete, insert nasty text, duplicate or re-indent a line. */
const mutation = fc.oneof(
  fc.tuple(fc.nat(), fc.integer({ min: 1, max: 20 })).map(([at, n]) => (text: string) => text.slice(0, at % (text.length + 1)) + text.slice((at % (text.length + 1)) + n)),
  fc.tuple(fc.nat(), fc.oneof(nastyString, fc.constantFrom(':', '- ', '{', '}', '[', ']', '&a ', '*a', '!!binary ', '? ', '|', '>', '\t', '#', '"', "'", '%YAML 1.1\n', '---\n', '...\n')))
    .map(([at, insert]) => (text: string) => text.slice(0, at % (text.length + 1)) + insert + text.slice(at % (text.length + 1))),
  fc.nat().map((at) => (text: string) => {
    const all = lines(text);
    const i = at % all.length;
    return [...all.slice(0, i + 1), all[i] ?? '', ...all.slice(i + 1)].join('\n');
  }),
  fc.tuple(fc.nat(), fc.integer({ min: -4, max: 4 })).map(([at, shift]) => (text: string) => {
    const all = lines(text);
    const i = at % all.length;
    const line = all[i] ?? '';
    all[i] = shift >= 0 ? ' '.repeat(shift) + line : line.replace(new RegExp(`^ {0,${-shift}}`), '');
    return all.join('\n');
  }),
);

/** Every path to a value inside a plain data tree. */
function pathsOf(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (typeof value !== 'object' || value === null) return [path];
  const entries: Array<[string | number, unknown]> = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  return [path, ...entries.flatMap(([key, child]) => pathsOf(child, [...path, key]))];
}

/** `data` with the value at `path` replaced (or, for the root, the whole document). */
function replaced(data: unknown, path: (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const copy: unknown = structuredClone(data);
  const parent = path.slice(0, -1).reduce<unknown>((node, key) => (typeof node === 'object' && node !== null ? Reflect.get(node, key) : undefined), copy);
  if (typeof parent === 'object' && parent !== null) Reflect.set(parent, path[path.length - 1]!, value);
  return copy;
}

const base: unknown = parse(VALID_JOURNEY);
const basePaths = pathsOf(base);
const wrongValue = fc.oneof(fc.jsonValue({ maxDepth: 3 }), nastyString, fc.constantFrom(null, true, -1, 1.5, '', [], {}, '30 days', 'tomorrow', 'P1D'));

/** Nesting `depth` levels deep in a place a journey allows nesting, or does not. */
const deepNesting = fc.tuple(fc.integer({ min: 20, max: 5_000 }), fc.constantFrom('list', 'map', 'not', 'all', 'branch')).map(([depth, kind]) => {
  const head = 'id: deep\nname: Deep\ntrigger:\n  event: a.b\n';
  switch (kind) {
    case 'list':
      return `${head}steps: [ { id: s, wait: 1d } ]\nextra: ${'['.repeat(depth)}${']'.repeat(depth)}\n`;
    case 'map':
      return `${head}steps:\n${Array.from({ length: Math.min(depth, 1_000) }, (_, i) => `${'  '.repeat(i + 1)}k${i}:`).join('\n')} 1\n`;
    case 'not':
      return `${head}  where: ${'{ not: '.repeat(depth)}{ field: traits.a, op: exists }${' }'.repeat(depth)}\nsteps: [ { id: s, wait: 1d } ]\n`;
    case 'all':
      return `${head}  where: ${'{ all: [ '.repeat(depth)}{ field: traits.a, op: exists }${' ] }'.repeat(depth)}\nsteps: [ { id: s, wait: 1d } ]\n`;
    default:
      return `${head}steps: ${'[ { id: b, branch: { cases: [ { when: { field: traits.a, op: exists }, steps: '.repeat(depth)}[ { id: w, wait: 1d } ]${' } ] } } ]'.repeat(depth)}\n`;
  }
});

/** One bad journey file, with the kind of damage for the tally. */
export const fuzzJourney: fc.Arbitrary<{ kind: string; source: string }> = fc.oneof(
  { weight: 3, arbitrary: fc.array(mutation, { minLength: 1, maxLength: 6 }).map((edits) => ({ kind: 'malformed YAML', source: edits.reduce((text, edit) => edit(text), VALID_JOURNEY) })) },
  {
    weight: 3,
    arbitrary: fc.tuple(fc.constantFrom(...basePaths), wrongValue).map(([path, value]) => ({ kind: 'wrong types', source: stringify(replaced(base, path, value)) })),
  },
  { weight: 1, arbitrary: deepNesting.map((source) => ({ kind: 'deep nesting', source })) },
  { weight: 1, arbitrary: nastyString.map((source) => ({ kind: 'any text', source })) },
  {
    weight: 2,
    arbitrary: fc.tuple(fc.constantFrom(...basePaths.filter((p) => p.length > 0)), nastyString).map(([path, text]) => ({ kind: 'unicode', source: stringify(replaced(base, path, text)) })),
  },
);

/** Journeys that once threw (a condition nested 350 levels deep overflowed zod's stack): every run checks them first. */
export const FOUND_BEFORE: Array<{ kind: string; source: string }> = [
  {
    kind: 'found before',
    source: `id: x\nname: n\ntrigger: { event: a.b, where: ${'{ all: [ { any: [ '.repeat(350)}{ field: traits.a, op: exists }${' ] } ] }'.repeat(350)} }\nsteps: [ { id: s, wait: 1d } ]\n`,
  },
];
