// mapBounded: at most `limit` in flight, results in input order, and after a failure no new item
// starts while those in flight finish before the failure is thrown.
import { mapBounded } from '../../core/bounded';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('mapBounded', () => {
  test('keeps at most limit calls in flight and answers in input order', async () => {
    let inFlight = 0;
    let most = 0;
    const results = await mapBounded([5, 1, 4, 2, 3, 0], 2, async (n) => {
      inFlight++;
      most = Math.max(most, inFlight);
      for (let i = 0; i < n; i++) await tick();
      inFlight--;
      return n * 10;
    });
    expect(results).toEqual([50, 10, 40, 20, 30, 0]);
    expect(most).toBe(2);
  });

  test('after the first failure starts nothing new, lets the calls in flight finish, then throws that failure', async () => {
    const started: number[] = [];
    const finished: number[] = [];
    const run = mapBounded([1, 2, 3, 4, 5], 2, async (n) => {
      started.push(n);
      await tick();
      if (n === 1) throw new Error('item 1 failed');
      for (let i = 0; i < 3; i++) await tick();
      finished.push(n);
      return n;
    });
    await expect(run).rejects.toThrow('item 1 failed');
    expect(started).toEqual([1, 2]);
    expect(finished).toEqual([2]);
  });

  test('an empty list answers at once', async () => {
    expect(await mapBounded([], 4, async () => 1)).toEqual([]);
  });
});
