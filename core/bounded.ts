// Work over many items with at most `limit` in flight, results in input order.

/**
 * `work` over `items`, at most `limit` at a time. After the first failure no new item starts;
 * the ones in flight finish, then that first failure is thrown.
 */
export async function mapBounded<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | null = null;
  const lane = async () => {
    while (failure === null && next < items.length) {
      const index = next++;
      try {
        results[index] = await work(items[index]!);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, lane));
  if (failure !== null) throw (failure as { error: unknown }).error;
  return results;
}
