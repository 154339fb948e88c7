// Journey conditions evaluated over plain data: pure (no I/O, no eval), so the workflow and the API router share it.
import type { JourneyEvent } from '../core/events';
import type { Condition, EventMatch } from './schema';

/** What a condition may read. */
export interface ConditionContext {
  /** The customer's profile traits (`traits.<path>`). */
  traits: Record<string, unknown>;
  /** `customer.id`. */
  customerId: string;
  /** The event that started the run (`trigger.<path>`). */
  trigger: JourneyEvent;
  /** The event being matched (`event.<path>`): undefined outside `where` / event matching. */
  event?: JourneyEvent | undefined;
  /** Events this run has received, for `received` conditions. */
  received: readonly JourneyEvent[];
  /** The answer to the run's last `survey` step (`survey.<field>`); undefined before any survey step. */
  survey?: SurveyResult | null | undefined;
  /**
   * Whether `gt`/`gte`/`lt`/`lte` read a numeric string ("650.00") as the number it writes when
   * compared with a number. Runs recorded before NUMERIC_STRINGS_PATCH pass false. @default true
   */
  numericStrings?: boolean | undefined;
}

/** What a `survey` step leaves for later steps: `survey.answered`, `survey.score`, ... */
export interface SurveyResult {
  /** The survey step's id. */
  step: string;
  kind: 'nps' | 'csat' | 'ces';
  answered: boolean;
  score?: number;
  /** promoter/passive/detractor, satisfied/neutral/unsatisfied, easy/neutral/hard. */
  category?: string;
  comment?: string | null;
  /** negative / neutral / positive; null without a comment. */
  sentiment?: string | null;
  sentiment_score?: number | null;
}

type FieldCondition = Extract<Condition, { field: string }>;

/**
 * Value at a dotted path (`"a.b.0"` or `["a", "b", "0"]`) inside plain objects and arrays;
 * undefined when any part is missing. Only own properties count, so `__proto__` and
 * `constructor` never reach the prototype chain.
 */
export function getPath(obj: unknown, path: string | readonly string[]): unknown {
  const parts = typeof path === 'string' ? (path === '' ? [] : path.split('.')) : path;
  let current: unknown = obj;
  for (const part of parts) {
    if (current === null || typeof current !== 'object') return undefined;
    if (Array.isArray(current)) {
      if (!/^\d+$/.test(part)) return undefined;
      current = current[Number(part)];
    } else {
      current = ownValue(current, part);
    }
  }
  return current;
}

function ownValue(obj: object, key: string): unknown {
  const descriptor = Object.getOwnPropertyDescriptor(obj, key);
  return descriptor === undefined ? undefined : descriptor.value;
}

/** The value a field path names: `traits.*`, `customer.id`, `trigger.*`, `event.*`, `survey.*`. */
export function readField(field: string, ctx: ConditionContext): unknown {
  const [root, ...rest] = field.split('.');
  switch (root) {
    case 'traits':
      return getPath(ctx.traits, rest);
    case 'customer':
      return rest.length === 1 && rest[0] === 'id' ? ctx.customerId : undefined;
    case 'trigger':
      return getPath(ctx.trigger, rest);
    case 'event':
      return ctx.event === undefined ? undefined : getPath(ctx.event, rest);
    case 'survey':
      return ctx.survey === undefined || ctx.survey === null ? undefined : getPath(ctx.survey, rest);
    default:
      return undefined;
  }
}

/**
 * Evaluate a condition. Semantics (documented for marketers in the schema's descriptions):
 * - A field is missing when its path leads nowhere (`undefined`); `null` is a value.
 *   A missing field makes every operator false except `ne`, `not_in` and `not_exists`.
 * - `eq` / `ne` / `in` / `not_in` compare JSON values strictly (no "1" == 1; arrays deep).
 * - `gt` / `gte` / `lt` / `lte` compare two numbers, or two ISO 8601 date strings by instant. A
 *   string that writes a decimal number ("650.00", "-3", "1e3") compared with a number counts as
 *   that number (traits often arrive as strings); anything else (a word against a number, two
 *   plain strings) is false.
 * - `contains`: substring of a string, or an element (strictly equal) of an array.
 * - `starts_with` / `ends_with`: strings only.
 * - `exists`: present and not null; `not_exists` is its opposite.
 * - `received`: some received event has that name and meets `where` (with `event.` = that event).
 */
export function evaluateCondition(cond: Condition, ctx: ConditionContext): boolean {
  if ('all' in cond) return cond.all.every((c) => evaluateCondition(c, ctx));
  if ('any' in cond) return cond.any.some((c) => evaluateCondition(c, ctx));
  if ('not' in cond) return !evaluateCondition(cond.not, ctx);
  if ('received' in cond) {
    return ctx.received.some((event) => event.name === cond.received && (cond.where === undefined || evaluateCondition(cond.where, { ...ctx, event })));
  }
  return compare(cond, readField(cond.field, ctx), ctx.numericStrings ?? true);
}

function compare(cond: FieldCondition, actual: unknown, numericStrings = true): boolean {
  const expected = cond.value;
  switch (cond.op) {
    case 'exists':
      return actual !== undefined && actual !== null;
    case 'not_exists':
      return actual === undefined || actual === null;
    case 'ne':
      return actual === undefined || !jsonEqual(actual, expected);
    case 'not_in':
      return actual === undefined || !asList(expected).some((v) => jsonEqual(actual, v));
    default:
      break;
  }
  if (actual === undefined) return false;
  switch (cond.op) {
    case 'eq':
      return jsonEqual(actual, expected);
    case 'in':
      return asList(expected).some((v) => jsonEqual(actual, v));
    case 'gt':
      return order(actual, expected, (d) => d > 0, numericStrings);
    case 'gte':
      return order(actual, expected, (d) => d >= 0, numericStrings);
    case 'lt':
      return order(actual, expected, (d) => d < 0, numericStrings);
    case 'lte':
      return order(actual, expected, (d) => d <= 0, numericStrings);
    case 'contains':
      if (typeof actual === 'string') return typeof expected === 'string' && actual.includes(expected);
      return Array.isArray(actual) && actual.some((item) => jsonEqual(item, expected));
    case 'starts_with':
      return typeof actual === 'string' && typeof expected === 'string' && actual.startsWith(expected);
    case 'ends_with':
      return typeof actual === 'string' && typeof expected === 'string' && actual.endsWith(expected);
    default: {
      const unreachable: never = cond.op;
      return unreachable;
    }
  }
}

function asList(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [value];
}

/** Strict equality over JSON values; arrays and plain objects compare by content. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  }
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  return keysA.length === keysB.length && keysA.every((k) => Object.prototype.hasOwnProperty.call(b, k) && jsonEqual(ownValue(a, k), ownValue(b, k)));
}

// Date-only or date-time with an optional zone: what JSON producers write for timestamps.
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/** Whether `value` is an ISO 8601 date or date-time that gt/gte/lt/lte compare by instant. */
export function isIsoDate(value: string): boolean {
  return isoInstant(value) !== undefined;
}

function isoInstant(value: unknown): number | undefined {
  if (typeof value !== 'string' || !ISO_DATE.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

// A decimal number written as text: what a form, a CSV import or a Segment trait often sends.
const NUMERIC_STRING = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** The number a string writes ("650.00" → 650), else undefined; surrounding spaces allowed. */
export function numericString(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (!NUMERIC_STRING.test(text)) return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

function order(actual: unknown, expected: unknown, test: (difference: number) => boolean, numericStrings = true): boolean {
  if (typeof actual === 'number' && typeof expected === 'number') return test(actual - expected);
  if (numericStrings && (typeof actual === 'number') !== (typeof expected === 'number')) {
    const a = typeof actual === 'number' ? actual : numericString(actual);
    const b = typeof expected === 'number' ? expected : numericString(expected);
    if (a !== undefined && b !== undefined) return test(a - b);
  }
  const a = isoInstant(actual);
  const b = isoInstant(expected);
  return a !== undefined && b !== undefined && test(a - b);
}

/** Whether `event` is what `match` (an exit_on entry, the goal, ...) describes; `where` sees it as `event.`. */
export function matchesEvent(match: EventMatch, event: JourneyEvent, ctx: Omit<ConditionContext, 'event'>): boolean {
  if (typeof match === 'string') return event.name === match;
  return event.name === match.event && (match.where === undefined || evaluateCondition(match.where, { ...ctx, event }));
}

/** The event name an EventMatch is about. */
export function eventMatchName(match: EventMatch): string {
  return typeof match === 'string' ? match : match.event;
}

/** A field comparison that decided a condition's outcome, with the value it read. */
export interface DecidingLeaf {
  /** The comparison as `describeCondition` writes it, e.g. `traits.tier eq "gold"`. */
  condition: string;
  field: string;
  /** Whether this comparison held (under a `not`, a comparison that held makes the whole false). */
  held: boolean;
  /** The value read; absent when the field is missing. */
  saw?: unknown;
}

/**
 * Why `cond` does not hold: the comparisons that made it false (for `all` the first false one,
 * for `any` every one, under `not` the ones that held). Empty when it holds.
 */
export function explainFalse(cond: Condition, ctx: ConditionContext): DecidingLeaf[] {
  return evaluateCondition(cond, ctx) ? [] : deciding(cond, ctx, false);
}

function deciding(cond: Condition, ctx: ConditionContext, outcome: boolean): DecidingLeaf[] {
  if ('all' in cond) {
    if (outcome) return cond.all.flatMap((c) => deciding(c, ctx, true));
    const first = cond.all.find((c) => !evaluateCondition(c, ctx));
    return first === undefined ? [] : deciding(first, ctx, false);
  }
  if ('any' in cond) {
    if (!outcome) return cond.any.flatMap((c) => deciding(c, ctx, false));
    const first = cond.any.find((c) => evaluateCondition(c, ctx));
    return first === undefined ? [] : deciding(first, ctx, true);
  }
  if ('not' in cond) return deciding(cond.not, ctx, !outcome);
  if ('received' in cond) return [{ condition: render(cond), field: `received ${cond.received}`, held: outcome }];
  const saw = readField(cond.field, ctx);
  return [{ condition: render(cond), field: cond.field, held: outcome, ...(saw === undefined ? {} : { saw }) }];
}

/** `traits.tier eq "gold" does not hold (saw "silver")`, for messages. */
export function describeDecidingLeaf(leaf: DecidingLeaf): string {
  const saw = leaf.saw === undefined ? `${leaf.field} is missing` : `saw ${truncate(JSON.stringify(leaf.saw) ?? String(leaf.saw), 80)}`;
  return `${leaf.condition} ${leaf.held ? 'holds' : 'does not hold'} (${saw})`;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** A short, readable rendering for run timelines: `traits.plan eq "pro"`, `all(…, …)`. */
export function describeCondition(cond: Condition, max = 80): string {
  const text = render(cond);
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function render(cond: Condition): string {
  if ('all' in cond) return `all(${cond.all.map(render).join(', ')})`;
  if ('any' in cond) return `any(${cond.any.map(render).join(', ')})`;
  if ('not' in cond) return `not(${render(cond.not)})`;
  if ('received' in cond) return cond.where ? `received ${cond.received} where ${render(cond.where)}` : `received ${cond.received}`;
  return cond.value === undefined ? `${cond.field} ${cond.op}` : `${cond.field} ${cond.op} ${JSON.stringify(cond.value)}`;
}
