// Per-journey template checks: every send names a template that exists and has the parts its
// channel (and fallback channel) needs.
import { missingParts } from '../render/template-file';
import type { Channel, Journey } from './schema';
import { formatPath, type DocPath, type Problem } from './problems';
import { didYouMean } from './suggest';
import type { LoadedTemplate } from './templates';
import { allSteps } from './walk';
import type { Locate } from './yaml-source';

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
    const lacks = (ch: Channel) => missingParts(template.parsed, ch);
    const missing = lacks(channel);
    if (missing.length > 0) push([...at, 'template'], 'template.missing_part', partMessage(template, channel, missing));
    if (fallback && fallback !== channel) {
      const missingFallback = lacks(fallback);
      if (missingFallback.length > 0) push([...at, 'fallback'], 'template.missing_part', partMessage(template, fallback, missingFallback));
    }
  }
  return out;
}

function partMessage(template: LoadedTemplate, channel: Channel, missing: string[]): string {
  const first = missing[0]?.split(' or ')[0] ?? '';
  const parts = missing.map((m) => (m.includes(' or ') ? `an ${m} part` : `the ${m} part`)).join(' and ');
  return (
    `template "${template.name}" (${template.file}) lacks ${parts}, which the ${channel} channel needs: ` +
    `add a line {{!-- ${first} --}} followed by its text`
  );
}
