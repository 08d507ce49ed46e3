import { ConfigurationError } from '../errors/errors.js';
import type { ResponseCacheStore } from './response-cache-store.js';

/** Options of `new InMemoryResponseCache(...)`. */
export interface InMemoryResponseCacheOptions {
  /** The most entries kept; the least recently used goes first. @default 1000 */
  maxEntries?: number | undefined;
  /**
   * The most bytes kept (UTF-8 size of the keys and entries); the least recently used go first,
   * and an entry larger than this is not kept at all. @default 64 MiB
   */
  maxBytes?: number | undefined;
}

interface Slot {
  value: string;
  bytes: number;
  expiresAt: number;
}

const encoder = new TextEncoder();

/**
 * A response cache in this process's memory, bounded by entries and bytes: the least recently
 * used entries are evicted first, and expired ones are dropped when read. Give one to
 * `cachedModel`; share it between models and agents to share the replies.
 *
 * @example
 * ```ts
 * const cache = new InMemoryResponseCache({ maxEntries: 500, maxBytes: 16 * 1024 * 1024 });
 * const model = cachedModel(openai('gpt-4o-mini'), { store: cache, ttlMs: 60 * 60_000 });
 * ```
 */
export class InMemoryResponseCache implements ResponseCacheStore {
  /** The entry bound. */
  readonly maxEntries: number;
  /** The byte bound. */
  readonly maxBytes: number;
  // A Map iterates in insertion order: re-inserting on use keeps the least recent first.
  readonly #slots = new Map<string, Slot>();
  #bytes = 0;

  /**
   * @param options - `maxEntries`, `maxBytes`.
   * @throws ConfigurationError when a bound is not a positive integer.
   */
  constructor({
    maxEntries = 1000,
    maxBytes = 64 * 1024 * 1024,
  }: InMemoryResponseCacheOptions = {}) {
    for (const [option, value] of [
      ['maxEntries', maxEntries],
      ['maxBytes', maxBytes],
    ] as const) {
      if (!Number.isInteger(value) || value <= 0) {
        throw new ConfigurationError(
          `InMemoryResponseCache: ${option} must be a positive integer, got ${String(value)}.`,
          { option },
        );
      }
    }
    this.maxEntries = maxEntries;
    this.maxBytes = maxBytes;
  }

  /** How many entries are kept now. */
  get size(): number {
    return this.#slots.size;
  }

  /** How many bytes the kept entries take now (keys included). */
  get bytes(): number {
    return this.#bytes;
  }

  get(key: string): string | undefined {
    const slot = this.#slots.get(key);
    if (slot === undefined) return undefined;
    this.#slots.delete(key);
    if (slot.expiresAt <= Date.now()) {
      this.#bytes -= slot.bytes;
      return undefined;
    }
    this.#slots.set(key, slot);
    return slot.value;
  }

  set(key: string, value: string, ttlMs: number | undefined): void {
    this.delete(key);
    const bytes = encoder.encode(key).byteLength + encoder.encode(value).byteLength;
    if (bytes > this.maxBytes) return;
    const expiresAt = ttlMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + ttlMs;
    this.#slots.set(key, { value, bytes, expiresAt });
    this.#bytes += bytes;
    for (const [oldest, slot] of this.#slots) {
      if (this.#slots.size <= this.maxEntries && this.#bytes <= this.maxBytes) break;
      this.#slots.delete(oldest);
      this.#bytes -= slot.bytes;
    }
  }

  /**
   * Removes one entry.
   * @param key - Its key.
   * @returns Whether there was one.
   */
  delete(key: string): boolean {
    const slot = this.#slots.get(key);
    if (slot === undefined) return false;
    this.#slots.delete(key);
    this.#bytes -= slot.bytes;
    return true;
  }

  /** Removes every entry. */
  clear(): void {
    this.#slots.clear();
    this.#bytes = 0;
  }
}
