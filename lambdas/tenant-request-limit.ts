/**
 * The per-tenant request limit: at most `burst` requests of a tenant in each fixed window of
 * `burst / ratePerSecond` seconds (on average `ratePerSecond`), counted over all Lambda containers.
 *
 * Each container counts a tenant's admitted requests locally and, at most once per FLUSH_INTERVAL_MS (and
 * once at the start of each window), adds its unsent count to the tenant's shared counter of the window
 * (one DynamoDB UpdateItem, lambdas/store/request-counts.ts), learning the window's global count from the
 * answer. A request is refused when the global count last learned, plus what this container has counted
 * since, reaches the burst. The decision never waits for DynamoDB: the flush runs beside the request's own
 * work. So the limit can be overshot by what other containers admit between two flushes (about one second
 * of the tenant's traffic), and a container alone never admits more than the burst.
 *
 * A flush that fails keeps its count in the container (it is sent with the next flush): the request is
 * admitted anyway and the container still counts it (fail open, never a failed request for a counter).
 */
import type { RequestCounter } from './store/request-counts';

export interface TenantRequestLimit {
  /** Requests per second a tenant may sustain. */
  readonly ratePerSecond: number;
  /** Requests a tenant may make in one window, which lasts burst / ratePerSecond seconds. */
  readonly burst: number;
}

/** Longest window: a refused client waits at most this long (Retry-After). */
export const MAX_WINDOW_SECONDS = 60;

/** A container sends a tenant's count at most this often (plus once at the start of each window). */
export const FLUSH_INTERVAL_MS = 1_000;

/** A counter item outlives its window by this long before TTL may delete it. */
export const COUNT_RETENTION_SECONDS = 3_600;

/** Tenants one container tracks; beyond it, all are forgotten (their counts are in the table). */
const MAX_TENANTS_TRACKED = 10_000;

/** The rule a limit must meet, or what it breaks: the window must be whole seconds, 1..MAX_WINDOW_SECONDS. */
export function tenantRequestLimitProblem(limit: TenantRequestLimit): string | undefined {
  const { ratePerSecond, burst } = limit;
  if (!Number.isInteger(ratePerSecond) || ratePerSecond < 1)
    return 'the rate must be a whole number, at least 1';
  if (!Number.isInteger(burst) || burst % ratePerSecond !== 0)
    return 'the burst must be a whole multiple of the rate (the window is burst / rate seconds)';
  const seconds = burst / ratePerSecond;
  if (seconds < 1 || seconds > MAX_WINDOW_SECONDS)
    return `the window (burst / rate) must be 1 to ${MAX_WINDOW_SECONDS} seconds`;
  return undefined;
}

export const windowSeconds = (limit: TenantRequestLimit): number => limit.burst / limit.ratePerSecond;

/** How a flush ended: `failed` holds the error when the count could not be sent. */
export interface FlushOutcome {
  readonly failed?: unknown;
}

export type Admission =
  | {
      readonly admitted: true;
      /** The flush this request started, if any; it never rejects. */
      readonly flush: Promise<FlushOutcome> | undefined;
    }
  | { readonly admitted: false; readonly retryAfterSeconds: number };

/** One tenant's counts in one container, for the current window. */
interface TenantWindow {
  readonly startMs: number;
  /** The window's global count in the last flush answered (this container's sent counts included). */
  knownGlobal: number;
  /** Sent, not yet answered. */
  inFlight: number;
  /** Admitted, not yet sent. */
  unsent: number;
  lastFlushMs: number;
  flushing: boolean;
}

export class TenantRequestLimiter {
  readonly #limit: TenantRequestLimit;
  readonly #counter: RequestCounter;
  readonly #clock: () => number;
  readonly #windowMs: number;
  readonly #windows = new Map<string, TenantWindow>();

  constructor(limit: TenantRequestLimit, counter: RequestCounter, clock: () => number = Date.now) {
    const problem = tenantRequestLimitProblem(limit);
    if (problem !== undefined) throw new RangeError(`Invalid tenant request limit: ${problem}.`);
    this.#limit = limit;
    this.#counter = counter;
    this.#clock = clock;
    this.#windowMs = windowSeconds(limit) * 1000;
  }

  get limit(): TenantRequestLimit {
    return this.#limit;
  }

  /** Admits one request of `tenantId` (and counts it), or refuses it until its window ends. */
  admit(tenantId: string): Admission {
    const nowMs = this.#clock();
    const window = this.#window(tenantId, nowMs);
    if (window.knownGlobal + window.inFlight + window.unsent >= this.#limit.burst) {
      const endMs = window.startMs + this.#windowMs;
      return { admitted: false, retryAfterSeconds: Math.max(1, Math.ceil((endMs - nowMs) / 1000)) };
    }
    window.unsent += 1;
    const due = !window.flushing && nowMs - window.lastFlushMs >= FLUSH_INTERVAL_MS;
    return { admitted: true, flush: due ? this.#flush(tenantId, window, nowMs) : undefined };
  }

  #window(tenantId: string, nowMs: number): TenantWindow {
    const startMs = Math.floor(nowMs / this.#windowMs) * this.#windowMs;
    const current = this.#windows.get(tenantId);
    if (current?.startMs === startMs) return current;
    if (current === undefined && this.#windows.size >= MAX_TENANTS_TRACKED) this.#windows.clear();
    // A flush of an earlier window still in flight updates that window's object, no longer this one.
    const fresh: TenantWindow = {
      startMs,
      knownGlobal: 0,
      inFlight: 0,
      unsent: 0,
      lastFlushMs: -Infinity,
      flushing: false,
    };
    this.#windows.set(tenantId, fresh);
    return fresh;
  }

  async #flush(tenantId: string, window: TenantWindow, nowMs: number): Promise<FlushOutcome> {
    const count = window.unsent;
    window.unsent = 0;
    window.inFlight += count;
    window.flushing = true;
    window.lastFlushMs = nowMs;
    const windowStartSeconds = window.startMs / 1000;
    try {
      const global = await this.#counter.add(tenantId, {
        windowStartSeconds,
        count,
        expiresAtSeconds: windowStartSeconds + windowSeconds(this.#limit) + COUNT_RETENTION_SECONDS,
      });
      window.inFlight -= count;
      window.knownGlobal = Math.max(window.knownGlobal, global);
      return {};
    } catch (error) {
      // Fail open: the count stays here and goes with the next flush.
      window.inFlight -= count;
      window.unsent += count;
      return { failed: error };
    } finally {
      window.flushing = false;
    }
  }
}
