// The decision path's pure parts: signed tokens, quiet hours across midnight and DST, and the
// QUIET_HOURS / FREQUENCY_CAPS variables read into a policy.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { quietHoursEnd } from '../../activities/policy/quiet-hours';
import { parseSendPolicy } from '../../config/policy';
import { createDecisionDeps } from '../../consent/decision-deps';
import { resolveSecret } from '../../consent/secret';
import { signUnsubscribeToken, verifyUnsubscribeToken } from '../../consent/tokens';

const SECRET = 's'.repeat(40);

describe('unsubscribe tokens', () => {
  const token = signUnsubscribeToken(SECRET, { customerId: 'c-1', channel: 'email', messageKey: 'journey/x/c-1/r/s/1', issuedAt: '2024-05-01T10:00:00.000Z' });

  test('a signed token verifies to its customer, channel, message and issue time, and is URL-safe', () => {
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(verifyUnsubscribeToken(SECRET, token)).toEqual({ customerId: 'c-1', channel: 'email', messageKey: 'journey/x/c-1/r/s/1', issuedAt: '2024-05-01T10:00:00.000Z' });
  });

  test('a token with another customer, a flipped signature, another secret or garbage is refused', () => {
    const [payload = '', signature = ''] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ c: 'c-2', ch: 'email', iat: 1 })).toString('base64url');
    const flipped = `${signature.slice(0, 20)}${signature[20] === 'A' ? 'B' : 'A'}${signature.slice(21)}`;
    // Differs only in the last character's spare bits: decodes to the same bytes, still refused.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const spare = `${signature.slice(0, -1)}${alphabet[alphabet.indexOf(signature.at(-1) ?? 'A') ^ 1]}`;
    expect(Buffer.from(spare, 'base64url')).toEqual(Buffer.from(signature, 'base64url'));
    expect(verifyUnsubscribeToken(SECRET, `${payload}.${spare}`)).toBeNull();
    expect(verifyUnsubscribeToken(SECRET, `${forged}.${signature}`)).toBeNull();
    expect(verifyUnsubscribeToken(SECRET, `${payload}.${flipped}`)).toBeNull();
    expect(verifyUnsubscribeToken('t'.repeat(40), token)).toBeNull();
    expect(verifyUnsubscribeToken(SECRET, `${payload}.${signature.slice(0, 10)}`)).toBeNull();
    for (const junk of ['', '.', 'abc', `${token}.x`, 'a b.c']) expect(verifyUnsubscribeToken(SECRET, junk)).toBeNull();
  });

  test('a correctly signed payload that is not a token of ours is refused too', () => {
    const signed = signUnsubscribeToken(SECRET, { customerId: 'c-1', channel: 'email' });
    const payload = Buffer.from(JSON.stringify({ c: 'c-1', ch: 'fax', iat: 1 })).toString('base64url');
    expect(verifyUnsubscribeToken(SECRET, `${payload}.${signed.split('.')[1]}`)).toBeNull();
  });
});

describe('the link secret', () => {
  test('is generated once under the data dir and read back; TOUCHPOINT_SECRET wins and must be long', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'touchpoint-secret-'));
    try {
      const first = await resolveSecret(undefined, dir);
      expect(first.secret).toMatch(/^[0-9a-f]{64}$/);
      expect(first.file).toBe(join(dir, 'secret'));
      expect(statSync(join(dir, 'secret')).mode & 0o777).toBe(0o600);
      expect((await resolveSecret('', dir)).secret).toBe(first.secret);
      expect(readFileSync(join(dir, 'secret'), 'utf8').trim()).toBe(first.secret);
      expect(await resolveSecret(` ${'k'.repeat(32)} `, dir)).toEqual({ secret: 'k'.repeat(32), file: null });
      await expect(resolveSecret('short', dir)).rejects.toThrow('TOUCHPOINT_SECRET is shorter than 32 characters');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('decision deps from configuration', () => {
  test('policy, links with PUBLIC_URL (or http://HOST:PORT) and one secret shared by every process on the data dir', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'touchpoint-deps-'));
    try {
      const base = { QUIET_HOURS: '22:00-07:30', FREQUENCY_CAPS: undefined, TOUCHPOINT_SECRET: undefined, HOST: '127.0.0.1', PORT: 3000, dataDir };
      const deps = await createDecisionDeps({ ...base, PUBLIC_URL: 'https://mail.shop.example/' });
      expect(deps.policy).toEqual({ quietHours: { start: '22:00', end: '07:30' }, frequencyCaps: {} });
      expect(deps.links.publicUrl).toBe('https://mail.shop.example');
      expect(deps.secretFile).toBe(join(dataDir, 'secret'));
      const worker = await createDecisionDeps({ ...base, PUBLIC_URL: undefined });
      expect(worker.links).toEqual({ publicUrl: 'http://127.0.0.1:3000', secret: deps.links.secret });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('quiet hours', () => {
  const at = (iso: string) => Date.parse(iso);
  const end = (iso: string, zone: string, start: string, stop: string) => {
    const found = quietHoursEnd(at(iso), zone, { start, end: stop });
    return found === null ? null : new Date(found).toISOString();
  };

  test('a range over midnight holds from its start (inclusive) to its end (exclusive) in the customer zone', () => {
    expect(end('2024-05-01T19:00:00Z', 'Europe/Rome', '21:00', '08:00')).toBe('2024-05-02T06:00:00.000Z'); // 21:00 Rome
    expect(end('2024-05-02T01:30:00Z', 'Europe/Rome', '21:00', '08:00')).toBe('2024-05-02T06:00:00.000Z'); // 03:30 Rome
    expect(end('2024-05-01T18:59:00Z', 'Europe/Rome', '21:00', '08:00')).toBeNull(); // 20:59
    expect(end('2024-05-02T06:00:00Z', 'Europe/Rome', '21:00', '08:00')).toBeNull(); // 08:00
    expect(end('2024-05-02T01:30:00Z', 'America/New_York', '21:00', '08:00')).toBe('2024-05-02T12:00:00.000Z'); // 21:30 NY
  });

  test('a range within one day, and the night the clocks go forward', () => {
    expect(end('2024-05-01T12:30:00Z', 'UTC', '12:00', '14:00')).toBe('2024-05-01T14:00:00.000Z');
    expect(end('2024-05-01T14:30:00Z', 'UTC', '12:00', '14:00')).toBeNull();
    // Rome springs forward at 02:00 on 2024-03-31: 23:00 local on the 30th is 22:00Z; 08:00 CEST is 06:00Z.
    expect(end('2024-03-30T22:00:00Z', 'Europe/Rome', '21:00', '08:00')).toBe('2024-03-31T06:00:00.000Z');
  });
});

describe('QUIET_HOURS and FREQUENCY_CAPS', () => {
  test('unset means no quiet hours and no caps', () => {
    expect(parseSendPolicy({})).toEqual({ quietHours: null, frequencyCaps: {} });
  });

  test('values are read into the policy', () => {
    expect(parseSendPolicy({ QUIET_HOURS: '21:00-08:00', FREQUENCY_CAPS: 'email:3/7d, sms:2/1w,push:5/24h' })).toEqual({
      quietHours: { start: '21:00', end: '08:00' },
      frequencyCaps: { email: { max: 3, windowMs: 7 * 86_400_000 }, sms: { max: 2, windowMs: 7 * 86_400_000 }, push: { max: 5, windowMs: 86_400_000 } },
    });
  });

  test('bad values are refused with one message naming each variable and a correct example', () => {
    const attempt = () => parseSendPolicy({ QUIET_HOURS: '9pm-8am', FREQUENCY_CAPS: 'fax:3/7d' });
    expect(attempt).toThrow(/QUIET_HOURS: "9pm-8am" is not a local time range; write HH:MM-HH:MM .*e\.g\. QUIET_HOURS=21:00-08:00/);
    expect(attempt).toThrow(/FREQUENCY_CAPS: "fax" in "fax:3\/7d" is not a channel \(email, sms or push\)/);
    expect(() => parseSendPolicy({ FREQUENCY_CAPS: 'email:3/soon' })).toThrow('FREQUENCY_CAPS: "soon" in "email:3/soon" is not a window');
    expect(() => parseSendPolicy({ FREQUENCY_CAPS: 'email:3/7d,email:1/1d' })).toThrow('email is capped twice');
    expect(() => parseSendPolicy({ QUIET_HOURS: '08:00-08:00' })).toThrow('starts and ends at the same time');
  });
});
