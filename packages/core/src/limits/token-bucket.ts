/**
 * A token bucket: `capacity` units, refilled continuously at `ratePerMs` (the way providers
 * replenish a per-minute budget). What requests in flight reserved is kept out of the refill
 * until they are settled: the provider charges a request when it arrives, and if its own budget
 * sat full meanwhile, the refill of that time never happened there. Not while the provider's
 * budget cannot be full, though (`notFullUntil`): then it refilled all along.
 */
export class TokenBucket {
  capacity: number;
  ratePerMs: number;
  #level: number;
  #at: number;
  #inFlight = 0;
  #freeUntil = 0;

  constructor(capacity: number, ratePerMs: number, now: number) {
    this.capacity = capacity;
    this.ratePerMs = ratePerMs;
    this.#level = capacity;
    this.#at = now;
  }

  /**
   * The level at `now`: at most the capacity less what requests in flight reserved, or at most
   * the capacity while the provider's budget cannot be full.
   */
  level(now: number): number {
    if (now > this.#at) {
      const free = Math.min(now, Math.max(this.#at, this.#freeUntil));
      this.#refill(free - this.#at, this.capacity);
      this.#refill(now - free, this.capacity - this.#inFlight);
      this.#at = now;
    }
    return this.#level;
  }

  #refill(ms: number, ceiling: number): void {
    if (ms > 0 && this.#level < ceiling) {
      this.#level = Math.min(ceiling, this.#level + ms * this.ratePerMs);
    }
  }

  #ceiling(now: number): number {
    return now < this.#freeUntil ? this.capacity : this.capacity - this.#inFlight;
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
    this.#level = Math.min(this.#ceiling(now), this.level(now) + amount);
  }

  /** Lowers the level to `level` when it is higher. */
  lowerTo(level: number, now: number): void {
    if (this.level(now) > level) this.#level = level;
  }

  /**
   * The provider's budget cannot be full before `at` (an answer's reset time said so, counted
   * from when its request was admitted): until then, what is in flight does not hold the refill
   * back.
   */
  notFullUntil(at: number): void {
    this.#freeUntil = Math.max(this.#freeUntil, at);
  }
}
