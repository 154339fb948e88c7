// Per-journey template checks: every send names a template that exists, each of its locale
// variants has the parts its channel (and fallback channel) needs, and it reads only values
// the journey's sample has.
import { missingParts } from '../render/template-file';
import type { Channel, Journey } from './schema';
import { formatPath, type DocPath, type Problem } from './problems';
import { didYouMean } from './suggest';
import type { LoadedTemplate } from './templates';
import { allSteps } from './walk';
import type { Locate } from './yaml-source';
import { sampleProblems, smsNotes, smsProblems, type TemplateNote } from './sample-checks';

export interface TemplateLookup {
  /** Loaded templates by name; null when the file does not exist. */
  templates: ReadonlyMap<string, LoadedTemplate | null>;
  /** Names present in the templates directory, for suggestions. */
  available: readonly string[];
  /** The templates directory as the person knows it, e.g. `templates`. */
  dirLabel: string;
}

/** Names of the templates a journey sends, in order of first use. */
export function referencedTemplates(journey: Journey): string[] {
  const names = new Set<string>();
  for (const { step } of allSteps(journey)) if ('send' in step) names.add(step.send.template);
  return [...names];
}

export function templateProblems(journey: Journey, file: string, locate: Locate, lookup: TemplateLookup): Problem[] {
  const out: Problem[] = [];
  const push = (path: DocPath, code: string, message: string) => out.push({ file, ...locate(path), path: formatPath(path), code, message });
  for (const { step, path } of allSteps(journey)) {
    if (!('send' in step)) continue;
    const { channel, template: name, fallback } = step.send;
    const at = [...path, 'send'];
    if (fallback === channel) push([...at, 'fallback'], 'send.fallback_same_channel', `fallback is the same channel as channel (${channel}): remove it or choose another channel`);
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

function usedTemplates(journey: Journey, lookup: TemplateLookup): LoadedTemplate[] {
  return referencedTemplates(journey).flatMap((name) => {
    const template = lookup.templates.get(name);
    return template ? [template] : [];
  });
}

function partMessage(template: LoadedTemplate, file: string, channel: Channel, missing: string[]): string {
  const first = missing[0]?.split(' or ')[0] ?? '';
  const parts = missing.map((m) => (m.includes(' or ') ? `an ${m} part` : `the ${m} part`)).join(' and ');
  return (
    `template "${template.name}" (${file}) lacks ${parts}, which the ${channel} channel needs: ` +
    `add a line {{!-- ${first} --}} followed by its text`
  );
}
