// The template file format: one `templates/<name>.hbs` per message, its per-channel parts
// marked by Handlebars comment lines such as `{{!-- email.subject --}}`, so the whole file
// stays valid Handlebars for editors.
import type { Channel } from '../dsl/schema';

export const TEMPLATE_PARTS = ['email.subject', 'email.html', 'email.text', 'sms.text', 'push.title', 'push.body', 'push.url', 'push.icon'] as const;
export type TemplatePart = (typeof TEMPLATE_PARTS)[number];

/** Parts a template must have to be sent on a channel (email needs html or text besides the subject). */
export const REQUIRED_PARTS: Record<Channel, { all: TemplatePart[]; oneOf?: TemplatePart[] }> = {
  email: { all: ['email.subject'], oneOf: ['email.html', 'email.text'] },
  sms: { all: ['sms.text'] },
  push: { all: ['push.title', 'push.body'] },
};

export interface TemplateProblem {
  line: number;
  col: number;
  message: string;
}

export interface ParsedTemplate {
  parts: Partial<Record<TemplatePart, string>>;
  /** 1-based line where each part's body starts, for error messages. */
  partLines: Partial<Record<TemplatePart, number>>;
  problems: TemplateProblem[];
}

const MARKER = /^\{\{!--\s*([a-z]+\.[a-z]+)\s*--\}\}\s*$/;

export function parseTemplateFile(source: string): ParsedTemplate {
  const lines = source.split(/\r?\n/);
  const parts: ParsedTemplate['parts'] = {};
  const partLines: ParsedTemplate['partLines'] = {};
  const problems: TemplateProblem[] = [];
  let current: TemplatePart | null = null;
  let buffer: string[] = [];
  const flush = () => {
    if (current) parts[current] = buffer.join('\n').replace(/\n+$/, '');
    buffer = [];
  };
  lines.forEach((line, index) => {
    const marker = MARKER.exec(line);
    if (marker) {
      const name = marker[1] as string;
      if (!(TEMPLATE_PARTS as readonly string[]).includes(name)) {
        problems.push({ line: index + 1, col: 1, message: `unknown part "${name}"; parts are ${TEMPLATE_PARTS.join(', ')}` });
        flush();
        current = null;
        return;
      }
      const part = name as TemplatePart;
      flush();
      if (parts[part] !== undefined) problems.push({ line: index + 1, col: 1, message: `part "${part}" appears twice; keep one` });
      current = part;
      partLines[part] = index + 2;
      return;
    }
    if (current) buffer.push(line);
    else if (line.trim() !== '' && !/^\{\{!--.*--\}\}\s*$/.test(line) && !/^\{\{!.*\}\}\s*$/.test(line)) {
      problems.push({ line: index + 1, col: 1, message: 'text before the first part marker; start the file with a marker such as {{!-- email.subject --}}' });
    }
  });
  flush();
  return { parts, partLines, problems };
}

/** Which required parts for `channel` the template lacks (empty when it can be sent there). */
export function missingParts(template: ParsedTemplate, channel: Channel): string[] {
  const need = REQUIRED_PARTS[channel];
  const missing: string[] = need.all.filter((p) => !template.parts[p]);
  if (need.oneOf && !need.oneOf.some((p) => template.parts[p])) missing.push(need.oneOf.join(' or '));
  return missing;
}
