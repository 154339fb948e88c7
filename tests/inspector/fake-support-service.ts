// A small in-memory SupportService for the inspector's route tests: one customer, one run, and a
// record of every action called (the real service is used by the browser test).
import type { MessageRow } from '../../store/types';
import type { Actor, CustomerView, RunDetail, SupportService } from '../../support/types';

export interface FakeService extends SupportService {
  actions: Array<{ action: string; target: string; reason: string; actor: Actor }>;
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
  };
  let status: RunDetail['status'] = 'running';
  const run = (): RunDetail => ({
    workflowId: WORKFLOW_ID, runId: 'run-1', journeyId: 'post-purchase', journeyVersion: 'v1', customerId: 'ada', entryKey: 'A-1', status,
    currentStep: 'wait', startedAt: at, closedAt: null, nextWakeUp: '2025-03-31T10:00:00.000Z', temporalUiUrl: 'http://ui.example/w',
    state: null,
    messages: [message({}), message({ messageKey: `${WORKFLOW_ID}/run-1/offer/1`, stepId: 'offer', reason: 'skipped:unsubscribed', content: null, providerId: null, sentAt: null })],
  });
  const actions: FakeService['actions'] = [];
  return {
    actions,
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
