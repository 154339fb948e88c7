// VAPID keys: from the environment, or generated once into the data dir and reused, because
// every browser subscription is bound to the public key it was made with.
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import webpush from 'web-push';
import { resolveVapid, vapidSubject, type VapidConfig } from '../../runtime/vapid';

const base: VapidConfig = { VAPID_PUBLIC_KEY: undefined, VAPID_PRIVATE_KEY: undefined, VAPID_SUBJECT: undefined, PUBLIC_URL: undefined, EMAIL_FROM: 'Touchpoint <hello@shop.example>' };

describe('resolveVapid', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'touchpoint-vapid-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('generates a key pair once, keeps it in vapid.json readable only by the owner, and reuses it', async () => {
    const first = await resolveVapid(base, dir);
    expect(first).toMatchObject({ source: 'generated', file: join(dir, 'vapid.json'), subject: 'mailto:hello@shop.example' });
    expect((await stat(join(dir, 'vapid.json'))).mode & 0o777).toBe(0o600);
    const again = await resolveVapid(base, dir);
    expect(again).toMatchObject({ source: 'file', publicKey: first.publicKey, privateKey: first.privateKey });
    // The generated pair signs headers the library accepts.
    expect(webpush.getVapidHeaders('https://push.example', again.subject, again.publicKey, again.privateKey, 'aes128gcm').Authorization).toMatch(/^vapid t=.+, k=/);
  });

  it('uses the keys from the environment, untouched, and writes no file', async () => {
    const pair = webpush.generateVAPIDKeys();
    const resolved = await resolveVapid({ ...base, VAPID_PUBLIC_KEY: pair.publicKey, VAPID_PRIVATE_KEY: pair.privateKey, VAPID_SUBJECT: 'mailto:ops@shop.example' }, dir);
    expect(resolved).toEqual({ ...pair, subject: 'mailto:ops@shop.example', source: 'env' });
    await expect(stat(join(dir, 'vapid.json'))).rejects.toThrow();
  });

  it('refuses half a key pair, a mismatched pair, and a damaged key file with messages naming the fix', async () => {
    const a = webpush.generateVAPIDKeys();
    const b = webpush.generateVAPIDKeys();
    await expect(resolveVapid({ ...base, VAPID_PUBLIC_KEY: a.publicKey }, dir)).rejects.toThrow(/VAPID_PRIVATE_KEY is not set but VAPID_PUBLIC_KEY is/);
    await expect(resolveVapid({ ...base, VAPID_PUBLIC_KEY: a.publicKey, VAPID_PRIVATE_KEY: b.privateKey }, dir)).rejects.toThrow(/does not belong to the private key/);
    await writeFile(join(dir, 'vapid.json'), '{"publicKey": "x"}');
    await expect(resolveVapid(base, dir)).rejects.toThrow(/vapid\.json is not a VAPID key file.*subscribes again/s);
    expect(await readFile(join(dir, 'vapid.json'), 'utf8')).toBe('{"publicKey": "x"}');
  });

  it('takes the subject from VAPID_SUBJECT, else an https PUBLIC_URL, else the sender address', () => {
    expect(vapidSubject({ ...base, VAPID_SUBJECT: 'https://shop.example/contact' })).toBe('https://shop.example/contact');
    expect(vapidSubject({ ...base, PUBLIC_URL: 'https://touchpoint.shop.example/' })).toBe('https://touchpoint.shop.example');
    expect(vapidSubject({ ...base, PUBLIC_URL: 'http://127.0.0.1:3000' })).toBe('mailto:hello@shop.example');
    expect(() => vapidSubject({ ...base, VAPID_SUBJECT: 'ops@shop.example' })).toThrow(/mailto: address or an https: URL/);
  });
});
