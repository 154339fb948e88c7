// `touchpoint preview <template>`: render a template from the working tree as a customer would
// get it, with sample data from a file or from the first journey that sends it: email as an
// HTML file (subject and text part printed), SMS as text with its segments, push as JSON.
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, extname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig, type Config } from '../../config/env';
import { displayPath } from '../../dsl/display-path';
import { parseJourneySource } from '../../dsl/load';
import { formatProblem } from '../../dsl/problems';
import { contextFromSample, sampleSurvey } from '../../dsl/sample-checks';
import { ChannelSchema, SampleSchema, type Channel, type Journey, type SurveyStep } from '../../dsl/schema';
import { didYouMean } from '../../dsl/suggest';
import { readTemplate, templateNames, type LoadedTemplate } from '../../dsl/templates';
import { allSteps } from '../../dsl/walk';
import { canonicalLocale, chooseVariant } from '../../render/locale';
import { compileTemplate, type RenderContext } from '../../render/renderer';
import { describeSmsLength } from '../../render/sms-segments';
import { missingParts } from '../../render/template-file';
import { commandUsage } from '../usage';
import { EXIT, type CliIo } from '../io';

class PreviewError extends Error {}

interface Data {
  sample: Journey['sample'];
  /** Where the data came from, for the person reading the output. */
  origin: string;
  /** The channel of the first step that sends the template, when the data came from a journey. */
  channel?: Channel;
  journeyId: string;
  eventName: string;
  /** When a survey step sends the template: its kind, so the preview shows sample survey links. */
  surveyKind?: SurveyStep['kind'];
}

export async function previewCommand(args: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        data: { type: 'string' },
        channel: { type: 'string' },
        locale: { type: 'string' },
        out: { type: 'string' },
        templates: { type: 'string' },
        journeys: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    return usageError(io, error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(commandUsage('preview'));
    return EXIT.ok;
  }
  const [name, ...extra] = positionals;
  if (name === undefined || extra.length > 0) return usageError(io, name === undefined ? 'name the template to preview, e.g. touchpoint preview welcome' : `one template at a time (got ${positionals.join(', ')})`);
  const channelOption = values.channel === undefined ? undefined : ChannelSchema.safeParse(values.channel);
  if (channelOption && !channelOption.success) return usageError(io, `--channel is email, sms or push (got "${values.channel}")`);
  const locale = values.locale === undefined ? undefined : canonicalLocale(values.locale);
  if (locale === null) return usageError(io, `--locale "${values.locale}" is not a BCP 47 locale tag; write e.g. it, de or pt-BR`);

  try {
    const config = loadConfig(io.env, io.cwd);
    const templatesDir = values.templates === undefined ? config.templatesDir : resolve(io.cwd, values.templates);
    const template = await readTemplate(templatesDir, name, io.cwd);
    if (!template) {
      const file = displayPath(join(templatesDir, `${name}.hbs`), io.cwd);
      throw new PreviewError(`there is no template "${name}" (${file})${didYouMean(name, await templateNames(templatesDir))}`);
    }
    if (template.problems.length > 0) {
      for (const problem of template.problems) io.err(formatProblem(problem));
      throw new PreviewError(`template "${name}" has problems: fix them (touchpoint validate lists them too) and preview again`);
    }
    const journeysDir = values.journeys === undefined ? config.journeysDir : resolve(io.cwd, values.journeys);
    const data = values.data === undefined ? await journeyData(journeysDir, values.journeys !== undefined, name, io) : await fileData(resolve(io.cwd, values.data), io);
    const channel = channelOption?.data ?? data.channel ?? firstChannel(template);
    const context: RenderContext & { survey?: unknown } = contextFromSample(data.sample, data.journeyId, data.eventName);
    if (locale) context.locale = locale;
    // A survey message reads survey.url / survey.scores: show it with sample links.
    if (data.surveyKind) context.survey = sampleSurvey(data.surveyKind);
    io.out(`Data: ${data.origin}`);
    await render(template, channel, context, config, values.out, io);
    if (data.sample === undefined) {
      // Loud, on stderr, once the preview is out: a preview without data looks like a template bug (blank names, empty totals).
      io.err(
        `touchpoint preview: WARNING: no sample data for template "${name}" (${data.origin.replace(/^none: /, '')}), so every ` +
          '{{traits.*}} and {{event.properties.*}} renders empty. Pass --data <file.json> with { "traits": {...}, "event": { "name": "...", "properties": {...} } }, ' +
          `or add a sample: block to the journey${values.journeys === undefined ? ' (or point --journeys at the folder of yours)' : ''}.`,
      );
    }
    return EXIT.ok;
  } catch (error) {
    io.err(`touchpoint preview: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT.problems;
  }
}

async function render(template: LoadedTemplate, channel: Channel, context: RenderContext, config: Config, out: string | undefined, io: CliIo) {
  const compiled = compileTemplate({ hash: template.hash, name: template.name, source: template.source }, { defaultTimezone: config.DEFAULT_TIMEZONE });
  // The variant the renderer will choose (as it does: context locale, then traits.locale, then the default), checked first
  // so a missing part is reported against the file to fix.
  const wanted = canonicalLocale(context.locale) ?? canonicalLocale(context.traits.locale) ?? 'en';
  const tag = chooseVariant(compiled.locales, wanted);
  const variant = template.variants.find((v) => v.locale === tag) ?? template.variants[0];
  const lacks = variant ? missingParts(variant.parsed, channel) : [];
  if (variant && lacks.length > 0) {
    throw new PreviewError(
      `${variant.file} has no ${lacks.join(', ')} part, so it cannot be sent by ${channel}: add a line {{!-- ${lacks[0]?.split(' or ')[0]} --}} and its text, or preview another --channel`,
    );
  }
  io.out(`Variant: ${variant?.file ?? template.file}`);
  if (channel === 'email') {
    const email = compiled.email(context);
    const path = out === undefined ? join(config.dataDir, 'previews', `${template.name}.${email.locale ?? 'default'}.html`) : resolve(io.cwd, out);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, email.html ?? `<!doctype html><meta charset="utf-8"><pre>${escapeHtml(email.text)}</pre>\n`);
    io.out(`Wrote ${displayPath(path, io.cwd)}${email.html === null ? ' (the template has no email.html part: this is its text part)' : ''}`);
    io.out(`Subject: ${email.subject}`);
    io.out('--- text part ---');
    io.out(email.text);
  } else if (channel === 'sms') {
    const sms = compiled.sms(context);
    io.out(sms.text);
    io.out(`--- ${describeSmsLength(sms.text)}`);
  } else {
    const push = compiled.push(context);
    io.out(JSON.stringify({ title: push.title, body: push.body, url: push.url, icon: push.icon }, null, 2));
  }
}

/** The sample of the first journey in `dir` (by file name) that sends `name`, or empty data; `named`: the folder was given by --journeys, so it must exist. */
async function journeyData(dir: string, named: boolean, name: string, io: CliIo): Promise<Data> {
  const shown = displayPath(dir, io.cwd);
  const listed = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (named) throw new PreviewError(`--journeys ${shown}: ${error.code === 'ENOENT' ? 'no such folder' : error.code === 'ENOTDIR' ? 'not a folder' : error.message}; name the folder holding your journey YAML files`);
    return [] as string[];
  });
  const files = listed.filter((f) => ['.yaml', '.yml'].includes(extname(f))).sort();
  for (const entry of files) {
    const path = join(dir, entry);
    const file = displayPath(path, io.cwd);
    const { journey } = parseJourneySource(await readFile(path, 'utf8'), file);
    const step = journey
      ? allSteps(journey).find(({ step: s }) => ('send' in s && s.send.template === name) || ('survey' in s && s.survey.template === name))?.step
      : undefined;
    if (!journey || !step) continue;
    const sends = 'send' in step ? step.send : 'survey' in step ? step.survey : undefined;
    if (!sends) continue;
    const eventName = 'event' in journey.trigger ? journey.trigger.event : journey.trigger.inactivity.event;
    const origin = journey.sample ? `the sample of journey "${journey.id}" (${file})` : `none: journey "${journey.id}" (${file}) has no sample (pass --data)`;
    const surveyKind = 'survey' in step ? { surveyKind: step.survey.kind } : {};
    return { sample: journey.sample, origin, channel: sends.channel, journeyId: journey.id, eventName, ...surveyKind };
  }
  const where = files.length === 0 ? `${shown} has no journey files` : `no journey in ${shown} sends this template`;
  return { sample: undefined, origin: `none: ${where} and no --data was given`, journeyId: 'preview', eventName: 'preview' };
}

/** `{ traits, event: { name, properties } }` from a JSON file, every mistake located. */
async function fileData(path: string, io: CliIo): Promise<Data> {
  const file = displayPath(path, io.cwd);
  const text = await readFile(path, 'utf8').catch(() => {
    throw new PreviewError(`cannot read --data ${file}: no such file`);
  });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const { line, col } = jsonPosition(text, message);
    throw new PreviewError(`${file}:${line}:${col}: not valid JSON: ${message.replace(/ in JSON at position \d+.*$/, '')}`);
  }
  const parsed = SampleSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ');
    throw new PreviewError(`${file}: ${issues}; the data is { "traits": { ... }, "event": { "name": "...", "properties": { ... } } }`);
  }
  return { sample: parsed.data, origin: file, journeyId: 'preview', eventName: parsed.data.event?.name ?? 'preview' };
}

/** Line and column of a JSON.parse error: V8 says "(line L column C)" or "at position N". */
export function jsonPosition(text: string, message: string): { line: number; col: number } {
  const both = /line (\d+) column (\d+)/.exec(message);
  if (both) return { line: Number(both[1]), col: Number(both[2]) };
  const at = /at position (\d+)/.exec(message);
  const index = at ? Number(at[1]) : text.length;
  const before = text.slice(0, index).split('\n');
  return { line: before.length, col: (before[before.length - 1]?.length ?? 0) + 1 };
}

function firstChannel(template: LoadedTemplate): Channel {
  return ChannelSchema.options.find((c) => missingParts(template.parsed, c).length === 0) ?? 'email';
}

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function usageError(io: CliIo, message: string): number {
  io.err(`touchpoint preview: ${message}`);
  io.err(commandUsage('preview'));
  return EXIT.usage;
}
