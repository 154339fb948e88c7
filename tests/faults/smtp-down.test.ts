// The SMTP server is down when the journey sends, comes up a while later: the real workflow
// retries the real activity until it is, and the email arrives exactly once.
import { startWorld, type World } from '../decision/support/world';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';
import { freePort } from '../support/ports';

describe('SMTP server down, then up', () => {
  let world: World;
  let port: number;
  let late: SmtpSink | undefined;
  beforeAll(async () => {
    port = await freePort();
    world = await startWorld({ smtpPort: port });
  });
  afterAll(async () => {
    await late?.close();
    await world?.stop();
  });

  test('the send is retried while the server is down and the email arrives exactly once when it is up', async () => {
    const customerId = await world.customer({ email: 'patient@example.com' });
    const handle = await world.start(customerId, [{ id: 'hello', send: { channel: 'email', template: 'news' } }]);
    const key = `${handle.workflowId}/${handle.firstExecutionRunId}/hello/1`;
    // Nobody listens on the port yet: wait until Temporal retried the activity at least once.
    for (let i = 0; i < 300; i++) {
      const row = await world.store.getMessage(key);
      if (row && row.attempts >= 2 && row.status === 'retrying') break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await world.store.getMessage(key)).toMatchObject({ status: 'retrying', detail: expect.stringContaining('SMTP server unavailable, will retry') });
    expect((await world.store.getMessage(key))?.attempts).toBeGreaterThanOrEqual(2);
    expect(world.mail.messages).toEqual([]);

    late = await startSmtpSink({ port });
    const state = await handle.result();
    expect(state.sends.map((s) => `${s.stepId}:${s.reason}`)).toEqual(['hello:sent']);
    expect(late.messages.map((m) => m.subject)).toEqual([`News for ${customerId} (decision)`]);
    expect(late.messages[0]?.messageId).toBe(state.sends[0]?.providerId);
    expect(await world.store.getMessage(key)).toMatchObject({ status: 'done', reason: 'sent' });
  });
});
