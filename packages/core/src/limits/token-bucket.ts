/**
 * A token bucket: `capacity` units, refilled continuously at `ratePerMs` (the way providers
 * replenish a per-minute budget). What requests in flight reserved is kept out of the refill
 * until they are settled: the provider charges a request when it arrives, and if its own budget
 * sat full meanwhile, the refill of that time never happened there.
 */
export class TokenBucket {
  capacity: number;
  ratePerMs: number;
  #level: number;
  #at: number;
  #inFlight = 0;

  constructor(capacity: number, ratePerMs: number, now: number) {
    this.capacity = capacity;
    this.ratePerMs = ratePerMs;
    this.#level = capacity;
    this.#at = now;
  }

  /** The level at `now`: at most the capacity less what requests in flight reserved. */
  level(now: number): number {
    if (now > this.#at) {
      const ceiling = this.capacity - this.#inFlight;
      if (this.#level < ceiling) {
        this.#level = Math.min(ceiling, this.#level + (now - this.#at) * this.ratePerMs);
      }
      this.#at = now;
    }
    return this.#level;
  }

  /**
   * Whether `cost` fits now: the level covers it, or (for a cost above the capacity) the bucket
   * is full, so an oversized request waits for a whole window rather than forever.
   */
  fits(cost: number, now: number): boolean {
    return this.level(now) >= Math.min(cost, this.capacity);
  }

  /** How long until `cost` (plus `ahead` already queued before it) fits, in ms. */
  waitFor(cost: number, ahead: number, now: number): number {
    const missing = ahead + Math.min(cost, this.capacity) - this.level(now);
    return missing <= 0 ? 0 : Math.ceil(missing / this.ratePerMs);
  }

  /** A request in flight takes `cost`. */
  reserve(cost: number, now: number): void {
    this.#level = this.level(now) - cost;
    this.#inFlight += cost;
  }

  /** The request that reserved `cost` was answered (or refused): it no longer holds the refill back. */
  release(cost: number, now: number): void {
    this.level(now);
    this.#inFlight = Math.max(0, this.#inFlight - cost);
  }

  /** Adds `amount` back (negative: takes more), up to the capacity. */
  adjust(amount: number, now: number): void {
    this.#level = Math.min(this.capacity - this.#inFlight, this.level(now) + amount);
  }

  /** Lowers the level to `level` when it is higher. */
  lowerTo(level: number, now: number): void {
    if (this.level(now) > level) this.#level = level;
  }
}
