// Per-journey template checks: every send and survey step names a template that exists, each
// of its locale variants has the parts its channel (and fallback channel) needs, and it reads
// only values the journey's sample has (survey templates: the sample survey links too).
import { missingParts } from '../render/template-file';
import type { Channel, Journey, Step, SurveyStep } from './schema';
import { formatPath, type DocPath, type Problem } from './problems';
import { didYouMean } from './suggest';
import type { LoadedTemplate } from './templates';
import { allSteps } from './walk';
import type { Locate } from './yaml-source';
import { sampleProblems, smsNotes, smsProblems, type TemplateNote, type TemplateUse } from './sample-checks';

export interface TemplateLookup {
  /** Loaded templates by name; null when the file does not exist. */
  templates: ReadonlyMap<string, LoadedTemplate | null>;
  /** Names present in the templates directory, for suggestions. */
  available: readonly string[];
  /** The templates directory as the person knows it, e.g. `templates`. */
  dirLabel: string;
}

/** A step that messages the customer: a send, or a survey (its message carries the survey links). */
interface MessageStep {
  step: Step;
  /** Where its message fields are, e.g. `steps[2].survey`. */
  at: DocPath;
  kind: 'send' | 'survey';
  channel: Channel;
  template: string;
  fallback?: Channel | undefined;
  survey?: SurveyStep['kind'];
}

/** Every send and survey step, depth first in document order. */
function messageSteps(journey: Journey): MessageStep[] {
  return allSteps(journey).flatMap(({ step, path }): MessageStep[] => {
    if ('send' in step) return [{ step, at: [...path, 'send'], kind: 'send', ...step.send }];
    if ('survey' in step) {
      const { channel, template, fallback, kind } = step.survey;
      return [{ step, at: [...path, 'survey'], kind: 'survey', channel, template, fallback, survey: kind }];
    }
    return [];
  });
}

/** Names of the templates a journey sends (send and survey steps), in order of first use. */
export function referencedTemplates(journey: Journey): string[] {
  return [...new Set(messageSteps(journey).map((m) => m.template))];
}

export function templateProblems(journey: Journey, file: string, locate: Locate, lookup: TemplateLookup): Problem[] {
  const out: Problem[] = [];
  const push = (path: DocPath, code: string, message: string) => out.push({ file, ...locate(path), path: formatPath(path), code, message });
  for (const { step, at, kind, channel, template: name, fallback } of messageSteps(journey)) {
    if (fallback === channel) push([...at, 'fallback'], `${kind}.fallback_same_channel`, `fallback is the same channel as channel (${channel}): remove it or choose another channel`);
    const template = lookup.templates.get(name);
    if (!template) {
      push(
        [...at, 'template'],
        'template.not_found',
        `step "${step.id}" uses template "${name}", but there is no ${lookup.dirLabel}/${name}.hbs: create it${didYouMean(name, lookup.available)}`,
      );
      continue;
    }
    // Every variant is sent to someone: each needs the parts of every channel the step may use.
    for (const variant of template.variants) {
      const missing = missingParts(variant.parsed, channel);
      if (missing.length > 0) push([...at, 'template'], 'template.missing_part', partMessage(template, variant.file, channel, missing));
      if (fallback && fallback !== channel) {
        const missingFallback = missingParts(variant.parsed, fallback);
        if (missingFallback.length > 0) push([...at, 'fallback'], 'template.missing_part', partMessage(template, variant.file, fallback, missingFallback));
      }
    }
  }
  const used = usedTemplates(journey, lookup);
  return [...out, ...sampleProblems(journey, file, used), ...smsProblems(journey, used)];
}

/** Length notes of the journey's SMS parts, rendered with its sample. */
export function templateNotes(journey: Journey, lookup: TemplateLookup): TemplateNote[] {
  return smsNotes(journey, usedTemplates(journey, lookup));
}

/** Each found template once per way it is used: by send steps, and by survey steps of each kind. */
function usedTemplates(journey: Journey, lookup: TemplateLookup): TemplateUse[] {
  const uses = new Map<string, TemplateUse>();
  for (const m of messageSteps(journey)) {
    const template = lookup.templates.get(m.template);
    const key = `${m.template}\u0000${m.survey ?? ''}`;
    if (template && !uses.has(key)) uses.set(key, m.survey === undefined ? { template } : { template, survey: m.survey });
  }
  return [...uses.values()];
}

function partMessage(template: LoadedTemplate, file: string, channel: Channel, missing: string[]): string {
  const first = missing[0]?.split(' or ')[0] ?? '';
  const parts = missing.map((m) => (m.includes(' or ') ? `an ${m} part` : `the ${m} part`)).join(' and ');
  return (
    `template "${template.name}" (${file}) lacks ${parts}, which the ${channel} channel needs: ` +
    `add a line {{!-- ${first} --}} followed by its text`
  );
}
