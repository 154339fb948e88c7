// API keys: TOUCHPOINT_API_KEYS when set (`key`, `role:key` or `name:role:key`, comma-separated);
// otherwise one generated admin key kept under the data folder, so `npm start` works on first
// run and the key survives restarts.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ROLES, type ApiKey } from '../api/auth';

export interface ApiKeys {
  /** The secrets alone (every role), for routes that take any valid key. */
  keys: string[];
  /** Every key with its name and role: give these to routes that check roles. */
  parsed: ApiKey[];
  /** Set when the key was generated (or read back) from the data folder, to print it. */
  generatedFile: string | null;
}

/** Parse TOUCHPOINT_API_KEYS; a bad entry throws a message naming it (never the whole secret). */
export function parseApiKeys(configured: string): ApiKey[] {
  const entries = configured.split(',').map((k) => k.trim()).filter((k) => k !== '');
  if (entries.length === 0) throw new Error('TOUCHPOINT_API_KEYS is set but holds no key; give comma-separated keys or unset it.');
  return entries.map((entry, index) => {
    const parts = entry.split(':');
    const [name, role, key] =
      parts.length === 1 ? [`key-${index + 1}`, 'admin', parts[0]] : parts.length === 2 ? [`key-${index + 1}`, parts[0], parts[1]] : parts;
    const where = `TOUCHPOINT_API_KEYS entry ${index + 1}`;
    if (parts.length > 3 || key === undefined || name === undefined || name === '') {
      throw new Error(`${where} is not "key", "role:key" or "name:role:key" (a key may not contain ":").`);
    }
    const known = ROLES.find((r) => r === role);
    if (!known) throw new Error(`${where} ("${name}") has role "${role}"; use one of ${ROLES.join(', ')}.`);
    if (key.length < 16) throw new Error(`${where} ("${name}"): key "${key.slice(0, 4)}…" is shorter than 16 characters; use long random keys.`);
    return { key, name, role: known };
  });
}

export async function resolveApiKeys(configured: string | undefined, dataDir: string): Promise<ApiKeys> {
  if (configured) {
    const parsed = parseApiKeys(configured);
    return { keys: parsed.map((k) => k.key), parsed, generatedFile: null };
  }
  const file = join(dataDir, 'api-key');
  let key = (await readFile(file, 'utf8').catch(() => '')).trim();
  if (!key) {
    await mkdir(dataDir, { recursive: true });
    key = `tp_${randomBytes(24).toString('base64url')}`;
    await writeFile(file, `${key}\n`, { mode: 0o600 });
  }
  return { keys: [key], parsed: [{ key, name: 'key-1', role: 'admin' }], generatedFile: file };
}
