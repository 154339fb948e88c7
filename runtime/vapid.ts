// VAPID keys for web push: from VAPID_PUBLIC_KEY/VAPID_PRIVATE_KEY, else generated once and
// kept in <data dir>/vapid.json, because browsers' subscriptions are bound to the public key.
import { createECDH } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import webpush from 'web-push';
import { z } from 'zod';
import type { Config } from '../config/env';

export interface ResolvedVapid {
  publicKey: string;
  privateKey: string;
  /** `mailto:` or `https:` contact sent to push services in every JWT. */
  subject: string;
  /** Where the keys came from; `file` is the vapid.json path when they came from (or were written to) one. */
  source: 'env' | 'file' | 'generated';
  file?: string;
}

export type VapidConfig = Pick<Config, 'VAPID_PUBLIC_KEY' | 'VAPID_PRIVATE_KEY' | 'VAPID_SUBJECT' | 'PUBLIC_URL' | 'EMAIL_FROM'>;

const StoredKeysSchema = z.object({ publicKey: z.string(), privateKey: z.string(), createdAt: z.string().optional() });

/** The VAPID keys and subject Touchpoint signs push messages with; throws a message naming what to fix. */
export async function resolveVapid(config: VapidConfig, dataDir: string): Promise<ResolvedVapid> {
  const subject = vapidSubject(config);
  const { VAPID_PUBLIC_KEY: publicKey, VAPID_PRIVATE_KEY: privateKey } = config;
  if (publicKey && privateKey) {
    checkPair(publicKey, privateKey, 'VAPID_PUBLIC_KEY/VAPID_PRIVATE_KEY');
    return { publicKey, privateKey, subject, source: 'env' };
  }
  if (publicKey || privateKey) {
    const missing = publicKey ? 'VAPID_PRIVATE_KEY' : 'VAPID_PUBLIC_KEY';
    throw new Error(
      `${missing} is not set but ${publicKey ? 'VAPID_PUBLIC_KEY' : 'VAPID_PRIVATE_KEY'} is: set both (a pair from \`npx web-push generate-vapid-keys\`), ` +
        'or neither to let Touchpoint generate and keep a pair in the data dir.',
    );
  }

  const file = join(dataDir, 'vapid.json');
  const stored = await readStored(file);
  if (stored) return { ...stored, subject, source: 'file', file };
  const generated = webpush.generateVAPIDKeys();
  try {
    // `wx`: if another process wrote the file meanwhile, theirs wins and is read below.
    await writeFile(file, `${JSON.stringify({ ...generated, createdAt: new Date().toISOString() }, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if (errorCode(error) !== 'EEXIST') throw new Error(`Cannot write the generated VAPID keys to ${file}: ${messageOf(error)}. Make the data dir writable or set VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY.`);
    const raced = await readStored(file);
    if (raced) return { ...raced, subject, source: 'file', file };
  }
  return { ...generated, subject, source: 'generated', file };
}

/** VAPID_SUBJECT, else PUBLIC_URL when it is https, else a mailto: of the EMAIL_FROM address. */
export function vapidSubject(config: Pick<VapidConfig, 'VAPID_SUBJECT' | 'PUBLIC_URL' | 'EMAIL_FROM'>): string {
  if (config.VAPID_SUBJECT) {
    if (!/^(mailto:\S+@\S+|https:\/\/\S+)$/.test(config.VAPID_SUBJECT)) {
      throw new Error(`VAPID_SUBJECT "${config.VAPID_SUBJECT}" must be a mailto: address or an https: URL (e.g. mailto:ops@example.com); push services use it to contact you.`);
    }
    return config.VAPID_SUBJECT;
  }
  if (config.PUBLIC_URL?.startsWith('https://')) return new URL(config.PUBLIC_URL).origin;
  const address = /<([^<>\s]+@[^<>\s]+)>/.exec(config.EMAIL_FROM)?.[1] ?? (/^\S+@\S+$/.test(config.EMAIL_FROM) ? config.EMAIL_FROM : 'push@touchpoint.invalid');
  return `mailto:${address}`;
}

async function readStored(file: string): Promise<{ publicKey: string; privateKey: string } | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return null;
    throw new Error(`Cannot read VAPID keys from ${file}: ${messageOf(error)}.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = StoredKeysSchema.safeParse(json);
  const fix =
    `Restore it from a backup, or set VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY. Deleting it makes Touchpoint generate new keys, ` +
    'and every existing browser subscription then stops working until the customer subscribes again.';
  if (!parsed.success) throw new Error(`${file} is not a VAPID key file ({ "publicKey", "privateKey" }). ${fix}`);
  checkPair(parsed.data.publicKey, parsed.data.privateKey, file, fix);
  return { publicKey: parsed.data.publicKey, privateKey: parsed.data.privateKey };
}

/** Both keys are base64url P-256 keys of the right length, and the public one belongs to the private one. */
function checkPair(publicKey: string, privateKey: string, where: string, fix = 'Generate a pair with `npx web-push generate-vapid-keys`.'): void {
  const pub = base64url(publicKey);
  const priv = base64url(privateKey);
  if (pub?.length !== 65 || pub[0] !== 0x04) throw new Error(`${where}: the public key must be a base64url uncompressed P-256 point (65 bytes). ${fix}`);
  if (priv?.length !== 32) throw new Error(`${where}: the private key must be 32 base64url bytes. ${fix}`);
  let derived: Buffer;
  try {
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(priv);
    derived = ecdh.getPublicKey();
  } catch (error) {
    throw new Error(`${where}: the private key is not a P-256 key (${messageOf(error)}). ${fix}`);
  }
  if (!derived.equals(pub)) throw new Error(`${where}: the public key does not belong to the private key. ${fix}`);
}

function base64url(text: string): Buffer | null {
  return /^[A-Za-z0-9_-]+={0,2}$/.test(text) ? Buffer.from(text, 'base64url') : null;
}

// Duck-typed: fs errors come from Node's realm, where `instanceof Error` may not hold (e.g. under jest).
const errorCode = (error: unknown): unknown => (typeof error === 'object' && error !== null ? Reflect.get(error, 'code') : undefined);
const messageOf = (error: unknown): string => {
  const message: unknown = typeof error === 'object' && error !== null ? Reflect.get(error, 'message') : undefined;
  return typeof message === 'string' ? message : String(error);
};
