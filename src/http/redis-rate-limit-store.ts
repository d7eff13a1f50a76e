import { Redis } from 'ioredis';
import type { Logger } from '../lib/logger.ts';
import type { RateLimitStore, WindowCount } from './rate-limit-store.ts';

/** While Redis is failing, one log line per this long (with the number of failures since). */
const LOG_EVERY_MS = 30_000;
/** How long an instance starting up waits for Redis before it serves without it. */
const READY_WITHIN_MS = 2000;

// Count, and open the window only if none is open (INCR + PEXPIRE NX, in one atomic
// script, so no crash between the two can leave a counter that never expires; PTTL < 0
// rather than NX keeps it working on Redis older than 7).
const HIT = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}`;

const PEEK = `
local count = redis.call('GET', KEYS[1])
if not count then return {0, 0} end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then ttl = 0 end
return {tonumber(count), ttl}`;

const OPEN: WindowCount = { count: 0, resetInMs: 0 };

export interface RedisStoreOptions {
  url: string;
  keyPrefix: string;
  /** How long each answer is awaited; then the operation fails open. */
  commandTimeoutMs: number;
  logger: Logger;
  /** Told of every failed operation (the metrics counter). */
  onFailure: (operation: 'hit' | 'peek') => void;
  /** For spacing log lines: the injected clock. */
  now: () => number;
}

/**
 * The same fixed windows as the memory store, counted in Redis so that every instance
 * enforces one limit. Windows run on Redis' clock, not the injected one.
 *
 * Fails open: when Redis is unreachable, slow or erroring, an operation answers "nothing
 * counted yet" — the request is served without that limit, never failed with a 500 — and
 * the failure is counted (`onFailure`) and logged at most once per 30 s. Commands are
 * never queued while disconnected (`enableOfflineQueue: false`: they fail at once), each
 * answer is awaited for at most 200 ms, and the client reconnects in the background.
 * Limits thus lapse during a Redis outage; they bound abuse, they are not a security
 * boundary on their own (secrets are 256-bit).
 */
export class RedisRateLimitStore implements RateLimitStore {
  readonly #client: Redis;
  #failing = false;
  #lastLoggedAt = Number.NEGATIVE_INFINITY;
  #unlogged = 0;

  constructor(private readonly options: RedisStoreOptions) {
    this.#client = new Redis(options.url, {
      enableOfflineQueue: false,
      commandTimeout: options.commandTimeoutMs,
      connectTimeout: 2000,
      maxRetriesPerRequest: 0,
      // Reconnect for ever, backing off to one attempt every 5 s.
      retryStrategy: (attempt) => Math.min(100 * 2 ** Math.min(attempt, 6), 5000),
    });
    this.#client.on('error', (err: Error) => this.#report(err));
    this.#client.on('ready', () => {
      if (this.#failing) options.logger.info('rate-limit store: Redis is reachable again; limits are shared again');
      this.#failing = false;
    });
  }

  async hit(key: string, windowMs: number): Promise<WindowCount> {
    try {
      return windowOf(await this.#client.eval(HIT, 1, this.options.keyPrefix + key, windowMs));
    } catch (err) {
      return this.#failOpen('hit', err as Error);
    }
  }

  async peek(key: string): Promise<WindowCount> {
    try {
      return windowOf(await this.#client.eval(PEEK, 1, this.options.keyPrefix + key));
    } catch (err) {
      return this.#failOpen('peek', err as Error);
    }
  }

  /**
   * Waits for the connection (at most READY_WITHIN_MS), so an instance that starts beside a
   * working Redis counts from its first request: until then every operation fails open at
   * once. A Redis down or hung at start is logged, and the instance serves without it.
   */
  async ready(): Promise<void> {
    if (this.#isReady()) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#client.off('ready', done);
        resolve();
      };
      const timer = setTimeout(done, READY_WITHIN_MS);
      // Not ended by an error: the client retries (a refused or timed-out first try is common
      // while Redis itself is starting), and becoming ready within the bound is what counts.
      this.#client.once('ready', done);
    });
    if (!this.#isReady()) this.#report(new Error(`not ready within ${READY_WITHIN_MS} ms of starting`));
  }

  async close(): Promise<void> {
    this.#client.disconnect();
  }

  #isReady(): boolean {
    return this.#client.status === 'ready';
  }

  #failOpen(operation: 'hit' | 'peek', err: Error): WindowCount {
    this.options.onFailure(operation);
    this.#report(err);
    return OPEN;
  }

  /** Connection errors arrive on every reconnect attempt, operation errors on every request: log a summary. */
  #report(err: Error): void {
    this.#failing = true;
    const now = this.options.now();
    if (now - this.#lastLoggedAt < LOG_EVERY_MS) {
      this.#unlogged += 1;
      return;
    }
    this.options.logger.warn(
      { err: { message: err.message }, failuresSinceLastLog: this.#unlogged },
      'rate-limit store: Redis is failing; requests are served without shared limits (fail open)',
    );
    this.#lastLoggedAt = now;
    this.#unlogged = 0;
  }
}

function windowOf(reply: unknown): WindowCount {
  const [count, ttl] = reply as [number, number];
  return { count, resetInMs: Math.max(0, ttl) };
}
