/**
 * A token bucket: `capacity` units, refilled continuously at `capacity / windowMs` per ms (the
 * way providers replenish a per-minute budget). The level may go below zero when a reservation
 * is corrected upwards; it then refills from there.
 */
export class TokenBucket {
  capacity: number;
  ratePerMs: number;
  #level: number;
  #at: number;

  constructor(capacity: number, ratePerMs: number, now: number) {
    this.capacity = capacity;
    this.ratePerMs = ratePerMs;
    this.#level = capacity;
    this.#at = now;
  }

  /** The level at `now`. */
  level(now: number): number {
    if (now > this.#at) {
      this.#level = Math.min(this.capacity, this.#level + (now - this.#at) * this.ratePerMs);
      this.#at = now;
    }
    return this.#level;
  }

  /**
   * Whether `cost` fits now: the level covers it, or (for a cost above the capacity) the bucket
   * is full, so an oversized request waits for a whole window rather than forever.
   */
  fits(cost: number, now: number): boolean {
    const level = this.level(now);
    return level >= Math.min(cost, this.capacity);
  }

  /** How long until `cost` (plus `ahead` already queued before it) fits, in ms. */
  waitFor(cost: number, ahead: number, now: number): number {
    const missing = ahead + Math.min(cost, this.capacity) - this.level(now);
    return missing <= 0 ? 0 : Math.ceil(missing / this.ratePerMs);
  }

  /** Takes `amount` (negative: gives it back, up to the capacity). */
  take(amount: number, now: number): void {
    this.#level = Math.min(this.capacity, this.level(now) - amount);
  }

  /** Lowers the level to `level` when it is higher. */
  lowerTo(level: number, now: number): void {
    if (this.level(now) > level) this.#level = level;
  }
}
