import type fastifyRateLimit from '@fastify/rate-limit';

/** One key's fixed window as the store sees it. */
export interface WindowCount {
  /** Hits in the current window (0 when no window is open). */
  count: number;
  /** Milliseconds until the current window closes (0 when no window is open). */
  resetInMs: number;
}

/**
 * Where every rate limit in Langgan counts: request limits (through @fastify/rate-limit,
 * see `fastifyStoreOver`) and authentication failures (`http/auth/failure-limit.ts`).
 * Windows are fixed: the first hit opens one of `windowMs`, later hits only add to it.
 *
 * The in-memory store below counts per instance; `redis-rate-limit-store.ts` counts in
 * Redis (REDIS_URL), shared by every instance, with the same two operations.
 */
export interface RateLimitStore {
  /** Counts one more for `key`, opening a window of `windowMs` when none is open. */
  hit(key: string, windowMs: number): Promise<WindowCount>;
  /** `key`'s current window without counting: checking a limit must not consume it. */
  peek(key: string): Promise<WindowCount>;
  /** Resolves when the store counts (bounded: a store that is down is failed open, not waited for). */
  ready(): Promise<void>;
  /** Releases connections (at shutdown). */
  close(): Promise<void>;
}

interface Window {
  count: number;
  endsAt: number;
}

/**
 * Per-instance windows in a Map bounded to `maxKeys`. When full, closed windows are
 * dropped first, then the oldest opened. Filling it takes that many distinct keys within
 * one window; failure keys are only opened by failures, which are themselves limited per IP.
 * Time comes from `now` (the injected clock), so tests move windows without sleeping.
 */
export class MemoryRateLimitStore implements RateLimitStore {
  readonly #windows = new Map<string, Window>();

  constructor(
    private readonly now: () => number,
    private readonly maxKeys = 100_000,
  ) {}

  async hit(key: string, windowMs: number): Promise<WindowCount> {
    const now = this.now();
    let window = this.#windows.get(key);
    if (!window || window.endsAt <= now) {
      // Re-inserted, so Map order stays "oldest opened first" for eviction.
      this.#windows.delete(key);
      this.#makeRoom(now);
      window = { count: 0, endsAt: now + windowMs };
      this.#windows.set(key, window);
    }
    window.count += 1;
    return { count: window.count, resetInMs: window.endsAt - now };
  }

  async peek(key: string): Promise<WindowCount> {
    const now = this.now();
    const window = this.#windows.get(key);
    if (!window || window.endsAt <= now) return { count: 0, resetInMs: 0 };
    return { count: window.count, resetInMs: window.endsAt - now };
  }

  async ready(): Promise<void> {}

  async close(): Promise<void> {}

  #makeRoom(now: number): void {
    if (this.#windows.size < this.maxKeys) return;
    for (const [key, window] of this.#windows) if (window.endsAt <= now) this.#windows.delete(key);
    const oldest = this.#windows.keys().next();
    if (this.#windows.size >= this.maxKeys && !oldest.done) this.#windows.delete(oldest.value);
  }
}

/**
 * @fastify/rate-limit's store interface over ours, so its per-request limiters count in
 * the same store as everything else. Every limiter shares the one instance (`child`
 * returns it): limiters keep apart by prefixing their keys with their name.
 */
export function fastifyStoreOver(store: RateLimitStore): fastifyRateLimit.FastifyRateLimitStoreCtor {
  return class SharedStore implements fastifyRateLimit.FastifyRateLimitStore {
    // @fastify/rate-limit passes the limiter's window (ms) and max after the callback.
    incr(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void, timeWindow?: number): void {
      if (timeWindow === undefined) return callback(new Error('rate-limit store called without a time window'));
      store.hit(key, timeWindow).then(
        (window) => callback(null, { current: window.count, ttl: window.resetInMs }),
        (error: Error) => callback(error),
      );
    }

    child(): fastifyRateLimit.FastifyRateLimitStore {
      return this;
    }
  };
}
