// A small Fastify server answering the support routes with contract-shaped JSON (support/types.ts),
// for client and CLI tests that do not need Temporal; it records every request it gets.
import Fastify from 'fastify';
import type { MessageRow } from '../../store/types';
import type { CustomerView, RunDetail, RunSummary } from '../../support/types';
import { listen, type Api } from '../api/http';

export const SUPPORT_KEY = 'support-key-0123456789abcdef';
export const INGEST_KEY = 'ingest-key-0123456789abcdef';

export const WORKFLOW_ID = 'journey/post-purchase/cus_1/order-42';

export const customer: CustomerView = {
  contact: { customerId: 'cus_1', email: 'ada@example.com', phone: '+393331234567', traits: { name: 'Ada', plan: 'pro' }, createdAt: '2025-01-02T10:00:00.000Z', updatedAt: '2025-01-03T10:00:00.000Z' },
  consent: { email: { customerId: 'cus_1', channel: 'email', status: 'unsubscribed', source: 'unsubscribe_link', reason: 'clicked unsubscribe', by: null, changedAt: '2025-01-04T09:00:00.000Z' } },
  consentHistory: [{ customerId: 'cus_1', channel: 'email', status: 'unsubscribed', source: 'unsubscribe_link', reason: 'clicked unsubscribe', by: null, changedAt: '2025-01-04T09:00:00.000Z' }],
  suppressions: [{ channel: 'sms', address: '+393331234567', reason: 'sms_stop', detail: 'replied STOP', createdAt: '2025-01-05T09:00:00.000Z' }],
  pushSubscriptions: [{ endpoint: 'https://push.example.com/sub/abc', customerId: 'cus_1', p256dh: 'k', auth: 'a', userAgent: 'Firefox', createdAt: '2025-01-02T11:00:00.000Z', lastSuccessAt: null }],
  warnings: [],
};

export const run: RunSummary = {
  workflowId: WORKFLOW_ID,
  runId: 'run-1',
  journeyId: 'post-purchase',
  journeyVersion: '0123456789abcdef',
  customerId: 'cus_1',
  entryKey: 'order-42',
  status: 'running',
  currentStep: 'wait_review',
  startedAt: '2025-01-06T12:00:00.000Z',
  closedAt: null,
  nextWakeUp: '2025-01-13T12:00:00.000Z',
  temporalUiUrl: 'http://127.0.0.1:8233/namespaces/default/workflows/journey%2Fpost-purchase%2Fcus_1%2Forder-42/run-1/history',
};

const message = (overrides: Partial<MessageRow>): MessageRow => ({
  messageKey: `${WORKFLOW_ID}/thanks`, workflowId: WORKFLOW_ID, runId: 'run-1', journeyId: 'post-purchase', journeyVersion: run.journeyVersion,
  stepId: 'thanks', customerId: 'cus_1', channel: 'email', template: 'thanks', templateVersion: 'h1', category: 'marketing', triggerId: 'm1',
  status: 'done', reason: 'skipped:unsubscribed', detail: 'email unsubscribed', address: null, providerId: null, content: null, attempts: 1,
  deliveryStatus: null, deliveryDetail: null, deliveryUpdatedAt: null, sentAt: null, retryAt: null,
  createdAt: '2025-01-06T12:00:01.000Z', updatedAt: '2025-01-06T12:00:01.000Z', ...overrides,
});

export const detail: RunDetail = {
  ...run,
  state: {
    journeyId: 'post-purchase', journeyVersion: run.journeyVersion, customerId: 'cus_1', entryKey: 'order-42', status: 'running',
    currentStep: 'wait_review', nextWakeUp: run.nextWakeUp, waitingFor: 'review_left',
    stepsDone: [
      { stepId: 'thanks', enteredAt: '2025-01-06T12:00:00.000Z', finishedAt: '2025-01-06T12:00:01.000Z', outcome: 'skipped:unsubscribed' },
      { stepId: 'sms_thanks', enteredAt: '2025-01-06T12:00:01.000Z', finishedAt: '2025-01-06T12:00:02.000Z', outcome: 'sent' },
    ],
    sends: [], eventsReceived: 2, duplicateEvents: 1,
  },
  messages: [
    message({}),
    message({ messageKey: `${WORKFLOW_ID}/sms_thanks`, stepId: 'sms_thanks', channel: 'sms', template: 'sms-thanks', reason: 'sent', address: '+15550001111', providerId: 'SM123', deliveryStatus: 'delivered', sentAt: '2025-01-06T12:00:02.000Z', content: { to: '+15550001111', body: 'Thanks for order 42!', segments: 1 } }),
  ],
  warnings: [],
};

export interface FakeApi extends Api {
  requests: Array<{ method: string; url: string; authorization: string | undefined; body: unknown }>;
}

/** Listen on a random port. GET /v1/runs answers a next page token for pageSize=1 on the first page. */
export async function startFakeSupportApi(): Promise<FakeApi> {
  const app = Fastify({ logger: false });
  const requests: FakeApi['requests'] = [];
  const error = (code: string, message: string) => ({ error: { code, message } });
  app.addHook('preHandler', async (request, reply) => {
    requests.push({ method: request.method, url: request.url, authorization: request.headers.authorization, body: request.body });
    const auth = request.headers.authorization;
    if (auth === `Bearer ${INGEST_KEY}` && !['/v1/track', '/v1/identify', '/v1/batch'].includes(request.url)) {
      return reply.code(403).send(error('forbidden', 'An ingest key may send events only; reading customers and runs needs a support or admin key.'));
    }
    if (auth !== `Bearer ${SUPPORT_KEY}` && auth !== `Bearer ${INGEST_KEY}`) return reply.code(401).send(error('unauthorized', 'This API key is not valid.'));
  });
  const eventResult = (messageId: string) => ({ messageId, duplicate: false, runs: [] });
  app.post<{ Body: { messageId: string } }>('/v1/track', async (request) => eventResult(request.body.messageId));
  app.post<{ Body: { messageId: string } }>('/v1/identify', async (request) => eventResult(request.body.messageId));
  app.post<{ Body: { batch: Array<{ messageId: string }> } }>('/v1/batch', async (request) => ({ results: request.body.batch.map((i) => eventResult(i.messageId)) }));
  app.get<{ Params: { query: string } }>('/v1/customers/:query', async (request, reply) =>
    ['cus_1', 'ada@example.com', '+393331234567'].includes(request.params.query) ? customer : reply.code(404).send(error('not_found', `No customer matches "${request.params.query}".`)),
  );
  app.get<{ Querystring: Record<string, string> }>('/v1/runs', async (request) => {
    const q = request.query;
    if (q.customer !== undefined && q.customer !== 'cus_1') return { runs: [], nextPageToken: null };
    return { runs: [run], nextPageToken: q.pageToken === undefined && q.pageSize === '1' ? 'page two' : null };
  });
  app.get<{ Params: { id: string } }>('/v1/runs/:id', async (request, reply) => (request.params.id === WORKFLOW_ID ? detail : reply.code(404).send(error('not_found', `No run ${request.params.id}.`))));
  app.post<{ Params: { id: string }; Body: { reason?: string } }>('/v1/runs/:id/exit', async (request, reply) => {
    if (request.params.id !== WORKFLOW_ID) return reply.code(404).send(error('not_found', `No run ${request.params.id}.`));
    return { ...run, status: 'exited', closedAt: '2025-01-07T00:00:00.000Z', nextWakeUp: null };
  });
  app.post('/v1/customers/:id/exit-all', async () => ({ runs: [{ ...run, status: 'exited' }] }));
  app.post<{ Body: { channel: 'email' } }>('/v1/customers/:id/consent', async () => customer);
  app.get('/v1/audit', async () => ({ entries: [{ id: 1, at: '2025-01-07T00:00:00.000Z', actor: 'support-1', action: 'exit_run', target: WORKFLOW_ID, reason: 'asked' }] }));
  app.get('/v1/broken', async () => ({}));
  const api = await listen(app);
  return { ...api, requests };
}
