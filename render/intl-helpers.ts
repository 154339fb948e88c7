// Template helpers that format through Intl in the customer's locale and time zone:
// {{money total currency}}, {{date at style="long"}}, {{time at}}, {{number n maximumFractionDigits=1}},
// {{percent rate}}. A value they cannot read renders as written: a helper never fails a send.
import type Handlebars from 'handlebars';

/** Names of the helpers this file registers (validation knows them as helpers, not variables). */
export const INTL_HELPERS = ['money', 'date', 'time', 'number', 'percent'] as const;

/** What the renderer passes as Handlebars data (`@locale`, `@timezone`) for the helpers to read. */
export interface IntlData {
  /** BCP 47 tag formatting follows, e.g. `it`, `pt-BR`. */
  locale: string;
  /** IANA zone dates and times are shown in, e.g. `Europe/Rome`. */
  timezone: string;
}

interface Call {
  args: unknown[];
  hash: Record<string, unknown>;
  intl: IntlData;
}

/** Split Handlebars' (…params, options) call; tolerate being called without options. */
function callOf(raw: unknown[]): Call {
  const last = raw[raw.length - 1];
  const options = typeof last === 'object' && last !== null && 'hash' in last ? last : null;
  const args = options ? raw.slice(0, -1) : raw;
  const hashValue: unknown = options ? Reflect.get(options, 'hash') : undefined;
  const dataValue: unknown = options ? Reflect.get(options, 'data') : undefined;
  const hash: Record<string, unknown> = typeof hashValue === 'object' && hashValue !== null ? { ...hashValue } : {};
  const read = (key: string): unknown => (typeof dataValue === 'object' && dataValue !== null ? Reflect.get(dataValue, key) : undefined);
  const locale = read('locale');
  const timezone = read('timezone');
  return { args, hash, intl: { locale: typeof locale === 'string' ? locale : 'en', timezone: typeof timezone === 'string' ? timezone : 'UTC' } };
}

/** The value as the template author wrote it: what a helper shows when it cannot format. */
const raw = (value: unknown): string => (value === undefined || value === null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value));

/** A finite number from a number or a plain numeric string ("49.90"), else null. */
function toNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && /^\s*-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$/.test(value)) return Number(value);
  return null;
}

/** Fraction-digit options from the hash, when they are integers Intl accepts. */
function digits(hash: Record<string, unknown>): Intl.NumberFormatOptions {
  const out: Intl.NumberFormatOptions = {};
  for (const key of ['minimumFractionDigits', 'maximumFractionDigits'] as const) {
    const n = toNumber(hash[key]);
    if (n !== null && Number.isInteger(n) && n >= 0 && n <= 20) out[key] = n;
  }
  return out;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** A Date from a Date, epoch milliseconds or an ISO-8601 text; a bare date stays on its calendar day (UTC). */
function toDate(value: unknown): { date: Date; dateOnly: boolean } | null {
  let date: Date | null = null;
  if (value instanceof Date) date = value;
  else if (typeof value === 'number') date = new Date(value);
  else if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value.trim())) date = new Date(value.trim());
  if (!date || Number.isNaN(date.getTime())) return null;
  return { date, dateOnly: typeof value === 'string' && DATE_ONLY.test(value.trim()) };
}

const STYLES = ['full', 'long', 'medium', 'short'] as const;
type Style = (typeof STYLES)[number];
const styleOf = (value: unknown, fallback: Style): Style => STYLES.find((s) => s === value) ?? fallback;

/** Run `format`; on any error show the raw value. */
function safely(value: unknown, format: () => string): string {
  try {
    return format();
  } catch {
    return raw(value);
  }
}

const CURRENCY_DISPLAYS = ['symbol', 'narrowSymbol', 'code', 'name'] as const;

/** `{{money 49.9 "EUR"}}` → "49,90 €" for it; `display="code"` shows EUR; without a currency, a two-decimal number. */
function money(...rawArgs: unknown[]): string {
  const { args, hash, intl } = callOf(rawArgs);
  const [amount, currency] = args;
  const n = toNumber(amount);
  if (n === null) return raw(amount);
  const code = typeof currency === 'string' && /^[A-Za-z]{3}$/.test(currency.trim()) ? currency.trim().toUpperCase() : null;
  return safely(amount, () => {
    if (!code) return new Intl.NumberFormat(intl.locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(n);
    const display = CURRENCY_DISPLAYS.find((d) => d === hash.display) ?? 'symbol';
    return new Intl.NumberFormat(intl.locale, { style: 'currency', currency: code, currencyDisplay: display }).format(n);
  });
}

function dateOrTime(kind: 'date' | 'time') {
  return (...rawArgs: unknown[]): string => {
    const { args, hash, intl } = callOf(rawArgs);
    const [value] = args;
    const parsed = toDate(value);
    if (!parsed) return raw(value);
    // A bare date ("2024-05-01") has no time zone: showing it in the customer's zone could move it a day.
    const timeZone = parsed.dateOnly ? 'UTC' : intl.timezone;
    const options: Intl.DateTimeFormatOptions =
      kind === 'date' ? { dateStyle: styleOf(hash.style, 'medium'), timeZone } : { timeStyle: styleOf(hash.style, 'short'), timeZone };
    return safely(value, () => new Intl.DateTimeFormat(intl.locale, options).format(parsed.date));
  };
}

function number(...rawArgs: unknown[]): string {
  const { args, hash, intl } = callOf(rawArgs);
  const n = toNumber(args[0]);
  return n === null ? raw(args[0]) : safely(args[0], () => new Intl.NumberFormat(intl.locale, digits(hash)).format(n));
}

/** `{{percent 0.25}}` → 25% (the value is a ratio, as Intl expects). */
function percent(...rawArgs: unknown[]): string {
  const { args, hash, intl } = callOf(rawArgs);
  const n = toNumber(args[0]);
  return n === null ? raw(args[0]) : safely(args[0], () => new Intl.NumberFormat(intl.locale, { style: 'percent', ...digits(hash) }).format(n));
}

/** Register the Intl helpers on a private Handlebars instance. */
export function registerIntlHelpers(handlebars: typeof Handlebars): void {
  handlebars.registerHelper({ money, date: dateOrTime('date'), time: dateOrTime('time'), number, percent });
}
