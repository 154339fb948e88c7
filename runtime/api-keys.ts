// API keys: TOUCHPOINT_API_KEYS when set; otherwise one generated key kept under the data
// folder, so `npm start` works on first run and the key survives restarts.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface ApiKeys {
  keys: string[];
  /** Set when the key was generated (or read back) from the data folder, to print it. */
  generatedFile: string | null;
}

export async function resolveApiKeys(configured: string | undefined, dataDir: string): Promise<ApiKeys> {
  if (configured) {
    const keys = configured.split(',').map((k) => k.trim()).filter((k) => k !== '');
    if (keys.length === 0) throw new Error('TOUCHPOINT_API_KEYS is set but holds no key; give comma-separated keys or unset it.');
    const short = keys.find((k) => k.length < 16);
    if (short) throw new Error(`TOUCHPOINT_API_KEYS: key "${short.slice(0, 4)}…" is shorter than 16 characters; use long random keys.`);
    return { keys, generatedFile: null };
  }
  const file = join(dataDir, 'api-key');
  const existing = (await readFile(file, 'utf8').catch(() => '')).trim();
  if (existing) return { keys: [existing], generatedFile: file };
  await mkdir(dataDir, { recursive: true });
  const key = `tp_${randomBytes(24).toString('base64url')}`;
  await writeFile(file, `${key}\n`, { mode: 0o600 });
  return { keys: [key], generatedFile: file };
}
