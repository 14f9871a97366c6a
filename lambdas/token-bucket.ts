/**
 * A token bucket: `ratePerSecond` tokens a second, at most `burst` saved. A Lambda container keeps its own
 * buckets (no shared state, no extra round trip), so what they bound is per container.
 */
export interface RateLimit {
  readonly ratePerSecond: number;
  readonly burst: number;
}

export class TokenBucket {
  #tokens: number;
  #updatedMs: number;

  readonly #limit: RateLimit;
  readonly #clock: () => number;

  constructor(limit: RateLimit, clock: () => number = Date.now) {
    this.#limit = limit;
    this.#clock = clock;
    this.#tokens = limit.burst;
    this.#updatedMs = clock();
  }

  /** Takes one token if there is one. */
  take(): boolean {
    this.#refill();
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  /** Whole seconds until a token is available (a Retry-After value; at least 1). */
  secondsUntilNext(): number {
    this.#refill();
    return Math.max(1, Math.ceil((1 - this.#tokens) / this.#limit.ratePerSecond));
  }

  #refill(): void {
    const now = this.#clock();
    const elapsedSeconds = Math.max(0, now - this.#updatedMs) / 1000;
    this.#tokens = Math.min(this.#limit.burst, this.#tokens + elapsedSeconds * this.#limit.ratePerSecond);
    this.#updatedMs = now;
  }
}
