// The sample journeys a marketer starts from: valid, using every step kind they show, and
// their templates render with the journey's sample customer and event.
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import Handlebars from 'handlebars';
import { loadJourneys, type LoadResult } from '../../dsl/load';
import { STEP_KINDS, stepKind, type JourneySnapshot } from '../../dsl/schema';
import { allSteps } from '../../dsl/walk';
import { parseTemplateFile } from '../../render/template-file';

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
    expect(kinds('post-purchase')).toEqual(new Set(['send', 'wait', 'wait_for']));

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

  test('every template in templates/ is used by a sample, and every one renders with the sample data (strict: every field it reads exists)', async () => {
    const files = (await readdir(join(root, 'templates'))).filter((f) => f.endsWith('.hbs')).map((f) => f.replace(/\.hbs$/, ''));
    const used = result.journeys.flatMap((s) => Object.keys(s.templates));
    expect([...used].sort()).toEqual([...files].sort());

    for (const snapshot of result.journeys) {
      const { journey } = snapshot;
      const traits = journey.sample?.traits ?? {};
      const context = {
        customer: { id: 'cust-1' },
        traits,
        event: { name: journey.sample?.event?.name ?? '', properties: journey.sample?.event?.properties ?? {} },
        journey: { id: journey.id, name: journey.name },
      };
      for (const name of Object.keys(snapshot.templates)) {
        const parsed = parseTemplateFile(await readFile(join(root, 'templates', `${name}.hbs`), 'utf8'));
        expect(parsed.problems).toEqual([]);
        const subject = Handlebars.compile(parsed.parts['email.subject'] ?? '', { strict: true })(context);
        const html = Handlebars.compile(parsed.parts['email.html'] ?? '', { strict: true })(context);
        const text = Handlebars.compile(parsed.parts['email.text'] ?? '', { noEscape: true, strict: true })(context);
        expect(subject.trim()).not.toBe('');
        expect(html).toMatch(/^<!doctype html>/);
        for (const rendered of [html, text]) {
          expect(rendered).toContain(`Hi ${String(traits.first_name)},`);
          expect(rendered).not.toMatch(/undefined|\{\{|\}\}/);
        }
        if (journey.id === 'post-purchase') expect(`${subject}${text}`).toContain('A-1042');
      }
    }
  });
});
