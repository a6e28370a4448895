/**
 * A map whose keys can be walked in order from any key, so a list call costs O(log n + page).
 * Keys are sorted lazily on the first walk after a change: fixtures insert thousands of items at
 * once and pay for one sort, and list calls between writes pay nothing.
 */
export class SortedKeyIndex<T> {
  private readonly items = new Map<string, T>();
  private sortedKeys: string[] | undefined = [];

  public get size(): number {
    return this.items.size;
  }

  public get(key: string): T | undefined {
    return this.items.get(key);
  }

  public has(key: string): boolean {
    return this.items.has(key);
  }

  public set(key: string, value: T): void {
    if (!this.items.has(key)) this.sortedKeys = undefined;
    this.items.set(key, value);
  }

  public delete(key: string): boolean {
    const deleted = this.items.delete(key);
    if (deleted) this.sortedKeys = undefined;
    return deleted;
  }

  public values(): IterableIterator<T> {
    return this.items.values();
  }

  /** Entries with a key strictly greater than `afterKey` (all entries when undefined), in key order. */
  public *entriesAfter(afterKey: string | undefined): Generator<[string, T]> {
    const keys = this.keys();
    for (let i = afterKey === undefined ? 0 : firstIndexAfter(keys, afterKey); i < keys.length; i++) {
      const value = this.items.get(keys[i]);
      if (value !== undefined) yield [keys[i], value];
    }
  }

  private keys(): string[] {
    if (this.sortedKeys === undefined) this.sortedKeys = [...this.items.keys()].sort();
    return this.sortedKeys;
  }
}

function firstIndexAfter(keys: readonly string[], afterKey: string): number {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const mid = Math.floor((low + high) / 2);
    if (keys[mid] <= afterKey) low = mid + 1;
    else high = mid;
  }
  return low;
}
