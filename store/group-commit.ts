// Group commit for batch statements: callers that arrive while one statement is in flight are
// written together by the next, so N concurrent single-event requests cost about one statement
// each round instead of N. An idle caller is written on the event loop's next turn (setImmediate,
// no timer): requests read from the network in the same turn go in one statement even when the
// database answers within the turn, as in-process PGlite does.

/** A statement over many items, answering one output per input in input order. */
export type BatchStatement<I, O> = (items: I[]) => Promise<O[]>;

export interface GroupCommitOptions {
  /** Most items in one statement; more waiting items go in the statements after it. @default 1000 */
  maxItems?: number;
}

interface Waiting<I, O> {
  items: I[];
  resolve(outputs: O[]): void;
  reject(error: unknown): void;
}

/**
 * `statement`, with concurrent calls grouped: while one group is being written the calls that
 * arrive wait, and are then written as one group, callers in arrival order. Each caller gets the
 * outputs of its own items. When a group of several callers fails, each caller's items are
 * written again on their own (side by side), so one caller's bad row fails that caller only; the
 * statement must therefore be atomic (a failed statement wrote nothing), as a single SQL
 * statement is, and keep concurrent statements from deadlocking (e.g. rows in key order).
 */
export function groupCommit<I, O>(statement: BatchStatement<I, O>, options: GroupCommitOptions = {}): BatchStatement<I, O> {
  const maxItems = options.maxItems ?? 1000;
  const queue: Array<Waiting<I, O>> = [];
  /** A drain is scheduled or running: new callers only join the queue. */
  let writing = false;

  const nextGroup = (): Array<Waiting<I, O>> => {
    const group: Array<Waiting<I, O>> = [];
    let count = 0;
    // A caller's items always go together, even past maxItems when it alone brings more.
    while (queue.length > 0 && (group.length === 0 || count + queue[0]!.items.length <= maxItems)) {
      const waiting = queue.shift()!;
      count += waiting.items.length;
      group.push(waiting);
    }
    return group;
  };

  const writeGroup = async (group: Array<Waiting<I, O>>): Promise<void> => {
    if (group.length === 1) {
      const [only] = group;
      await statement(only!.items).then(only!.resolve, only!.reject);
      return;
    }
    let outputs: O[];
    try {
      outputs = await statement(group.flatMap((waiting) => waiting.items));
    } catch {
      // Which caller's row broke it is unknown: each caller alone gets its own answer or error.
      // Side by side, so a database that is down costs every caller one failure, not one each in turn.
      await Promise.all(group.map((waiting) => statement(waiting.items).then(waiting.resolve, waiting.reject)));
      return;
    }
    let offset = 0;
    for (const waiting of group) {
      waiting.resolve(outputs.slice(offset, offset + waiting.items.length));
      offset += waiting.items.length;
    }
  };

  const drain = async (): Promise<void> => {
    try {
      for (let group = nextGroup(); group.length > 0; group = nextGroup()) await writeGroup(group);
    } finally {
      writing = false;
    }
  };

  return (items) =>
    items.length === 0 ? Promise.resolve([]) : new Promise<O[]>((resolve, reject) => {
      queue.push({ items, resolve, reject });
      if (writing) return;
      writing = true;
      setImmediate(() => void drain());
    });
}
