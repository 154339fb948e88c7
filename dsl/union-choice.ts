// zod reports a failed union as every branch's issues at once, which nobody can read. Pick the
// branch the author meant from the keys they wrote (a step's kind key, a condition's form), or
// explain that no form was chosen.
import type { z } from 'zod';
import { STEP_KINDS } from './schema';
import type { DocPath } from './problems';
import { closest, listOr } from './suggest';

export type UnionChoice =
  | { branch: number }
  /** No branch fits: one problem, at `key` (a misspelt form key) or at the value itself. */
  | { problem: { code: string; message: string; key?: string } };

const STEP_LISTS = new Set(['steps', 'on_event', 'on_timeout', 'else']);
const CONDITION_KEYS = new Set(['when', 'where', 'not']);
const STEP_FORMS = STEP_KINDS.join(', ');
const CONDITION_FORMS: readonly (readonly string[])[] = [['field', 'op', 'value'], ['all'], ['any'], ['not'], ['received', 'where']];
const CONDITION_HELP = 'a condition is one of: { field, op, value }, { all: [...] }, { any: [...] }, { not: ... } or { received: <event> }';

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

export function chooseBranch(path: DocPath, value: unknown, branches: readonly (readonly z.core.$ZodIssue[])[]): UnionChoice {
  const last = path[path.length - 1];
  const parent = path[path.length - 2];
  if (typeof last === 'number' && typeof parent === 'string' && STEP_LISTS.has(parent)) return chooseStep(value);
  if ((typeof last === 'string' && CONDITION_KEYS.has(last)) || (typeof last === 'number' && (parent === 'all' || parent === 'any'))) {
    return chooseCondition(value);
  }
  if (path.length === 1 && last === 'trigger') return chooseTrigger(value);
  return chooseByFit(value, branches);
}

function chooseStep(value: unknown): UnionChoice {
  if (!isRecord(value)) {
    return { problem: { code: 'schema.step_kind', message: `a step is a mapping with an id and exactly one of ${STEP_FORMS}` } };
  }
  const kinds = STEP_KINDS.filter((kind) => kind in value);
  const named = typeof value.id === 'string' ? `step "${value.id}"` : 'this step';
  const [first, second] = kinds;
  if (first !== undefined && second === undefined) return { branch: STEP_KINDS.indexOf(first) };
  if (second !== undefined) {
    return {
      problem: {
        code: 'schema.step_kind',
        key: second,
        message: `${named} has both ${kinds.join(' and ')}; a step needs exactly one of ${STEP_FORMS}: make them separate steps`,
      },
    };
  }
  for (const key of Object.keys(value)) {
    const meant = key === 'id' ? undefined : closest(key, STEP_KINDS);
    if (meant) {
      return { problem: { code: 'schema.step_kind', key, message: `unknown key "${key}" — did you mean "${meant}"? (a step needs exactly one of ${STEP_FORMS})` } };
    }
  }
  return { problem: { code: 'schema.step_kind', message: `a step needs exactly one of ${STEP_FORMS}; ${named} has none` } };
}

function chooseCondition(value: unknown): UnionChoice {
  if (!isRecord(value)) return { problem: { code: 'schema.condition_form', message: CONDITION_HELP } };
  const keys = Object.keys(value);
  const forms = CONDITION_FORMS.map((form, index) => ({ index, form, used: form.some((k) => keys.includes(k)) })).filter((f) => f.used);
  const [first, second] = forms;
  if (first && !second) return { branch: first.index };
  if (second) {
    return { problem: { code: 'schema.condition_form', message: `one condition cannot mix ${listOr(forms.map((f) => f.form[0] ?? ''))}: combine conditions with all: [...] or any: [...]` } };
  }
  const allKeys = CONDITION_FORMS.flat();
  for (const key of keys) {
    const meant = closest(key, allKeys);
    if (meant) return { problem: { code: 'schema.condition_form', key, message: `unknown key "${key}" — did you mean "${meant}"? (${CONDITION_HELP})` } };
  }
  return { problem: { code: 'schema.condition_form', message: CONDITION_HELP } };
}

function chooseTrigger(value: unknown): UnionChoice {
  const help = 'a trigger is { event: <name> } (optionally with where) or { inactivity: { event: <name>, for: <duration> } }';
  if (!isRecord(value)) return { problem: { code: 'schema.trigger_form', message: help } };
  const hasEvent = 'event' in value;
  const hasInactivity = 'inactivity' in value;
  if (hasEvent && hasInactivity) return { problem: { code: 'schema.trigger_form', key: 'inactivity', message: `choose one trigger: ${help}` } };
  if (hasEvent) return { branch: 0 };
  if (hasInactivity) return { branch: 1 };
  for (const key of Object.keys(value)) {
    const meant = closest(key, ['event', 'inactivity', 'where']);
    if (meant) return { problem: { code: 'schema.trigger_form', key, message: `unknown key "${key}" — did you mean "${meant}"? (${help})` } };
  }
  return { problem: { code: 'schema.trigger_form', message: help } };
}

/**
 * Any other union (event match, wait, reentry, exit, literal values): the branch whose issues
 * are least about the value's overall form (wrong type, unknown or missing keys) wins.
 */
function chooseByFit(value: unknown, branches: readonly (readonly z.core.$ZodIssue[])[]): UnionChoice {
  const scores = branches.map((issues) => {
    let score = 0;
    const unknown: string[] = [];
    const missing: string[] = [];
    for (const issue of issues) {
      const shapeMismatch = issue.code === 'invalid_value' && typeof value === 'object' && value !== null;
      if (issue.path.length === 0 && (issue.code === 'invalid_type' || shapeMismatch)) score += 100;
      else if (issue.path.length === 0 && issue.code === 'unrecognized_keys') {
        score += 10 * issue.keys.length;
        unknown.push(...issue.keys);
      } else if (issue.path.length === 1 && issue.code === 'invalid_type' && isRecord(value) && value[String(issue.path[0])] === undefined) {
        score += 10;
        missing.push(String(issue.path[0]));
      } else if (issue.path.length === 0) score += 2;
      else score += 1;
    }
    // An unknown key that is a typo of a key this branch lacks is the branch the author meant.
    for (const key of unknown) if (closest(key, missing)) score -= 15;
    return score;
  });
  const best = Math.min(...scores);
  const winners = scores.flatMap((score, index) => (score === best ? [index] : []));
  const [only, other] = winners;
  if (only !== undefined && other === undefined) return { branch: only };
  return { problem: { code: 'schema.invalid_form', message: 'this value has none of the allowed forms' } };
}
