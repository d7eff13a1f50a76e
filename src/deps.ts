import type { Config } from './config.ts';
import type { Db } from './db/database.ts';
import type { PoolStats } from './db/pg-pool.ts';
import type { Clock } from './lib/clock.ts';
import { ClientCredentialCache } from './http/auth/client-credentials.ts';
import { MemoryRateLimitStore, type RateLimitStore } from './http/rate-limit-store.ts';
import { RedisRateLimitStore } from './http/redis-rate-limit-store.ts';
import { registerDatabaseGauges } from './metrics/database-gauges.ts';
import { createMetrics, type Metrics } from './metrics/metrics.ts';
import type { PaymentGateway } from './payments/gateway.ts';
import { createLogger, type Logger } from './lib/logger.ts';
import type { MailTransport } from './modules/email/transport.ts';

/**
 * Everything a route, service or job needs, wired once. Tests build their own with a
 * frozen clock and their own database; nothing reaches for a module-level singleton.
 */
export interface Deps {
  config: Config;
  db: Db;
  dbKind: 'postgres' | 'pglite';
  clock: Clock;
  credentials: ClientCredentialCache;
  /** Every rate limit counts here (request limits and authentication failures). */
  rateLimits: RateLimitStore;
  gateway: PaymentGateway;
  logger: Logger;
  /** This app's own Prometheus registry and the instruments code updates. */
  metrics: Metrics;
  /** Where customer email goes; undefined: email is off (nothing is queued). */
  mail: MailTransport | undefined;
}

export function createDeps(input: {
  config: Config;
  db: Db;
  dbKind: Deps['dbKind'];
  clock: Clock;
  gateway: PaymentGateway;
  logger?: Logger;
  /** PostgreSQL only: the pool's usage, for the metrics endpoint. */
  poolStats?: (() => PoolStats) | undefined;
  mail?: MailTransport | undefined;
}): Deps {
  const { poolStats, mail, ...rest } = input;
  const logger = input.logger ?? createLogger(input.config);
  const metrics = createMetrics();
  registerDatabaseGauges(metrics, { db: input.db, clock: input.clock, logger, poolStats });
  return {
    ...rest,
    logger,
    metrics,
    mail,
    credentials: new ClientCredentialCache(input.db, input.clock),
    rateLimits: rateLimitStore(input.config, input.clock, logger, metrics),
  };
}

/** Shared limits in Redis when REDIS_URL is set; otherwise each instance counts its own. */
function rateLimitStore(config: Config, clock: Clock, logger: Logger, metrics: Metrics): RateLimitStore {
  const now = () => clock.now().getTime();
  if (!config.redis.url) return new MemoryRateLimitStore(now);
  for (const operation of ['hit', 'peek']) metrics.rateLimitStoreErrors.inc({ operation }, 0);
  return new RedisRateLimitStore({
    url: config.redis.url,
    keyPrefix: config.redis.keyPrefix,
    commandTimeoutMs: config.redis.commandTimeoutMs,
    logger,
    now,
    onFailure: (operation) => metrics.rateLimitStoreErrors.inc({ operation }),
  });
}
