// Load journeys from YAML files: parse with positions, validate against the schema, cross-check
// steps and templates, and pin every valid journey as a snapshot. Finds problems; never prints.
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import type { TemplateVersion } from '../store/types';
import { crossCheck } from './cross-checks';
import { displayPath } from './display-path';
import { sortProblems, type Problem } from './problems';
import { nestingProblem } from './nesting';
import { JourneySchema, type Journey, type JourneySnapshot } from './schema';
import { salvageJourney } from './salvage';
import { shapeProblems } from './shape-problems';
import { buildSnapshot } from './snapshot';
import { referencedTemplates, templateNotes, templateProblems } from './template-checks';
import type { TemplateNote } from './sample-checks';
import { webhookSecretNotes } from './survey-webhook-checks';
import { readTemplate, templateNames, type LoadedTemplate } from './templates';
import { parseYamlSource, type Locate } from './yaml-source';

export interface LoadOptions {
  /** Journey files, or directories whose `*.yaml` / `*.yml` files are read (not recursively). */
  paths: string[];
  /** Where `<template>.hbs` files live. */
  templatesDir: string;
  /** Base for the relative file names in problems and snapshots. @default process.cwd() */
  cwd?: string;
  /**
   * The environment the journeys will run with: webhook steps whose `secret_env` it lacks get a
   * note (a runtime setting, never a problem). @default undefined (no such notes)
   */
  env?: Readonly<Record<string, string | undefined>>;
}

export interface LoadResult {
  /** Journeys without any problem, in file order. */
  journeys: JourneySnapshot[];
  /** Every template those journeys reference, once each. */
  templates: TemplateVersion[];
  /** Every problem found, sorted by file and position; empty when all is well. */
  problems: Problem[];
  /** What validation tells without failing (each SMS part's length with the sample, missing webhook secrets), in journey order. */
  notes: TemplateNote[];
}

interface Analysed {
  /** The journey, when it passed the schema. */
  journey?: Journey;
  /** What cross-checks ran on: the journey, or its valid parts when it failed the schema. */
  checked?: Journey;
  problems: Problem[];
  locate: Locate;
}

/** Validate one journey's YAML without touching the disk (templates are not checked). */
export function parseJourneySource(source: string, file: string): { journey?: Journey; problems: Problem[] } {
  const { journey, problems } = analyseJourneySource(source, file);
  return problems.length === 0 && journey ? { journey, problems } : { problems };
}

function analyseJourneySource(source: string, file: string): Analysed {
  const yaml = parseYamlSource(source, file);
  if (yaml.broken) return { problems: yaml.problems, locate: yaml.locate };
  const tooDeep = nestingProblem(yaml.data, file, yaml.locate);
  if (tooDeep) return { problems: sortProblems([...yaml.problems, tooDeep]), locate: yaml.locate };
  const parsed = JourneySchema.safeParse(yaml.data ?? null);
  if (!parsed.success) {
    const shape = shapeProblems(parsed.error.issues, JourneySchema, yaml.data, file, yaml.locate);
    const checked = salvageJourney(yaml.data);
    const cross = checked ? crossCheck(checked, file, yaml.locate) : [];
    return { checked, problems: sortProblems([...yaml.problems, ...shape, ...cross]), locate: yaml.locate };
  }
  const cross = crossCheck(parsed.data, file, yaml.locate);
  return { journey: parsed.data, checked: parsed.data, problems: sortProblems([...yaml.problems, ...cross]), locate: yaml.locate };
}

export async function loadJourneys(opts: LoadOptions): Promise<LoadResult> {
  const cwd = opts.cwd ?? process.cwd();
  const show = (path: string) => displayPath(path, cwd);
  const problems: Problem[] = [];
  const files = await journeyFiles(opts.paths, cwd, show, problems);

  const analysed: (Analysed & { file: string })[] = [];
  for (const path of files) {
    const file = show(path);
    const source = await readFile(path, 'utf8');
    analysed.push({ file, ...analyseJourneySource(source, file) });
  }

  const templatesDir = resolve(cwd, opts.templatesDir);
  const templates = new Map<string, LoadedTemplate | null>();
  for (const { checked } of analysed) {
    for (const name of checked ? referencedTemplates(checked) : []) {
      if (templates.has(name)) continue;
      const template = await readTemplate(templatesDir, name, cwd);
      templates.set(name, template);
      if (template) problems.push(...template.problems);
    }
  }
  const lookup = { templates, available: await templateNames(templatesDir), dirLabel: show(templatesDir) };

  const notes: TemplateNote[] = [];
  const owners = new Map<string, string>();
  const journeys: JourneySnapshot[] = [];
  const versions = new Map<string, TemplateVersion>();
  for (const { file, journey, checked, problems: own, locate } of analysed) {
    const before = problems.length;
    problems.push(...own);
    if (checked) problems.push(...templateProblems(checked, file, locate, lookup));
    if (!journey) continue;
    const owner = owners.get(journey.id);
    if (owner) {
      problems.push({
        file,
        ...locate(['id']),
        path: 'id',
        code: 'journey.duplicate_id',
        message: `journey id "${journey.id}" is already used by ${owner}; journey ids must be unique: rename one`,
      });
    } else owners.set(journey.id, file);
    notes.push(...templateNotes(journey, lookup));
    if (opts.env !== undefined) notes.push(...webhookSecretNotes(journey, file, opts.env));
    const used = referencedTemplates(journey).map((name) => templates.get(name));
    if (problems.length > before || used.some((t) => !t || t.problems.length > 0)) continue;
    const hashes: Record<string, string> = {};
    for (const template of used) {
      if (!template) continue;
      hashes[template.name] = template.hash;
      versions.set(template.hash, { hash: template.hash, name: template.name, source: template.source });
    }
    journeys.push(buildSnapshot(journey, hashes, file));
  }
  // A partial or layout shared by several templates brings its problems with each of them: report them once.
  const unique = [...new Map(problems.map((p) => [`${p.file}:${p.line}:${p.col}:${p.code}:${p.message}`, p])).values()];
  return { journeys, templates: [...versions.values()], problems: sortProblems(unique), notes };
}

async function journeyFiles(paths: string[], cwd: string, show: (p: string) => string, problems: Problem[]): Promise<string[]> {
  const files: string[] = [];
  const isJourney = (name: string) => ['.yaml', '.yml'].includes(extname(name));
  for (const given of paths) {
    const path = resolve(cwd, given);
    const info = await stat(path).catch(() => null);
    if (!info) {
      problems.push({ file: show(path), line: 1, col: 1, path: '', code: 'file.not_found', message: 'no such file or directory: check the path' });
    } else if (info.isDirectory()) {
      const inside = (await readdir(path)).filter(isJourney).sort();
      if (inside.length === 0) {
        problems.push({ file: show(path), line: 1, col: 1, path: '', code: 'file.no_journeys', message: 'no journey files (*.yaml, *.yml) in this directory: add one or point at another directory' });
      }
      files.push(...inside.map((name) => join(path, name)));
    } else files.push(path);
  }
  return [...new Set(files)];
}
