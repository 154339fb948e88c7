// Checks of a journey's templates against its `sample:` customer and event (and, for survey
// steps, sample survey links): every value a template reads is in the sample (else validation
// fails, located in the template), and each SMS part's length in segments, reported as a note
// (a problem past MAX_SMS_SEGMENTS).
import { compileTemplate, type RenderContext } from '../render/renderer';
import { chooseVariant } from '../render/locale';
import { missingFields, type MissingField } from '../render/sample-fields';
import { SMS_MAX_SEGMENTS } from '../render/channel-limits';
import { countSmsSegments, describeSmsLength } from '../render/sms-segments';
import { TEMPLATE_PARTS } from '../render/template-file';
import type { Problem } from './problems';
import { SCALES } from '../surveys/scoring';
import type { SurveyResult } from './conditions';
import type { Journey, SurveyStep } from './schema';
import type { LoadedTemplate } from './templates';
import { allSteps } from './walk';
import type { PartialSourceFile, TemplateSourceFile } from './template-source';

/** More parts than this is a problem: the limit the send decision path enforces (skipped:too_long). */
export const MAX_SMS_SEGMENTS = SMS_MAX_SEGMENTS;

/** Something validation tells without failing, e.g. an SMS part's length. */
export interface TemplateNote {
  file: string;
  /** The part, e.g. `sms.text`. */
  path: string;
  message: string;
}

/** A template as steps use it: by send steps, or by survey steps of one kind (their messages carry `survey`). */
export interface TemplateUse {
  template: LoadedTemplate;
  survey?: SurveyStep['kind'];
}

/** What the template of a survey step reads as `survey`: its links, one per score for one-click buttons. */
export interface SurveyLinks {
  kind: SurveyStep['kind'];
  /** The survey page. */
  url: string;
  /** One link per point of the scale, lowest first (`{{#each survey.scores}}<a href="{{url}}">{{score}}</a>{{/each}}`). */
  scores: { score: number; url: string }[];
  min: number;
  max: number;
}

/** The `survey` of a survey step's template with sample links (validation, previews). */
export function sampleSurvey(kind: SurveyStep['kind']): SurveyLinks {
  const { min, max } = SCALES[kind];
  const url = 'https://touchpoint.example/s/sample-token';
  const scores = Array.from({ length: max - min + 1 }, (_, i) => ({ score: min + i, url: `${url}?score=${min + i}` }));
  return { kind, url, scores, min, max };
}

/** `templates/order-thanks.hbs: sms.text: 1 segment (GSM-7, 96 chars) …` */
export const formatNote = (note: TemplateNote): string => `${note.file}: ${note.path}: ${note.message}`;

/** What templates see for a journey's sample; links.unsubscribe, customer.id, journey.id and event.name are always there. */
export function sampleContext(journey: Journey): RenderContext {
  const triggerEvent = 'event' in journey.trigger ? journey.trigger.event : journey.trigger.inactivity.event;
  return contextFromSample(journey.sample, journey.id, triggerEvent);
}

/** The render context for sample data (`{ traits, event: { name, properties } }`), as validation and previews use it. */
export function contextFromSample(sample: Journey['sample'], journeyId: string, eventName: string): RenderContext {
  return {
    customer: { id: 'sample-customer' },
    traits: sample?.traits ?? {},
    event: { name: sample?.event?.name ?? eventName, properties: sample?.event?.properties ?? {}, timestamp: '2025-01-15T09:30:00.000Z' },
    journey: { id: journeyId },
    links: { unsubscribe: 'https://touchpoint.example/u/sample-token' },
    // The latest event of the trigger's name is the trigger itself until a newer one comes.
    latest: { [sample?.event?.name ?? eventName]: { name: sample?.event?.name ?? eventName, properties: sample?.event?.properties ?? {}, timestamp: '2025-01-15T09:30:00.000Z' } },
  };
}

/** What a send after a survey step reads as `survey`: a sample answer of the journey's (first) survey step. */
function sampleAnswer(journey: Journey): SurveyResult | null {
  const found = allSteps(journey).find(({ step }) => 'survey' in step)?.step;
  if (!found || !('survey' in found)) return null;
  const { kind } = found.survey;
  const { max } = SCALES[kind];
  return { step: found.id, kind, answered: true, score: max, category: 'sample', comment: 'Sample comment', sentiment: 'positive', sentiment_score: 0.5 };
}

/** The partial or layout `name` as the `locale` variant of a template renders it. */
export function partialFor(template: LoadedTemplate, name: string, locale: string): PartialSourceFile | undefined {
  const versions = template.partials.get(name) ?? [];
  const tag = chooseVariant(versions.map((v) => v.locale), locale || null);
  return versions.find((v) => v.locale === tag) ?? versions.find((v) => v.locale === '');
}

/** What the template of `use` sees for the journey's sample. */
function useContext(journey: Journey, use: TemplateUse): RenderContext & { survey?: SurveyLinks | SurveyResult } {
  const root = sampleContext(journey);
  if (use.survey !== undefined) return { ...root, survey: sampleSurvey(use.survey) };
  const answer = sampleAnswer(journey);
  return answer ? { ...root, survey: answer } : root;
}

const ROOTS =
  'traits.<name>, event.properties.<name>, event.name, customer.id, journey.id, links.unsubscribe, latest.[<event name>] (the latest event of that name the run received) and, in and after survey steps, survey.*';
const ANSWER_ROOTS = 'survey.answered, survey.score, survey.category, survey.comment, survey.sentiment, survey.sentiment_score, survey.kind and survey.step';
const SURVEY_ROOTS = 'survey.url, survey.scores (each with score and url), survey.kind, survey.min and survey.max';

function explain(field: MissingField, journey: Journey, journeyFile: string, use: TemplateUse): string {
  const owner = `the sample of journey "${journey.id}" (${journeyFile})`;
  const guard = `or wrap it in {{#if ${field.original}}}…{{/if}} if some customers lack it`;
  if (field.within?.startsWith('survey.') || (field.within === null && field.key.startsWith('survey.'))) {
    if (use.survey === undefined && sampleAnswer(journey) !== null) {
      return `{{${field.original}}} reads ${field.key}, which a survey answer lacks: sends after a survey step read ${ANSWER_ROOTS}`;
    }
    if (use.survey === undefined) {
      return `{{${field.original}}} reads ${field.key}, which only messages of survey steps have, and a send step of journey "${journey.id}" uses template "${use.template.name}": send it from a survey step or remove the survey links`;
    }
    if (field.within) return `{{${field.original}}} reads ${field.key} of each item of ${field.within}, which survey messages lack: each of survey.scores has score and url`;
    return `{{${field.original}}} reads ${field.key}, which survey messages lack: they have ${SURVEY_ROOTS}`;
  }
  if (field.within) {
    return `{{${field.original}}} reads ${field.key} of each item of ${field.within}, and no item there in ${owner} has it: add ${field.key} to those items under sample:, ${guard}`;
  }
  const [root, second, ...rest] = field.key.split('.');
  if (root === 'traits' && second) return `{{${field.original}}} reads ${field.key}, which ${owner} lacks: add ${[second, ...rest].join('.')} under sample: → traits:, ${guard}`;
  if (root === 'event' && second === 'properties' && rest.length > 0) {
    return `{{${field.original}}} reads ${field.key}, which ${owner} lacks: add ${rest.join('.')} under sample: → event: → properties:, ${guard}`;
  }
  if (root === 'latest') {
    return `{{${field.original}}} reads ${field.key}, which ${owner} lacks: the sample only gives the latest event of the trigger's name (${sampleContext(journey).event.name}); a run may not have received another, so guard it with {{#if latest.[<event name>]}}…{{/if}}`;
  }
  if (root && ['customer', 'journey', 'links', 'event'].includes(root)) return `{{${field.original}}} reads ${field.key}, which no message has: templates read ${ROOTS}`;
  return `{{${field.original}}} reads ${field.key}, which is not message data: templates read ${ROOTS} (did you mean traits.${field.key}?)`;
}

/** Values the journey's templates read that its sample (and survey links, in survey steps) lack; none when the journey has no sample. */
export function sampleProblems(journey: Journey, journeyFile: string, uses: readonly TemplateUse[]): Problem[] {
  if (!journey.sample) return [];
  const out = new Map<string, Problem>();
  for (const use of uses) {
    const { template } = use;
    const root = useContext(journey, use);
    for (const variant of template.variants) {
      const asts = (name: string) => partialFor(template, name, variant.locale)?.ast ?? null;
      for (const part of TEMPLATE_PARTS) {
        const ast = variant.asts[part];
        if (!ast) continue;
        for (const field of missingFields(ast, root, asts)) {
          const at = locate(template, variant, part, field);
          const key = `${at.file}:${at.line}:${at.col}`;
          if (!out.has(key)) out.set(key, { ...at, path: part, code: 'template.sample_missing', message: explain(field, journey, journeyFile, use) });
        }
      }
    }
  }
  return [...out.values()];
}

function locate(template: LoadedTemplate, variant: TemplateSourceFile, part: (typeof TEMPLATE_PARTS)[number], field: MissingField) {
  if (field.partial !== null) return { file: partialFor(template, field.partial, variant.locale)?.file ?? variant.file, line: field.line, col: field.col };
  return { file: variant.file, line: (variant.parsed.partLines[part] ?? 1) + field.line - 1, col: field.col };
}

interface SmsLength {
  file: string;
  line: number;
  text: string;
}

/** Each sms.text part of the templates, rendered with the journey's sample (empty data without one). */
function smsLengths(journey: Journey, uses: readonly TemplateUse[]): SmsLength[] {
  const out: SmsLength[] = [];
  for (const use of uses) {
    const { template } = use;
    const context = useContext(journey, use);
    if (template.problems.length > 0) continue;
    const compiled = compileTemplate({ hash: template.hash, name: template.name, source: template.source });
    for (const variant of template.variants) {
      if (variant.parsed.parts['sms.text'] === undefined) continue;
      try {
        out.push({ file: variant.file, line: variant.parsed.partLines['sms.text'] ?? 1, text: compiled.sms(context, { variant: variant.locale }).text });
      } catch {
        // A render error is a template problem reported elsewhere; there is no length to tell.
      }
    }
  }
  return out;
}

/** SMS parts longer than MAX_SMS_SEGMENTS with the sample data. */
export function smsProblems(journey: Journey, uses: readonly TemplateUse[]): Problem[] {
  return smsLengths(journey, uses)
    .filter((sms) => countSmsSegments(sms.text).segments > MAX_SMS_SEGMENTS)
    .map((sms) => ({
      file: sms.file,
      line: sms.line,
      col: 1,
      path: 'sms.text',
      code: 'template.sms_too_long',
      message: `with the sample of journey "${journey.id}" this SMS is ${describeSmsLength(sms.text)}, more than ${MAX_SMS_SEGMENTS}: shorten it (or link to the details)`,
    }));
}

/** One note per SMS part: its length in segments with the journey's sample. */
export function smsNotes(journey: Journey, uses: readonly TemplateUse[]): TemplateNote[] {
  const data = journey.sample ? `with the sample of journey "${journey.id}"` : `journey "${journey.id}" has no sample: rendered without data`;
  const notes = smsLengths(journey, uses).map((sms) => ({ file: sms.file, path: 'sms.text', message: `${describeSmsLength(sms.text)} ${data}` }));
  // A template sent by both send and survey steps is measured twice: tell each length once.
  return [...new Map(notes.map((n) => [`${n.file}:${n.message}`, n])).values()];
}
