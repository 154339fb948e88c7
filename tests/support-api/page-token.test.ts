// Page tokens of GET /v1/runs over real HTTP on a real dev server: a token that is not a
// nextPageToken of this listing (garbage, base64 Temporal cannot read, one from other filters)
// is a 400 that names pageToken, never a 500; a real token still pages.
import { KEYS, eventually, startSupportWorld, type SupportWorld } from './world';

describe('run list page tokens', () => {
  let world: SupportWorld;
  beforeAll(async () => {
    world = await startSupportWorld();
  }, 120_000);
  afterAll(() => world?.stop());

  const list = (query: string) => world.api.call('GET', `/v1/runs?${query}`, { key: KEYS.support.key });

  test('a malformed or foreign pageToken is a 400 naming pageToken; the real one pages', async () => {
    const id = await world.customer({ email: 'pages@example.com' });
    await world.start(id, 'P-1');
    await world.start(id, 'P-2');
    await eventually(() => world.service.listRuns({ customerId: id }), (page) => page.runs.length === 2, `2 runs of ${id} in visibility`);

    const first = await list(`customer=${id}&pageSize=1`);
    expect(first.status).toBe(200);
    const token: string = first.body.nextPageToken;
    expect(token).toEqual(expect.any(String));

    for (const bad of ['abc', 'AAAA', '!!!', 'eyJub3QiOiJhIHRva2VuIn0', `${token}x.y`, token.slice(0, -3) + '***']) {
      const answer = await list(`customer=${id}&pageSize=1&pageToken=${encodeURIComponent(bad)}`);
      expect({ bad, status: answer.status }).toEqual({ bad, status: 400 });
      expect(answer.body.error.message).toContain('pageToken');
      expect(answer.body.error.message).toContain('omit pageToken');
    }
    // A token of another listing (other filters) is refused too, with what to change.
    const foreign = await list(`journey=${encodeURIComponent('support-demo')}&pageSize=1&pageToken=${encodeURIComponent(token)}`);
    expect(foreign.status).toBe(400);
    expect(foreign.body.error.message).toMatch(/pageToken .* other filters/);

    const second = await list(`customer=${id}&pageSize=1&pageToken=${encodeURIComponent(token)}`);
    expect(second.status).toBe(200);
    expect([...first.body.runs, ...second.body.runs].map((run: { entryKey: string }) => run.entryKey).sort()).toEqual(['P-1', 'P-2']);
  });
});
