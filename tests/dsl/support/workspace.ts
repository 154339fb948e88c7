// A throw-away project directory (journeys/ and templates/) for loader and CLI tests.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Workspace {
  dir: string;
  write(path: string, content: string): Promise<void>;
  remove(): Promise<void>;
}

export async function makeWorkspace(files: Record<string, string> = {}): Promise<Workspace> {
  const dir = await mkdtemp(join(tmpdir(), 'touchpoint-dsl-'));
  const write = async (path: string, content: string) => {
    const full = join(dir, path);
    await mkdir(join(full, '..'), { recursive: true });
    await writeFile(full, content);
  };
  for (const [path, content] of Object.entries(files)) await write(path, content);
  return { dir, write, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** An email template with every email part. */
export const EMAIL_TEMPLATE = ['{{!-- email.subject --}}', 'Hi {{traits.first_name}}', '{{!-- email.html --}}', '<p>Hello</p>', '{{!-- email.text --}}', 'Hello', ''].join('\n');

/** Lines 1-5 of a journey file; steps start on line 6. */
export const HEAD = ['id: demo', 'name: Demo', 'trigger:', '  event: user.signed_up', 'steps:', ''].join('\n');
