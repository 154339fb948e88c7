// The Touchpoint-Signature header: what we send is an HMAC anyone can recompute from the raw
// body, and verify() refuses a changed body, another secret, a stale time or a malformed header.
import { createHmac } from 'node:crypto';
import { signWebhook, verifyWebhook } from '../../webhooks/signature';

const SECRET = 'whsec-test-0123456789abcdef';
const BODY = JSON.stringify({ customer: { id: 'ada' }, survey: { score: 3, comment: 'Pessimo servizio, il pacco è arrivato rotto' } });
const T = 1_900_000_000;

describe('webhook signatures', () => {
  test('the header is t=<seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">, as node:crypto computes it independently', () => {
    const header = signWebhook(SECRET, BODY, T);
    const expected = createHmac('sha256', SECRET).update(`${T}.${BODY}`).digest('hex');
    expect(header).toBe(`t=${T},v1=${expected}`);
  });

  test('verify accepts the signed body within the tolerance, and any one of several v1 values (secret rotation)', () => {
    const header = signWebhook(SECRET, BODY, T);
    expect(verifyWebhook(SECRET, header, BODY, { now: T + 299 })).toEqual({ ok: true, timestamp: T });
    const rotated = `${header},v1=${signWebhook('the-old-secret', BODY, T).split('v1=')[1]}`;
    expect(verifyWebhook('the-old-secret', rotated, BODY, { now: T })).toEqual({ ok: true, timestamp: T });
  });

  test('verify refuses a changed body, another secret, a stale or future time, and malformed headers, saying why', () => {
    const header = signWebhook(SECRET, BODY, T);
    const reason = (result: ReturnType<typeof verifyWebhook>) => (result.ok ? 'accepted' : result.reason);
    expect(reason(verifyWebhook(SECRET, header, BODY.replace('3', '9'), { now: T }))).toBe('no v1 signature matches the body with this secret');
    expect(reason(verifyWebhook('another-secret', header, BODY, { now: T }))).toBe('no v1 signature matches the body with this secret');
    expect(reason(verifyWebhook(SECRET, header, BODY, { now: T + 301 }))).toBe(`the signature's time t=${T} is 301s from now, more than the 300s allowed`);
    expect(reason(verifyWebhook(SECRET, header, BODY, { now: T - 60, toleranceSeconds: 30 }))).toMatch(/-60s from now, more than the 30s allowed/);
    expect(reason(verifyWebhook(SECRET, undefined, BODY))).toBe('no Touchpoint-Signature header');
    expect(reason(verifyWebhook(SECRET, `v1=${'a'.repeat(64)}`, BODY))).toBe('Touchpoint-Signature has no t=<unix seconds>');
    expect(reason(verifyWebhook(SECRET, `t=${T},v1=xyz`, BODY, { now: T }))).toBe('Touchpoint-Signature has no v1=<64 hex digits>');
  });

  test('signing uses the current time by default', () => {
    const before = Math.floor(Date.now() / 1000);
    const header = signWebhook(SECRET, BODY);
    const t = Number(/^t=(\d+),/.exec(header)?.[1]);
    expect(t).toBeGreaterThanOrEqual(before);
    expect(t).toBeLessThanOrEqual(before + 5);
    expect(verifyWebhook(SECRET, header, BODY).ok).toBe(true);
  });
});
