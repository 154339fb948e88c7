// A small in-memory SupportService for the inspector's route tests: one customer, one run, one
// journey report, and a record of every action called and report asked for (the real service is
// used by the browser tests).
import type { JourneyReport, ReportQuery } from '../../analytics/types';
import { nps } from '../../surveys/scoring';
import { SupportError } from '../../support/errors';
import type { MessageRow } from '../../store/types';
import type { Actor, CustomerView, RunDetail, SupportService } from '../../support/types';

export interface FakeService extends SupportService {
  actions: Array<{ action: string; target: string; reason: string; actor: Actor }>;
  reportQueries: ReportQuery[];
}

/** The journey the fake has a report for; its first step id is markup, to prove the page escapes it. */
export const REPORT_JOURNEY = 'win-back';
export const HOSTILE_STEP = '<script>alert(1)</script>';

const day = (n: number) => `2025-02-${String(n).padStart(2, '0')}`;
const distribution = { 0: 0, 1: 0, 2: 0, 3: 10, 4: 0, 5: 0, 6: 0, 7: 0, 8: 0, 9: 0, 10: 30 };
const scores = Object.entries(distribution).flatMap(([score, n]) => Array<number>(n).fill(Number(score)));

/** A report as analytics/types.ts defines it; the page must show what it says, whatever the numbers. */
export function fixtureReport(query: ReportQuery): JourneyReport {
  return {
    journeyId: query.journeyId, version: query.version ?? null, since: query.since ?? `${day(15)}T00:00:00.000Z`, until: query.until ?? '2025-03-01T00:00:00.000Z',
    generatedAt: '2025-03-01T12:00:00.000Z', tookMs: 3,
    entered: 200,
    ended: { completed: 70, exited: 9, converted: 34 },
    exitsByReason: { 'exit_on user.deleted': 9 },
    conversions: { count: 34, of: 200, rate: 34 / 200 },
    steps: [
      { stepId: HOSTILE_STEP, kind: 'send', reached: 200, sent: 180, skipped: { 'skipped:unsubscribed': 20 }, failed: 0, delivered: 180, opened: 90, openedByProxy: 12, clicked: 27 },
      { stepId: 'incentive', kind: 'split', reached: 180, results: { 'discount-10': 90, control: 90 } },
      { stepId: 'survey', kind: 'survey', reached: 150, sent: 150, delivered: 150, opened: 70, openedByProxy: 5, clicked: 40, results: { promoter: 30, detractor: 10, no_response: 110 } },
    ],
    splits: [{
      stepId: 'incentive', controlId: 'control', sampleSizeWarning: 'Only 90 runs in the control; about 1,000 per variant are needed to see a 3-point difference.',
      variants: [
        { variantId: 'discount-10', control: false, runs: 90, conversions: 21, conversionRate: 21 / 90, lift: 21 / 9 - 1, diffCi95: [0.03, 0.2], pValue: 0.016, significant: true },
        { variantId: 'control', control: true, runs: 90, conversions: 9, conversionRate: 0.1, lift: null, diffCi95: null, pValue: null, significant: false },
      ],
    }],
    surveys: [{
      kind: 'nps', sent: 150, responses: 40, responseRate: 40 / 150, score: nps(scores), distribution,
      categories: { promoter: 30, detractor: 10 }, sentiment: { comments: 16, negative: 5 / 16, neutral: 3 / 16, positive: 8 / 16 },
      byTemplate: [{ template: 'nps-ask', responses: 40, score: nps(scores) }],
      overTime: [{ bucket: day(22), responses: 30, score: 100 }, { bucket: day(23), responses: 10, score: -100 }, { bucket: day(24), responses: 0, score: null }],
    }],
    overTime: [{ bucket: day(20), entered: 120, converted: 0, sent: 180 }, { bucket: day(21), entered: 80, converted: 34, sent: 150 }],
  };
}

const at = '2025-03-01T10:00:00.000Z';
export const WORKFLOW_ID = 'journey/post-purchase/ada/A-1';

export function message(overrides: Partial<MessageRow>): MessageRow {
  return {
    messageKey: `${WORKFLOW_ID}/run-1/thank-you/1`, workflowId: WORKFLOW_ID, runId: 'run-1', journeyId: 'post-purchase', journeyVersion: 'v1',
    stepId: 'thank-you', customerId: 'ada', channel: 'email', template: 'order-thanks', templateVersion: 'abc', category: 'transactional',
    triggerId: 'm1', status: 'done', reason: 'sent', detail: null, address: 'ada@example.com', providerId: '<p1@example>',
    content: { subject: 'Thanks <Ada>', html: '<h1>Thanks</h1><script>alert(1)</script>', text: 'Thanks' }, attempts: 1,
    deliveryStatus: null, deliveryDetail: null, deliveryUpdatedAt: null, sentAt: at, retryAt: null, createdAt: at, updatedAt: at,
    ...overrides,
  };
}

export function createFakeService(): FakeService {
  const view: CustomerView = {
    contact: { customerId: 'ada', email: 'ada@example.com', phone: '+14155550100', traits: { first_name: '<img src=x onerror=alert(1)>' }, createdAt: at, updatedAt: at },
    consent: { email: { customerId: 'ada', channel: 'email', status: 'unsubscribed', source: 'unsubscribe_link', reason: 'clicked', by: null, changedAt: at } },
    consentHistory: [],
    suppressions: [],
    pushSubscriptions: [],
    warnings: [],
  };
  let status: RunDetail['status'] = 'running';
  const run = (): RunDetail => ({
    workflowId: WORKFLOW_ID, runId: 'run-1', journeyId: 'post-purchase', journeyVersion: 'v1', customerId: 'ada', entryKey: 'A-1', status,
    currentStep: 'wait', startedAt: at, closedAt: null, nextWakeUp: '2025-03-31T10:00:00.000Z', temporalUiUrl: 'http://ui.example/w',
    state: null,
    messages: [message({}), message({ messageKey: `${WORKFLOW_ID}/run-1/offer/1`, stepId: 'offer', reason: 'skipped:unsubscribed', content: null, providerId: null, sentAt: null })],
    warnings: [],
  });
  const actions: FakeService['actions'] = [];
  const reportQueries: ReportQuery[] = [];
  return {
    actions,
    reportQueries,
    async journeyReport(query) {
      reportQueries.push(query);
      if (query.journeyId !== REPORT_JOURNEY) throw new SupportError('not_found', `No journey "${query.journeyId}". Known journeys: ${REPORT_JOURNEY}.`);
      return fixtureReport(query);
    },
    findCustomer: async (query) => (['ada', 'ada@example.com', '+14155550100'].includes(query.toLowerCase()) ? view : null),
    listRuns: async () => ({ runs: [run()], nextPageToken: null }),
    getRun: async (workflowId) => (workflowId === WORKFLOW_ID ? run() : null),
    async exitRun(workflowId, { reason, actor }) {
      actions.push({ action: 'exit', target: workflowId, reason, actor });
      status = 'exited';
      return run();
    },
    async exitAllRuns(customerId, { reason, actor }) {
      actions.push({ action: 'exit-all', target: customerId, reason, actor });
      return [];
    },
    async setChannelConsent(customerId, { channel, status: to, reason, actor }) {
      actions.push({ action: `consent.${channel}.${to}`, target: customerId, reason, actor });
      return view;
    },
    auditLog: async () => [],
  };
}
