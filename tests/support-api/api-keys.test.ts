// TOUCHPOINT_API_KEYS with roles: `key`, `role:key`, `name:role:key`, and clear errors.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseApiKeys, resolveApiKeys } from '../../runtime/api-keys';

const long = (tag: string) => `${tag}-0123456789abcdef`;

describe('API keys with roles', () => {
  test('a plain key is an admin key named by its position; role:key and name:role:key carry their role', () => {
    expect(parseApiKeys(`${long('a')}, ingest:${long('b')},desk:support:${long('c')}`)).toEqual([
      { key: long('a'), name: 'key-1', role: 'admin' },
      { key: long('b'), name: 'key-2', role: 'ingest' },
      { key: long('c'), name: 'desk', role: 'support' },
    ]);
  });

  test('an unknown role, a short key or too many colons is refused with the entry and the fix', () => {
    expect(() => parseApiKeys(`desk:reader:${long('c')}`)).toThrow('TOUCHPOINT_API_KEYS entry 1 ("desk") has role "reader"; use one of ingest, browser, support, admin.');
    expect(() => parseApiKeys(`${long('a')},support:short`)).toThrow(/entry 2 .*shorter than 16 characters/);
    expect(() => parseApiKeys(`a:b:c:${long('d')}`)).toThrow('is not "key", "role:key" or "name:role:key"');
  });

  test('resolveApiKeys returns the secrets and the parsed keys; a generated key is admin', async () => {
    const configured = await resolveApiKeys(`support:${long('s')}`, '/nonexistent');
    expect(configured).toEqual({ keys: [long('s')], parsed: [{ key: long('s'), name: 'key-1', role: 'support' }], generatedFile: null });
    const dir = mkdtempSync(join(tmpdir(), 'touchpoint-keys-'));
    try {
      const generated = await resolveApiKeys(undefined, dir);
      expect(generated.parsed).toEqual([{ key: generated.keys[0], name: 'key-1', role: 'admin' }]);
      expect((await resolveApiKeys(undefined, dir)).keys).toEqual(generated.keys);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
