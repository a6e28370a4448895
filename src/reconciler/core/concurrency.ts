/** Maps with at most `limit` calls in flight; results keep the input order. Rejects on the first failure. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Like mapLimit, but every item settles: failures are returned, not thrown. */
export interface Settled<T, R> {
  readonly item: T;
  readonly value?: R;
  readonly error?: unknown;
}

export async function settleLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<Array<Settled<T, R>>> {
  return mapLimit(items, limit, async (item) => {
    try {
      return { item, value: await fn(item) };
    } catch (error) {
      return { item, error };
    }
  });
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
