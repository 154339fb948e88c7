// Support actions touch exactly the customer named, whatever characters the id holds: quotes,
// backslashes, double quotes, control and non-ASCII characters. A property over pairs of
// near-identical ids on the real dev server: list and exit the runs of one, the other's run is
// neither listed nor exited. (Before, `o'brien\x` listed and exited the runs of `o'brien\\x`.)
import fc from 'fast-check';
import { eventually, startSupportWorld, type SupportWorld } from './world';

const ACTOR = { actor: { name: 'desk', role: 'support' as const }, reason: 'customer asked' };

describe('customer ids in visibility queries', () => {
  let world: SupportWorld;
  beforeAll(async () => {
    world = await startSupportWorld();
  }, 120_000);
  afterAll(() => world?.stop());

  let serial = 0;
  const statusOf = async (workflowId: string) => (await world.temporal.client.workflow.getHandle(workflowId).describe()).status.name;

  /** Start one run for each id, then list and exit the runs of `a` only. */
  async function exitOneOfTwo(a: string, b: string): Promise<void> {
    for (const id of [a, b]) await world.store.upsertContact({ customerId: id, traits: {}, at: new Date().toISOString() });
    const runA = await world.start(a, `e-${serial}`);
    const runB = await world.start(b, `e-${serial}`);
    serial += 1;
    const ids = async (customerId: string) => (await world.service.listRuns({ customerId, status: 'running' })).runs.map((run) => run.workflowId);
    // Each id lists its own run and nothing else (once visibility has both).
    await eventually(() => ids(b), (listed) => listed.includes(runB), `run of ${JSON.stringify(b)} listed`);
    const listedA = await eventually(() => ids(a), (listed) => listed.includes(runA), `run of ${JSON.stringify(a)} listed`);
    expect(listedA).toEqual([runA]);
    expect(await ids(b)).toEqual([runB]);

    const exited = await world.service.exitAllRuns(a, ACTOR);
    expect(exited.map((run) => run.workflowId)).toEqual([runA]);
    expect(await statusOf(runA)).not.toBe('RUNNING');
    expect(await statusOf(runB)).toBe('RUNNING');
  }

  test("exiting o'brien\\x leaves o'brien\\\\x running, and the other way round", async () => {
    await exitOneOfTwo("o'brien\\x", "o'brien\\\\x");
    await exitOneOfTwo("o'brien\\\\y", "o'brien\\y");
  }, 60_000);

  test('property: of two near-identical ids, only the one named is listed and exited', async () => {
    const piece = fc.constantFrom('o', 'b', "'", '\\', '\\\\', '"', 'é', 'e\u0301', '%', '_', '\n', 'n', 'Z', '\u001a', ' ', 'ß', '日');
    const tricky = fc.constantFrom('\\', "'", '"', '\\\\', "\\'", 'é', 'e\u0301', '%', '_', '\n', '\\n', '\u001a', '\\Z');
    const pair = fc
      .tuple(fc.array(piece, { minLength: 1, maxLength: 8 }), fc.nat(), tricky, fc.boolean(), fc.boolean())
      .map(([pieces, at, insert, leading, swap]) => {
        const text = pieces.join('');
        const cut = at % (text.length + 1);
        // Leading: the tricky character may come first (no prefix narrows the query).
        const unique = `-${serial}-${Math.random().toString(36).slice(2, 8)}`;
        const a = leading ? `${text}${unique}` : `c${unique}-${text}`;
        const split = leading ? cut : cut + `c${unique}-`.length;
        const b = `${a.slice(0, split)}${insert}${a.slice(split)}`;
        return swap ? ([b, a] as const) : ([a, b] as const);
      });
    await fc.assert(
      fc.asyncProperty(pair, async ([a, b]) => exitOneOfTwo(a, b)),
      { numRuns: 12, endOnFailure: true },
    );
  }, 240_000);
});
