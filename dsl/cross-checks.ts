// Checks across a validated journey that a schema cannot express: unique step ids, goto
// targets, durations, loops without a wait, split variants, condition arity and scope, survey
// fields read where a survey can have been answered, webhook templates, entry key.
import { isIsoDate, numericString } from './conditions';
import { parseDuration } from './duration';
import type { Condition, Journey } from './schema';
import { formatPath, type DocPath, type Problem } from './problems';
import { loopsWithoutWait } from './loop-check';
import { didYouMean } from './suggest';
import { surveyFieldProblems, webhookTemplateProblems } from './survey-webhook-checks';
import { allConditions, allSteps, type ConditionScope } from './walk';
import type { Locate } from './yaml-source';

/** A problem before it is located in the file. */
export type Found = { path: DocPath; code: string; message: string; at?: 'value' | 'key' };

/** Every cross-reference problem of one journey, located in its file. */
export function crossCheck(journey: Journey, file: string, locate: Locate): Problem[] {
  const found: Found[] = [
    ...stepIds(journey),
    ...durations(journey),
    ...splits(journey),
    ...conditions(journey),
    ...surveyFieldProblems(journey),
    ...webhookTemplateProblems(journey),
    ...entryKey(journey),
  ];
  for (const loop of loopsWithoutWait(journey)) {
    found.push({
      path: [...loop.at.path, 'goto'],
      code: 'graph.loop_without_wait',
      message:
        `step "${loop.at.step.id}" loops back (${loop.cycle.join(' → ')} → ${loop.cycle[0] ?? ''}) without a wait, wait_for or survey step: ` +
        'customers would be messaged with no pause; add a wait inside the loop or remove the goto',
    });
  }
  return found.map((f) => ({ file, ...locate(f.path, f.at), path: formatPath(f.path), code: f.code, message: f.message }));
}

function stepIds(journey: Journey): Found[] {
  const out: Found[] = [];
  const first = new Map<string, DocPath>();
  const steps = allSteps(journey);
  for (const { step, path } of steps) {
    const earlier = first.get(step.id);
    if (earlier) {
      out.push({
        path: [...path, 'id'],
        code: 'step.duplicate_id',
        message: `step id "${step.id}" is already used by ${formatPath(earlier)}; step ids must be unique in the journey: rename one`,
      });
    } else first.set(step.id, path);
  }
  for (const { step, path } of steps) {
    if ('goto' in step && !first.has(step.goto)) {
      out.push({
        path: [...path, 'goto'],
        code: 'goto.unknown_target',
        message: `step "${step.id}" goes to "${step.goto}", which is not a step id in this journey${didYouMean(step.goto, first.keys())}`,
      });
    }
  }
  return out;
}

function durations(journey: Journey): Found[] {
  const all: { path: DocPath; text: string }[] = [];
  if ('inactivity' in journey.trigger) all.push({ path: ['trigger', 'inactivity', 'for'], text: journey.trigger.inactivity.for });
  if (typeof journey.entry.reentry === 'object') all.push({ path: ['entry', 'reentry', 'cooldown'], text: journey.entry.reentry.cooldown });
  if (typeof journey.entry.max_event_age === 'string') all.push({ path: ['entry', 'max_event_age'], text: journey.entry.max_event_age });
  for (const { step, path } of allSteps(journey)) {
    if ('wait' in step) {
      if (typeof step.wait === 'string') all.push({ path: [...path, 'wait'], text: step.wait });
      else if ('for' in step.wait) all.push({ path: [...path, 'wait', 'for'], text: step.wait.for });
    }
    if ('wait_for' in step) all.push({ path: [...path, 'wait_for', 'timeout'], text: step.wait_for.timeout });
    if ('survey' in step) all.push({ path: [...path, 'survey', 'wait'], text: step.survey.wait });
    if ('webhook' in step && step.webhook.timeout !== undefined) all.push({ path: [...path, 'webhook', 'timeout'], text: step.webhook.timeout });
  }
  const out: Found[] = [];
  for (const { path, text } of all) {
    const ms = parseDuration(text);
    if (ms === null) out.push({ path, code: 'duration.too_long', message: `"${text}" is too long to be a duration; use a shorter one, e.g. 365d` });
    else if (ms <= 0) out.push({ path, code: 'duration.not_positive', message: `"${text}" is zero; a duration must be longer than 0, e.g. 1d` });
  }
  return out;
}

function splits(journey: Journey): Found[] {
  const out: Found[] = [];
  for (const { step, path } of allSteps(journey)) {
    if (!('split' in step)) continue;
    const seen = new Set<string>();
    let control: string | undefined;
    step.split.variants.forEach((variant, i) => {
      const at = [...path, 'split', 'variants', i];
      if (seen.has(variant.id)) {
        out.push({ path: [...at, 'id'], code: 'split.duplicate_variant', message: `split "${step.id}" already has a variant "${variant.id}"; variant ids must be unique: rename one` });
      }
      seen.add(variant.id);
      if (variant.control) {
        if (control !== undefined) {
          out.push({ path: [...at, 'control'], code: 'split.several_controls', message: `split "${step.id}" already has control variant "${control}"; keep one control group` });
        } else control = variant.id;
      }
    });
  }
  return out;
}

function conditions(journey: Journey): Found[] {
  const out: Found[] = [];
  for (const { condition, path, scope } of allConditions(journey)) out.push(...conditionProblems(condition, path, scope));
  return out;
}

function conditionProblems(condition: Condition, path: DocPath, scope: ConditionScope): Found[] {
  if ('received' in condition) {
    return scope === 'trigger'
      ? [{ path: [...path, 'received'], code: 'condition.received_in_trigger', message: 'a trigger condition cannot use received: no run exists yet to have received events; move it to a branch' }]
      : [];
  }
  if (!('field' in condition)) return [];
  const out: Found[] = [];
  const { field, op, value } = condition;
  if (op === 'exists' || op === 'not_exists') {
    if (value !== undefined) out.push({ path: [...path, 'value'], code: 'condition.value', message: `op ${op} takes no value: remove value` });
  } else if (op === 'in' || op === 'not_in') {
    if (!Array.isArray(value)) {
      out.push({ path: value === undefined ? [...path, 'op'] : [...path, 'value'], code: 'condition.value', message: `op ${op} needs a list: value: [a, b]` });
    }
  } else if (value === undefined || Array.isArray(value)) {
    out.push({
      path: value === undefined ? [...path, 'op'] : [...path, 'value'],
      code: 'condition.value',
      message: `op ${op} needs a single value (text, number, true/false or null)${Array.isArray(value) ? '; to match any of a list use op: in' : ': add value: ...'}`,
    });
  }
  if ((op === 'gt' || op === 'gte' || op === 'lt' || op === 'lte') && value !== undefined && !Array.isArray(value)) out.push(...orderValue(op, value, path));
  if (scope === 'run' && field.startsWith('event.')) {
    out.push({
      path: [...path, 'field'],
      code: 'condition.event_field',
      message: `there is no event at hand in a branch: use trigger.${field.slice('event.'.length)} for the event that started the run, or received: <event> with where`,
    });
  }
  return out;
}

/** gt/gte/lt/lte compare numbers, or ISO 8601 dates: a quoted number or any other value never matches as meant. */
function orderValue(op: string, value: string | number | boolean | null, path: DocPath): Found[] {
  if (typeof value === 'number' || (typeof value === 'string' && isIsoDate(value))) return [];
  if (typeof value === 'string' && numericString(value) !== undefined) {
    return [
      {
        path: [...path, 'value'],
        code: 'condition.quoted_number',
        message: `op ${op} compares numbers, but value "${value}" is quoted text: drop the quotes (value: ${value})`,
      },
    ];
  }
  return [
    {
      path: [...path, 'value'],
      code: 'condition.value',
      message: `op ${op} compares a number or an ISO 8601 date (e.g. 500 or "2025-01-31"), not ${JSON.stringify(value)}; use op eq or ne to compare other values`,
    },
  ];
}

function entryKey(journey: Journey): Found[] {
  // An inactivity trigger starts a run from silence: there is no event whose properties could key it.
  if (!('inactivity' in journey.trigger)) return [];
  const out: Found[] = [];
  if (journey.entry.max_event_age !== undefined) {
    out.push({
      path: ['entry', 'max_event_age'],
      code: 'entry.max_event_age_needs_event',
      message: 'max_event_age limits how old a trigger event may be; an inactivity trigger starts from silence, not from an event: remove max_event_age',
      at: 'key',
    });
  }
  if (journey.entry.key === undefined) return out;
  return [
    ...out,
    {
      path: ['entry', 'key'],
      code: 'entry.key_needs_event',
      message: 'an entry key needs an event trigger (trigger: { event: ... }); an inactivity trigger has no event properties: remove key',
    },
  ];
}
