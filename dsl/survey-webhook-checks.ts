// Checks of the survey and webhook steps a schema cannot express: `survey.*` read only where a
// survey step can have run before (and only fields a survey result has), and webhook strings
// that Handlebars can compile (located as cross-check problems); and notes on webhook secrets
// missing from the environment `touchpoint validate` runs in (runtime config, not a problem).
import type { SurveyResult } from './conditions';
import type { Found } from './cross-checks';
import { formatPath, type DocPath } from './problems';
import type { TemplateNote } from './sample-checks';
import type { JsonTemplate, Journey } from './schema';
import { didYouMean } from './suggest';
import { handlebarsSyntaxError } from './template-source';
import { WEBHOOK_DEFAULTS } from './webhook-defaults';
import { allConditions, allSteps, reachableAfter, stepGraph } from './walk';

/** What `survey.<field>` may name: the fields of the last survey step's result. */
export const SURVEY_FIELDS = ['step', 'kind', 'answered', 'score', 'category', 'comment', 'sentiment', 'sentiment_score'] as const satisfies readonly (keyof SurveyResult)[];

const ADD_SURVEY = 'a survey step, e.g. { id: nps, survey: { kind: nps, channel: email, template: nps-survey, wait: 7d } }';

/** Conditions reading `survey.*` where no survey can have been answered, or a field a survey result lacks. */
export function surveyFieldProblems(journey: Journey): Found[] {
  const graph = stepGraph(journey);
  const surveys = [...graph.paths.keys()].filter((step) => 'survey' in step);
  const afterSurvey = reachableAfter(graph, surveys);
  const out: Found[] = [];
  for (const { condition, path, scope, step } of allConditions(journey)) {
    if (!('field' in condition) || !condition.field.startsWith('survey.')) continue;
    const { field } = condition;
    const at: DocPath = [...path, 'field'];
    const name = field.split('.')[1] ?? '';
    if (!(SURVEY_FIELDS as readonly string[]).includes(name)) {
      out.push({
        path: at,
        code: 'condition.survey_field',
        message: `${field} is not a survey answer field; a survey result has ${SURVEY_FIELDS.map((f) => `survey.${f}`).join(', ')}${didYouMean(name, SURVEY_FIELDS)}`,
      });
    } else if (scope === 'trigger') {
      out.push({
        path: at,
        code: 'condition.survey_in_trigger',
        message: `a trigger condition cannot read ${field}: no run exists yet, so no survey was answered; move it to a branch after a survey step`,
      });
    } else if (step === undefined) {
      if (surveys.length === 0) {
        out.push({ path: at, code: 'condition.survey_without_step', message: `this condition reads ${field}, but journey "${journey.id}" has no survey step: add ${ADD_SURVEY}` });
      }
    } else if (!afterSurvey.has(step)) {
      out.push({
        path: at,
        code: 'condition.survey_before_survey',
        message: `step "${step.id}" reads ${field}, but no survey step can run before it, so there is never an answer to read: add ${ADD_SURVEY} before step "${step.id}"`,
      });
    }
  }
  return out;
}

/** Webhook url, header values and body strings that are not valid Handlebars templates. */
export function webhookTemplateProblems(journey: Journey): Found[] {
  const out: Found[] = [];
  for (const { step, path } of allSteps(journey)) {
    if (!('webhook' in step)) continue;
    const { url, headers, body } = step.webhook;
    const at: DocPath = [...path, 'webhook'];
    const strings: { path: DocPath; text: string }[] = [{ path: [...at, 'url'], text: url }];
    for (const [name, value] of Object.entries(headers ?? {})) strings.push({ path: [...at, 'headers', name], text: value });
    if (body !== undefined) collectStrings(body, [...at, 'body'], strings);
    for (const { path: where, text } of strings) {
      const error = handlebarsSyntaxError(text);
      if (error === null) continue;
      const line = text.includes('\n') ? ` (line ${error.line} of the text)` : '';
      out.push({ path: where, code: 'webhook.template_syntax', message: `webhook step "${step.id}": Handlebars cannot read this text${line}: ${error.explanation}` });
    }
  }
  return out;
}

function collectStrings(value: JsonTemplate, path: DocPath, into: { path: DocPath; text: string }[]): void {
  if (typeof value === 'string') into.push({ path, text: value });
  else if (Array.isArray(value)) value.forEach((item, i) => collectStrings(item, [...path, i], into));
  else if (value !== null && typeof value === 'object') for (const [key, item] of Object.entries(value)) collectStrings(item, [...path, key], into);
}

/** A note for each webhook step whose HMAC key variable `env` lacks: the worker needs it, validation does not. */
export function webhookSecretNotes(journey: Journey, file: string, env: Readonly<Record<string, string | undefined>>): TemplateNote[] {
  return allSteps(journey).flatMap(({ step, path }) => {
    if (!('webhook' in step)) return [];
    const name = step.webhook.secret_env ?? WEBHOOK_DEFAULTS.secret_env;
    if (env[name]) return [];
    const at = [...path, 'webhook', step.webhook.secret_env === undefined ? 'url' : 'secret_env'];
    return [
      {
        file,
        path: formatPath(at),
        message: `${name} is not set here; the worker needs it to sign the requests of webhook step "${step.id}" (Touchpoint-Signature): set it where the worker runs`,
      },
    ];
  });
}
