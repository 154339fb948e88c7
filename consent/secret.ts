// The HMAC secret for signed links: TOUCHPOINT_SECRET when set; otherwise one generated secret
// kept under the data folder, so links in sent emails keep working across restarts.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface ResolvedSecret {
  secret: string;
  /** The file it was read from or written to; null when it came from TOUCHPOINT_SECRET. */
  file: string | null;
}

/** Every process that signs or verifies links (API and worker) must resolve the same secret. */
export async function resolveSecret(configured: string | undefined, dataDir: string): Promise<ResolvedSecret> {
  if (configured !== undefined && configured.trim() !== '') {
    const secret = configured.trim();
    if (secret.length < 32) throw new Error('TOUCHPOINT_SECRET is shorter than 32 characters; use a long random value (e.g. `openssl rand -hex 32`).');
    return { secret, file: null };
  }
  const file = join(dataDir, 'secret');
  const existing = (await readFile(file, 'utf8').catch(() => '')).trim();
  if (existing) return { secret: existing, file };
  await mkdir(dataDir, { recursive: true });
  try {
    // `wx`: when two processes start at once, the second keeps the first one's secret.
    await writeFile(file, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if (!(error instanceof Error && 'code' in error && error.code === 'EEXIST')) throw error;
  }
  return { secret: (await readFile(file, 'utf8')).trim(), file };
}
