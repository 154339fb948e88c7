// Group commit: concurrent callers share statements, each gets its own outputs in order, an idle
// caller is written on the next turn of the event loop, and a failed group fails only the caller
// whose rows broke it.
import { groupCommit } from '../../store/group-commit';

/** A statement that records each call's items and answers `item * 10`, after `gate` resolves. */
function recordingStatement(options: { fail?: (item: number) => boolean } = {}) {
  const calls: number[][] = [];
  let open: () => void = () => undefined;
  let gate = Promise.resolve();
  return {
    calls,
    hold() {
      gate = new Promise<void>((resolve) => (open = resolve));
    },
    release: () => open(),
    statement: async (items: number[]) => {
      calls.push([...items]);
      await gate;
      if (items.some((item) => options.fail?.(item))) throw new Error(`bad row among ${items.join(',')}`);
      return items.map((item) => item * 10);
    },
  };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('groupCommit', () => {
  test('a caller with nothing in flight is written on the next turn, on its own', async () => {
    const s = recordingStatement();
    const write = groupCommit(s.statement);
    const answer = write([1, 2]);
    await Promise.resolve();
    expect(s.calls).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(s.calls).toEqual([[1, 2]]);
    expect(await answer).toEqual([10, 20]);
    expect(await write([3])).toEqual([30]);
    expect(s.calls).toEqual([[1, 2], [3]]);
  });

  test('callers of the same turn share one statement even when the database answers at once', async () => {
    const s = recordingStatement();
    const write = groupCommit(s.statement);
    expect(await Promise.all([write([1]), write([2]), write([3, 4])])).toEqual([[10], [20], [30, 40]]);
    expect(s.calls).toEqual([[1, 2, 3, 4]]);
  });

  test('callers arriving while a statement is in flight share the next one, in arrival order, each answered with its own outputs', async () => {
    const s = recordingStatement();
    const write = groupCommit(s.statement);
    s.hold();
    const first = write([1]);
    await nextTurn();
    const waiting = [write([2, 3]), write([4]), write([5, 6, 7])];
    s.release();
    expect(await first).toEqual([10]);
    expect(await Promise.all(waiting)).toEqual([[20, 30], [40], [50, 60, 70]]);
    expect(s.calls).toEqual([[1], [2, 3, 4, 5, 6, 7]]);
  });

  test('a group holds at most maxItems, but never splits one caller', async () => {
    const s = recordingStatement();
    const write = groupCommit(s.statement, { maxItems: 3 });
    s.hold();
    const first = write([0]);
    await nextTurn();
    const waiting = [write([1, 2]), write([3]), write([4, 5, 6, 7]), write([8])];
    s.release();
    await Promise.all([first, ...waiting]);
    expect(s.calls).toEqual([[0], [1, 2, 3], [4, 5, 6, 7], [8]]);
    expect(await waiting[2]).toEqual([40, 50, 60, 70]);
  });

  test('when a shared statement fails, each caller is written alone: only the caller with the bad row gets the error', async () => {
    const s = recordingStatement({ fail: (item) => item === 13 });
    const write = groupCommit(s.statement);
    s.hold();
    const first = write([1]);
    await nextTurn();
    const good = write([2]);
    const bad = write([13, 14]);
    const alsoGood = write([3]);
    s.release();
    await first;
    expect(await good).toEqual([20]);
    await expect(bad).rejects.toThrow('bad row among 13,14');
    expect(await alsoGood).toEqual([30]);
    expect(s.calls).toEqual([[1], [2, 13, 14, 3], [2], [13, 14], [3]]);
  });

  test('a failure of a lone caller reaches it, and the next caller is written as usual', async () => {
    const s = recordingStatement({ fail: (item) => item < 0 });
    const write = groupCommit(s.statement);
    await expect(write([-1])).rejects.toThrow('bad row among -1');
    expect(await write([5])).toEqual([50]);
  });

  test('an empty call answers at once without a statement', async () => {
    const s = recordingStatement();
    const write = groupCommit(s.statement);
    expect(await write([])).toEqual([]);
    expect(s.calls).toEqual([]);
  });
});
