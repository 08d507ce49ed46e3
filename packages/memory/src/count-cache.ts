/**
 * The per-counter cache of message sizes: by object identity (a message counted before is not
 * encoded again) and by content (messages loaded from a store are new objects every turn).
 *
 * @module
 * @internal
 */

// Content keys longer than this are replaced by a hash, so the cache's memory stays bounded.
const MAX_KEY_CHARS = 256;
const MAX_ENTRIES = 20_000;

/**
 * A 64-bit-ish content hash (two independent 32-bit FNV-1a style lanes plus the length), used
 * as a cache key for long content. A false match needs two 32-bit collisions at the same length.
 *
 * @param text - The text to hash.
 * @returns A short key for it.
 */
export function hashKey(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  return `#${text.length}:${(a >>> 0).toString(36)}:${(b >>> 0).toString(36)}`;
}

/** Identity plus bounded least-recently-used content cache of token counts. */
export class CountCache<TValue extends object> {
  readonly #byObject = new WeakMap<TValue, number>();
  readonly #byContent = new Map<string, number>();

  /**
   * The cached count of `value`, computing and remembering it on a miss.
   *
   * @param value - The object to count.
   * @param compute - Counts it (the expensive part).
   * @returns Its count.
   */
  get(value: TValue, compute: (value: TValue) => number): number {
    const known = this.#byObject.get(value);
    if (known !== undefined) return known;
    const json = JSON.stringify(value) ?? '';
    const key = json.length > MAX_KEY_CHARS ? hashKey(json) : json;
    let count = this.#byContent.get(key);
    if (count === undefined) {
      count = compute(value);
      if (this.#byContent.size >= MAX_ENTRIES) {
        const oldest = this.#byContent.keys().next().value;
        if (oldest !== undefined) this.#byContent.delete(oldest);
      }
    } else {
      // Refresh its place in the least-recently-used order.
      this.#byContent.delete(key);
    }
    this.#byContent.set(key, count);
    this.#byObject.set(value, count);
    return count;
  }
}
