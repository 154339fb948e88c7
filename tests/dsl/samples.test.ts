// The sample journeys a marketer starts from: valid, using every step kind they show, and
// their templates render with the journey's sample customer and event.
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { loadJourneys, type LoadResult } from '../../dsl/load';
import { sampleContext, sampleSurvey } from '../../dsl/sample-checks';
import { STEP_KINDS, stepKind, type JourneySnapshot } from '../../dsl/schema';
import { allSteps } from '../../dsl/walk';
import { decodeBundle } from '../../render/bundle';
import { compileTemplate } from '../../render/renderer';

const root = resolve(__dirname, '../..');

describe('sample journeys', () => {
  let result: LoadResult;
  const byId = (id: string): JourneySnapshot => {
    const found = result.journeys.find((s) => s.journey.id === id);
    if (!found) throw new Error(`sample journey ${id} did not load`);
    return found;
  };
  const kinds = (id: string) => new Set(allSteps(byId(id).journey).map(({ step }) => stepKind(step)));

  beforeAll(async () => {
    result = await loadJourneys({ paths: ['journeys'], templatesDir: 'templates', cwd: root });
  });

  test('all three load with zero problems', () => {
    expect(result.problems).toEqual([]);
    expect(result.journeys.map((s) => [s.journey.id, s.source])).toEqual([
      ['onboarding', 'journeys/onboarding.yaml'],
      ['post-purchase', 'journeys/post-purchase.yaml'],
      ['win-back', 'journeys/win-back.yaml'],
    ]);
  });

  test('each points editors at the JSON Schema on its first line', async () => {
    for (const file of ['onboarding', 'post-purchase', 'win-back']) {
      const source = await readFile(join(root, 'journeys', `${file}.yaml`), 'utf8');
      expect(source.split('\n')[0]).toBe('# yaml-language-server: $schema=../schema/journey.schema.json');
    }
  });

  test('they exercise the triggers, entry rules and steps they are examples of', () => {
    const onboarding = byId('onboarding').journey;
    expect(onboarding).toMatchObject({ trigger: { event: 'user.signed_up' }, entry: { reentry: 'once' }, exit_on: ['user.deleted'], goal: 'order.completed' });
    expect(kinds('onboarding')).toEqual(new Set(['send', 'wait', 'branch']));

    const postPurchase = byId('post-purchase').journey;
    expect(postPurchase).toMatchObject({ trigger: { event: 'order.completed' }, entry: { reentry: 'always', key: 'properties.order_id' }, exit_on: ['order.refunded'] });
    expect(kinds('post-purchase')).toEqual(new Set(['send', 'wait', 'wait_for', 'survey', 'branch', 'webhook']));
    const survey = allSteps(postPurchase).find(({ step }) => 'survey' in step)?.step;
    expect(survey && 'survey' in survey ? survey.survey : null).toEqual({ kind: 'nps', channel: 'email', template: 'nps-survey', wait: '7d' });

    const winBack = byId('win-back').journey;
    expect(winBack).toMatchObject({ trigger: { inactivity: { event: 'order.completed', for: '60d' } }, entry: { reentry: { cooldown: '90d' } }, goal: 'order.completed' });
    expect(kinds('win-back')).toEqual(new Set(['send', 'wait', 'split']));
    const split = allSteps(winBack).find(({ step }) => 'split' in step)?.step;
    expect(split && 'split' in split ? split.split.variants.map((v) => [v.id, v.weight, v.control ?? false, v.steps?.length ?? 0]) : []).toEqual([
      ['discount-10', 45, false, 1],
      ['free-shipping', 45, false, 1],
      ['control', 10, true, 0],
    ]);
    expect(allSteps(winBack).some(({ step }) => 'wait' in step && typeof step.wait === 'object' && 'until' in step.wait && step.wait.until === '10:00')).toBe(true);
    expect(STEP_KINDS).toContain('goto');
  });

  test('every template in templates/ is used by a sample, and every one renders with the sample data through the shared layout', async () => {
    const files = (await readdir(join(root, 'templates'))).filter((f) => /^[a-z0-9_-]+\.hbs$/.test(f)).map((f) => f.replace(/\.hbs$/, ''));
    const used = result.journeys.flatMap((s) => Object.keys(s.templates));
    expect([...used].sort()).toEqual([...files].sort());

    for (const snapshot of result.journeys) {
      const { journey } = snapshot;
      const surveyKinds = new Map(allSteps(journey).flatMap(({ step }) => ('survey' in step ? [[step.survey.template, step.survey.kind] as const] : [])));
      for (const [name, hash] of Object.entries(snapshot.templates)) {
        // Survey steps' templates also read their links (survey.url, survey.scores).
        const kind = surveyKinds.get(name);
        const context = kind === undefined ? sampleContext(journey) : { ...sampleContext(journey), survey: sampleSurvey(kind) };
        const version = result.templates.find((t) => t.hash === hash);
        if (!version) throw new Error(`no version ${hash} of ${name}`);
        expect(Object.keys(decodeBundle(version.source).layouts)).toEqual(['base']);
        const { subject, html, text } = compileTemplate(version).email(context);
        expect(subject).not.toBe('');
        expect(html).toMatch(/^<!doctype html>/);
        expect(html).toContain('<td class="content" style="padding: 20px 40px 28px;');
        expect(html).toContain(`href="${context.links?.unsubscribe ?? ''}"`);
        for (const rendered of [html ?? '', text]) {
          expect(rendered).toContain(`Hi ${String(context.traits.first_name)},`);
          expect(rendered).not.toMatch(/undefined|\{\{|\}\}/);
        }
        if (journey.id === 'post-purchase') expect(`${subject}${text}`).toContain('A-1042');
        if (kind !== undefined) expect(html).toContain(`href="${sampleSurvey(kind).scores[0]?.url ?? ''}"`);
      }
    }
  });

  test('the welcome email has an Italian variant with its own footer, and order-thanks formats money and dates', () => {
    const onboarding = byId('onboarding');
    const welcome = result.templates.find((t) => t.hash === onboarding.templates.welcome);
    if (!welcome) throw new Error('welcome did not load');
    const italian = compileTemplate(welcome).email({ ...sampleContext(onboarding.journey), locale: 'it-IT' });
    expect(italian).toMatchObject({ locale: 'it', subject: 'Benvenuto in Ferncroft, Ada!' });
    expect(italian.html).toContain('<html lang="it">');
    expect(italian.text).toContain("Annulla l'iscrizione: https://touchpoint.example/u/sample-token");

    const postPurchase = byId('post-purchase');
    const thanks = result.templates.find((t) => t.hash === postPurchase.templates['order-thanks']);
    if (!thanks) throw new Error('order-thanks did not load');
    const context = sampleContext(postPurchase.journey);
    expect(compileTemplate(thanks).email(context).text).toContain('Total: €59.90');
    expect(compileTemplate(thanks).email({ ...context, locale: 'de', timezone: 'Europe/Berlin' }).text).toContain('placed 15. Januar 2025');
    expect(result.notes.map((n) => `${n.file}: ${n.path}: ${n.message}`)).toEqual([
      'templates/order-thanks.hbs: sms.text: 1 segment (GSM-7, 122 chars, 123 septets) with the sample of journey "post-purchase"',
    ]);
  });
});
