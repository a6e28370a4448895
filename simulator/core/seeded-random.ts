/* eslint-disable no-bitwise -- a PRNG and a string hash are bit manipulation by definition */

/**
 * A small deterministic PRNG (mulberry32) plus keyed draws.
 *
 * Two kinds of draws exist on purpose:
 * - `next()` is a stream: the n-th draw depends on how many draws came before (fixtures, ids).
 * - `forKey(...)` depends only on the seed and the key, never on call order, so decisions such as
 *   "is this page short?" stay identical when concurrent clients interleave their requests.
 */
export class SeededRandom {
  private state: number;

  constructor(private readonly seed: number) {
    this.state = hashString(`stream:${seed}`);
  }

  /** Uniform in [0, 1), advancing the stream. */
  public next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max], advancing the stream. */
  public int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Lower-case hex string of `length` characters, advancing the stream. */
  public hex(length: number): string {
    let out = '';
    while (out.length < length) out += this.int(0, 15).toString(16);
    return out;
  }

  /** Characters drawn from `alphabet`, advancing the stream. */
  public chars(length: number, alphabet: string): string {
    let out = '';
    while (out.length < length) out += alphabet[this.int(0, alphabet.length - 1)];
    return out;
  }

  /** `count` distinct integers from [0, size), advancing the stream (partial Fisher-Yates). */
  public sample(size: number, count: number): number[] {
    const pool = Array.from({ length: size }, (_, i) => i);
    for (let i = 0; i < count; i++) {
      const j = this.int(i, size - 1);
      [pool[i], pool[j]] = [pool[j], pool[i]];
    }
    return pool.slice(0, count);
  }

  public pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)];
  }

  /** A random-looking UUID v4 from the stream (AWS request ids, identity store ids). */
  public uuid(): string {
    const h = this.hex(32);
    const variant = '89ab'[this.int(0, 3)];
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  /** Uniform in [0, 1) determined only by the seed and the key. */
  public forKey(...key: Array<string | number>): number {
    let t = (hashString(key.join('\u0000')) ^ hashString(`key:${this.seed}`)) >>> 0;
    t = Math.imul(t ^ (t >>> 16), 0x85ebca6b);
    t = Math.imul(t ^ (t >>> 13), 0xc2b2ae35);
    return ((t ^ (t >>> 16)) >>> 0) / 4294967296;
  }
}

/** FNV-1a, 32 bit. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
