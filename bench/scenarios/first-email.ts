// Event → first email accepted by the SMTP server, p50/p99: POST /v1/track starting a journey
// whose first step sends, against a bare signalWithStart whose workflow runs one activity that
// sends through nodemailer to the same SMTP server. Samples alternate, one at a time.
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { benchJourney, startBareTemporal, startBenchStack, summarize, type Metric, type Scenario } from '../lib';
import { bareEventSignal } from '../workflows';

const JOURNEY = 'bench-first-email';
const EVENT = 'bench.signed_up';
const WARM_UP = 5;
const PAUSE_MS = 20;

export const scenario: Scenario = {
  name: 'first-email',
  title: 'event → first email at the SMTP server (p50/p99) vs bare signalWithStart + one nodemailer activity',
  async run(ctx) {
    const samples = ctx.pick(200, 20);
    const stack = await startBenchStack({
      journeys: benchJourney({ id: JOURNEY, trigger: EVENT, steps: [{ id: 'welcome', send: { channel: 'email', template: 'welcome' } }] }),
    });
    const bare = await startBareTemporal({ address: stack.temporalAddress, smtpUrl: stack.smtp!.url });
    try {
      const run = randomBytes(3).toString('hex');
      const engineOnce = async (i: number) => {
        const email = `e-${run}-${i}@bench.test`;
        const t0 = performance.now();
        const res = await stack.api.post('/v1/track', {
          userId: `e-${run}-${i}`,
          event: EVENT,
          messageId: `e-${run}-${i}`,
          traits: { email, first_name: 'Ada' },
        });
        if (res.status !== 200) throw new Error(`POST /v1/track answered ${res.status}: ${JSON.stringify(res.body)}`);
        const answered = performance.now() - t0;
        return { total: (await stack.emailArrival(email, 1, 30_000)) - t0, answered };
      };
      const bareOnce = async (i: number) => {
        const email = `b-${run}-${i}@bench.test`;
        const t0 = performance.now();
        await bare.client.workflow.signalWithStart('bareFirstEmail', {
          taskQueue: bare.taskQueue,
          workflowId: `bare-first-email-${run}-${i}`,
          args: [email],
          signal: bareEventSignal,
          signalArgs: [EVENT],
        });
        const answered = performance.now() - t0;
        return { total: (await stack.emailArrival(email, 1, 30_000)) - t0, answered };
      };

      ctx.progress.start('warm-up', WARM_UP * 2, 'emails');
      for (let i = 0; i < WARM_UP; i++) {
        await engineOnce(-1 - i);
        await bareOnce(-1 - i);
        ctx.progress.tick(2);
      }
      ctx.progress.done();

      const engine: number[] = [];
      const baseline: number[] = [];
      const engineAnswered: number[] = [];
      const baselineAnswered: number[] = [];
      ctx.progress.start('alternating engine / bare samples', samples, 'pairs');
      for (let i = 0; i < samples; i++) {
        const e = await engineOnce(i);
        engine.push(e.total);
        engineAnswered.push(e.answered);
        await sleep(PAUSE_MS);
        const b = await bareOnce(i);
        baseline.push(b.total);
        baselineAnswered.push(b.answered);
        await sleep(PAUSE_MS);
        ctx.progress.tick(1, `engine p50 ${summarize(engine).p50} ms, bare p50 ${summarize(baseline).p50} ms`);
      }
      ctx.progress.done();

      const e = summarize(engine);
      const b = summarize(baseline);
      const metrics: Metric[] = [
        { name: 'event → email accepted, p50', unit: 'ms', engine: e.p50, baseline: b.p50, targets: [{ on: 'engine', op: '<=', value: 50 }, { on: 'ratio', op: '<=', value: 1.5 }] },
        { name: 'event → email accepted, p99', unit: 'ms', engine: e.p99, baseline: b.p99, targets: [{ on: 'engine', op: '<=', value: 250 }, { on: 'ratio', op: '<=', value: 1.5 }] },
        { name: 'event → email accepted, mean', unit: 'ms', engine: e.mean, baseline: b.mean },
        { name: 'of which: start answered (track / signalWithStart), p50', unit: 'ms', engine: summarize(engineAnswered).p50, baseline: summarize(baselineAnswered).p50 },
      ];
      return {
        metrics,
        notes: [
          `${samples} pairs after ${WARM_UP} warm-up pairs, one request at a time, engine and bare alternating; the clock stops when the SMTP server has the whole message (before it answers 250).`,
          'Engine: HTTP + event log + routing + signalWithStart, then the send activity (consent, caps, quiet hours, render of templates/welcome.hbs, message log). Bare: signalWithStart + one activity sending a short text email; both through createSmtpTransport(SMTP_URL), pooled as npm start builds it (a new connection per email would add the SMTP greeting delay, 100 ms in smtp-server).',
        ],
        database: stack.database,
        details: { engine: e, baseline: b, engineAnswered: summarize(engineAnswered), baselineAnswered: summarize(baselineAnswered), engineSamples: engine, baselineSamples: baseline },
      };
    } finally {
      await bare.stop();
      await stack.dispose();
    }
  },
};
