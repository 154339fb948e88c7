// Issue 5, done when: the post-purchase journey (journeys/post-purchase.yaml, its webhook hosts
// pointed at a local receiver) runs on the time-skipping server with the real activities, store,
// SMTP and HTTP: order → thank-you email → delivery → NPS survey email → the customer answers 3
// with an angry Italian comment on the real /s/ page → the run takes the detractor branch → the
// help desk (down for the first attempt) receives a signed JSON webhook.
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import Fastify, { type FastifyInstance } from 'fastify';
import type { ParsedMail } from 'mailparser';
import nodemailer, { type Transporter } from 'nodemailer';
import { createActivities } from '../../activities';
import { ingest } from '../../api/ingest';
import { surveyRoutes } from '../../api/routes/surveys';
import { trackingRoutes } from '../../api/routes/tracking';
import { loadJourneys } from '../../dsl/load';
import { formatProblem } from '../../dsl/problems';
import type { JourneySnapshot } from '../../dsl/schema';
import { createRouter, type Router } from '../../routing';
import type { LoggedEventInput } from '../../store/types';
import { decodeAttribute } from '../../tracking/rewrite-links';
import { verifyWebhook } from '../../webhooks/signature';
import { runStateQuery } from '../../workflows/definitions';
import { createTestStore, type TestStore } from '../support/db';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';
import { startTimeSkipping } from '../workflows/support/time-skipping';
import { startWebhookReceiver, type WebhookReceiver } from '../webhooks/receiver';
import { parseAllowedTargets } from '../../net/targets';

/** The receivers listen on loopback: allowed explicitly, as WEBHOOK_ALLOWED_INTERNAL_TARGETS=127.0.0.0/8 would. */
const LOCAL_RECEIVERS = parseAllowedTargets('127.0.0.0/8', 'WEBHOOK_ALLOWED_INTERNAL_TARGETS');

const ROOT = resolve(__dirname, '../..');
const LINK_SECRET = 'post-purchase-e2e-link-secret-0123456789';
const HOOK_SECRET = 'post-purchase-e2e-webhook-secret';
const COMMENT = 'Pessimo servizio, il pacco è arrivato rotto e nessuno mi ha risposto';

/** journeys/post-purchase.yaml as the product loads it, its webhook hosts replaced by the local receiver's. */
async function loadPostPurchase(receiverUrl: string): Promise<{ snapshot: JourneySnapshot; templates: { name: string; hash: string; source: string }[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'post-purchase-e2e-'));
  try {
    const yaml = readFileSync(join(ROOT, 'journeys', 'post-purchase.yaml'), 'utf8').replace(/https:\/\/[a-z.-]+\.example\.com/g, receiverUrl);
    writeFileSync(join(dir, 'post-purchase.yaml'), yaml);
    const loaded = await loadJourneys({ paths: [dir], templatesDir: join(ROOT, 'templates'), cwd: ROOT });
    if (loaded.problems.length > 0) throw new Error(`post-purchase.yaml has problems:\n${loaded.problems.map(formatProblem).join('\n')}`);
    const [snapshot] = loaded.journeys;
    if (!snapshot) throw new Error('post-purchase.yaml loaded no journey');
    return { snapshot, templates: loaded.templates };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const htmlOf = (mail: ParsedMail | undefined) => (typeof mail?.html === 'string' ? mail.html : '');
const hrefs = (html: string) => [...html.matchAll(/href="([^"]*)"/g)].map((m) => decodeAttribute(m[1] ?? ''));

describe('post-purchase NPS survey, end to end', () => {
  let db: TestStore;
  let mail: SmtpSink;
  let env: TestWorkflowEnvironment;
  let receiver: WebhookReceiver;
  let http: FastifyInstance;
  let publicUrl: string;
  let worker: Worker;
  let running: Promise<void>;
  let router: Router;
  let transport: Transporter;

  beforeAll(async () => {
    try {
      Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } } });
    } catch {
      // Installed by an earlier test file in this jest worker.
    }
    [db, mail, env, receiver] = await Promise.all([createTestStore('pglite'), startSmtpSink(), startTimeSkipping(), startWebhookReceiver()]);
    const store = db.store;
    const { snapshot, templates } = await loadPostPurchase(receiver.url);
    for (const template of templates) await store.saveTemplateVersion(template);
    const taskQueue = `post-purchase-e2e-${process.pid}`;
    router = createRouter({ client: env.client, store, journeys: [snapshot], taskQueue });
    const record = (event: LoggedEventInput) => ingest({ store, router }, event);
    http = Fastify({ logger: false });
    await http.register(surveyRoutes({ store, secret: LINK_SECRET, ingest: record }));
    await http.register(trackingRoutes({ store, secret: LINK_SECRET, ingest: record }));
    publicUrl = (await http.listen({ port: 0, host: '127.0.0.1' })).replace('localhost', '127.0.0.1');
    transport = nodemailer.createTransport({ host: '127.0.0.1', port: mail.port, secure: false, ignoreTLS: true });
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: new DefaultLogger('ERROR') }),
      activities: createActivities({
        store,
        email: { transport, from: 'Ferncroft <hello@ferncroft.example>' },
        links: { publicUrl, secret: LINK_SECRET },
        defaultTimezone: 'Europe/Rome',
        webhookSecrets: { WEBHOOK_SECRET: HOOK_SECRET },
        webhookTargets: LOCAL_RECEIVERS,
      }),
    });
    running = worker.run();
  });
  afterAll(async () => {
    if (worker?.getState() === 'RUNNING') worker.shutdown();
    await running;
    transport?.close();
    await http?.close();
    await env?.teardown();
    await receiver?.close();
    await mail?.close();
    await db?.dispose();
  });

  const track = (messageId: string, event: string, properties: Record<string, unknown>) =>
    ingest({ store: db.store, router }, { messageId, type: 'track', customerId: 'giulia', event, properties, traits: {}, timestamp: new Date().toISOString() });

  it('a detractor with a negative comment reaches the help desk as a signed webhook', async () => {
    await db.store.upsertContact({ customerId: 'giulia', traits: { email: 'giulia@example.it', first_name: 'Giulia', locale: 'it' }, at: new Date().toISOString() });
    const started = await track('ord-giulia-1', 'order.completed', { order_id: 'A-1042', total: 59.9, currency: 'EUR' });
    expect(started.runs).toEqual([{ journeyId: 'post-purchase', workflowId: 'journey/post-purchase/giulia/A-1042', action: 'started' }]);
    const handle = env.client.workflow.getHandle('journey/post-purchase/giulia/A-1042');
    const waitForStep = async (step: string) => {
      for (let i = 0; i < 500; i++) {
        const state = await handle.query(runStateQuery);
        if (state.currentStep === step) return state;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error(`the run never reached step ${step}: ${JSON.stringify(await handle.query(runStateQuery))}`);
    };

    const [thanks] = await mail.waitFor(1);
    expect(thanks?.subject).toBe('Thank you for your order A-1042');
    await waitForStep('await-delivery');
    expect((await track('dlv-giulia-1', 'order.delivered', { order_id: 'A-1042' })).runs).toEqual([
      expect.objectContaining({ workflowId: handle.workflowId, action: 'signalled' }),
    ]);
    await waitForStep('settle-in');
    await env.sleep('3d');
    await mail.waitFor(2);
    await waitForStep('before-feedback');
    await env.sleep('7d');
    const survey = (await mail.waitFor(3))[2];
    expect(survey?.subject).toBe('Giulia, quanto è probabile che ci consiglieresti?');
    await waitForStep('nps');

    // The customer opens the email (counted on the message) and clicks "3": the page opens with 3 chosen.
    const html = htmlOf(survey);
    const pixel = /<img src="([^"]+\/t\/o\/[^"]+\.gif)"/.exec(html)?.[1] ?? '';
    expect((await fetch(pixel, { headers: { 'user-agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Thunderbird/128.0' } })).status).toBe(200);
    const three = hrefs(html).find((href) => href.startsWith(`${publicUrl}/s/`) && href.endsWith('?score=3')) ?? '';
    const page = await fetch(three, { headers: { 'accept-language': 'it-IT,it;q=0.9' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/value="3" required checked/);
    // The help desk is down for the first attempt: Temporal retries the activity, the same call arrives again.
    receiver.script({ status: 503, body: 'maintenance' });
    const answered = await fetch(three, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'accept-language': 'it-IT,it;q=0.9' },
      body: new URLSearchParams({ score: '3', comment: COMMENT }).toString(),
    });
    expect(answered.status).toBe(200);
    expect(await answered.text()).toContain('Grazie!');

    await handle.result();
    const [down, call, ...more] = await receiver.waitFor(2);
    expect(more).toEqual([]);
    expect(down?.headers['idempotency-key']).toBe(call?.headers['idempotency-key']);
    expect(call?.method).toBe('POST');
    expect(call?.url).toBe('/hooks/touchpoint');
    const state = await handle.query(runStateQuery);
    // Keys are `<workflowId>/<first run id>/<step>/<visit>`: the call's is the survey message's, one step on.
    const npsKey = state.sends.find((s) => s.stepId === 'nps')?.messageKey ?? '';
    const callKey = npsKey.replace(/\/nps\/1$/, '/helpdesk-ticket/1');
    expect(callKey).toMatch(/^journey\/post-purchase\/giulia\/A-1042\/[^/]+\/helpdesk-ticket\/1$/);
    expect(call?.headers).toMatchObject({ 'content-type': 'application/json', 'user-agent': 'Touchpoint-Webhook/1', 'idempotency-key': callKey });
    const signature = String(call?.headers['touchpoint-signature']);
    expect(verifyWebhook(HOOK_SECRET, signature, call?.body ?? '')).toMatchObject({ ok: true });
    const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(signature) ?? [];
    expect(createHmac('sha256', HOOK_SECRET).update(`${t}.${call?.body}`).digest('hex')).toBe(v1);
    expect(JSON.parse(call?.body ?? '')).toEqual({
      subject: 'Unhappy customer: NPS 3 for order A-1042',
      priority: 'high',
      customer_id: 'giulia',
      email: 'giulia@example.it',
      order_id: 'A-1042',
      score: 3,
      comment: COMMENT,
    });

    expect(state.status).toBe('completed');
    expect(state.sends.map((s) => [s.stepId, s.reason])).toEqual([['thank-you', 'sent'], ['care-tips', 'sent'], ['nps', 'sent']]);
    const outcome = (stepId: string) => state.stepsDone.find((s) => s.stepId === stepId)?.outcome;
    expect(outcome('nps')).toBe('answered 3 (detractor), negative comment');
    expect(outcome('act-on-score')).toMatch(/^case 1/);
    expect(outcome('helpdesk-ticket')).toMatch(/^HTTP 200 from 127\.0\.0\.1:\d+ in \d+ ms \(attempt 2\)$/);
    expect(state.stepsDone.map((s) => s.stepId)).not.toContain('crm-follow-up');

    // What support staff and reports read back: the answer, the call, the open.
    expect(await db.store.getSurveyResponse(npsKey)).toMatchObject({ surveyId: 'post-purchase.nps', score: 3, category: 'detractor', comment: COMMENT, revision: 1 });
    expect(await db.store.getWebhookCall(callKey)).toMatchObject({ done: true, ok: true, status: 200, attempts: 2, stepId: 'helpdesk-ticket' });
    expect((await db.store.getMessage(npsKey))?.engagement).toMatchObject({ openCount: 1, proxiedOpenCount: 0 });
  });
});
