// Compiling a journey into a flat step map: successors of nested lists, and journeys it refuses.
import { JourneySchema, type JourneyInput } from '../../dsl/schema';
import { compilePlan } from '../../workflows/plan';

const journey = (steps: JourneyInput['steps'], extra: Partial<JourneyInput> = {}) =>
  JourneySchema.parse({ id: 'j', name: 'J', trigger: { event: 'signed.up' }, steps, ...extra });

test('nested steps continue after their parent step when they run out', () => {
  const plan = compilePlan(
    journey([
      {
        id: 'check',
        branch: {
          cases: [{ when: { field: 'traits.plan', op: 'eq', value: 'pro' }, steps: [{ id: 'pro-1', wait: '1d' }, { id: 'pro-2', wait: '1d' }] }],
          else: [],
        },
      },
      { id: 'ask', wait_for: { event: 'survey.answered', timeout: '3d', on_timeout: [{ id: 'remind', wait: '1d' }] } },
      { id: 'ab', split: { variants: [{ id: 'a', weight: 1, steps: [{ id: 'loop', goto: 'check' }] }, { id: 'b', weight: 1 }] } },
    ]),
  );
  expect(plan.first).toBe('check');
  expect(plan.nodes.check).toMatchObject({ kind: 'branch', next: 'ask', cases: ['pro-1'], otherwise: 'ask' });
  expect(plan.nodes['pro-1']?.next).toBe('pro-2');
  expect(plan.nodes['pro-2']?.next).toBe('ask');
  expect(plan.nodes.ask).toMatchObject({ kind: 'wait_for', next: 'ab', onEvent: 'ab', onTimeout: 'remind' });
  expect(plan.nodes.remind?.next).toBe('ab');
  expect(plan.nodes.ab).toMatchObject({ kind: 'split', next: null, variants: { a: 'loop', b: null } });
  expect(plan.nodes.loop).toMatchObject({ kind: 'goto', target: 'check', next: null });
});

test('the plan lists the events a run must buffer and whether conditions outside branches read traits', () => {
  const plan = compilePlan(
    journey(
      [
        { id: 'ask', wait_for: { event: 'survey.answered', timeout: '3d' } },
        { id: 'check', branch: { cases: [{ when: { received: 'order.completed', where: { field: 'traits.vip', op: 'eq', value: true } }, steps: [] }] } },
      ],
      { exit_on: [{ event: 'unsubscribed', where: { field: 'traits.region', op: 'eq', value: 'eu' } }] },
    ),
  );
  expect(plan.listened).toEqual(['order.completed', 'survey.answered']);
  expect(plan.traitsOutsideBranch).toBe(true);
  expect(compilePlan(journey([{ id: 'ask', wait_for: { event: 'survey.answered', timeout: '3d' } }])).traitsOutsideBranch).toBe(false);
});

test('a duplicate step id or a goto to nowhere is refused with the journey and step named', () => {
  expect(() => compilePlan(journey([{ id: 'a', wait: '1d' }, { id: 'a', wait: '2d' }]))).toThrow('journey j: step id "a" is used twice');
  expect(() => compilePlan(journey([{ id: 'a', goto: 'b' }]))).toThrow('journey j: step "a" goes to "b", which is no step of this journey');
});

test('survey and webhook steps go on to the next step, and a survey makes the run buffer survey.responded', () => {
  const plan = compilePlan(
    journey([
      { id: 'nps', survey: { kind: 'nps', channel: 'email', template: 'nps-survey', wait: '7d' } },
      { id: 'ticket', webhook: { url: 'https://helpdesk.example.com/hooks' } },
    ]),
  );
  expect(plan.nodes.nps).toMatchObject({ kind: 'survey', next: 'ticket' });
  expect(plan.nodes.ticket).toMatchObject({ kind: 'webhook', next: null });
  expect(plan.listened).toEqual(['survey.responded']);
});
