import { randomToken } from './lib/crypto.ts';

/**
 * Every environment variable Langgan reads, validated once at start into a frozen Config.
 * A bad value throws ConfigError naming the variable; main.ts prints it and exits.
 * The README's configuration table documents the same list.
 */
export interface Config {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  publicUrl: string;
  databaseUrl: string | undefined;
  dataDir: string;
  adminApiKey: string;
  /** True when the admin key was generated at start (development only): print it once. */
  adminApiKeyGenerated: boolean;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  trustProxy: boolean;
  dbPoolSize: number;
  /** Hot statements sent as named (prepared) statements; false behind PgBouncer < 1.21 in transaction mode. */
  dbPreparedStatements: boolean;
  dbTimeouts: {
    /** Longest wait for a pooled connection (opening one, or queueing for a busy one). */
    connectMs: number;
    /** Server-side statement_timeout; the client gives up one second later on a silent server. */
    statementMs: number;
    /** Server-side idle_in_transaction_session_timeout. */
    idleInTransactionMs: number;
  };
  rateLimit: {
    windowMs: number;
    sessionsPerClient: number;
    sessionsPerIp: number;
    platformPerClient: number;
    /** Failed authentications (any surface) per IP per window; then 429 even for good credentials. */
    authFailuresPerIp: number;
    /** Failed authentications per (IP, client_id) per window; meant to be the lower limit. */
    authFailuresPerIpAndClient: number;
  };
  /** Shared rate-limit counters; unset: each instance counts in memory. */
  redis: {
    url: string | undefined;
    /** Prepended to every key, so several deployments (or test runs) can share one Redis. */
    keyPrefix: string;
    /** How long one Redis answer is awaited before the request goes on without that limit (fail open). */
    commandTimeoutMs: number;
  };
  /** How long rows with no further use are kept (the `retention` job). Days. */
  retention: {
    /** Portal tokens after they expired (a used token has expired too, minutes after minting). */
    portalTokensDays: number;
    /** Portal and dashboard sessions after they ended or expired (with their once-only actions). */
    sessionsDays: number;
    /** Webhook deliveries (and their attempt log) after they succeeded… */
    webhookDeliveredDays: number;
    /** …and after they were given up as failed. */
    webhookFailedDays: number;
    /** Published events no delivery refers to any more; undefined keeps events for ever. */
    eventsDays: number | undefined;
    /** Sent (or given-up) emails' bodies; the record that it was sent (to, subject, when) stays. */
    emailBodiesDays: number;
  };
  metrics: {
    /** Serve GET /metrics on the main listener to `Authorization: Bearer <token>`. */
    token: string | undefined;
    /** Serve /metrics without authentication on its own listener, bound to 127.0.0.1. */
    port: number | undefined;
  };
  demo: boolean;
  mail: {
    /**
     * SMTP server customer email goes through (credentials may be in the URL; never logged).
     * Unset: development starts the local mail catcher and sends there; production sends
     * nothing and says so at start.
     */
    smtpUrl: string | undefined;
    /** The From address of every email; the display name is the project's. */
    from: string;
    /** The local mail catcher (development without SMTP_URL): its SMTP port and its inbox. */
    catcherPort: number;
    catcherHttpPort: number;
    /**
     * How long a delivery claim lasts (EMAIL_LEASE_SECONDS, default 120): an email whose
     * sender died is sent again by another instance after this. Longer than any one send
     * (connect, greeting and idle timeouts add up to 50 s).
     */
    leaseMs: number;
  };
  payments: {
    /** Lifetime of a payment link (Snap expiry); VA and QRIS may stay pending this long. */
    expiryMinutes: number;
    /** Scheduler tick: reconciliation and, later, period-end work. */
    schedulerIntervalMs: number;
  };
  webhooks: {
    /** Longest wait for a receiver's answer (connect + response) per delivery attempt. */
    timeoutMs: number;
    /** Failed deliveries are retried for at least this long before being marked failed. */
    retryWindowMs: number;
  };
  dashboard: {
    /** A dashboard session ends after this long without a request. */
    sessionIdleMs: number;
    /** …and this long after sign-in, however active. */
    sessionMaxMs: number;
  };
  midtrans: {
    serverKey: string | undefined;
    env: 'sandbox' | 'production';
    snapUrl: string | undefined;
    apiUrl: string | undefined;
    simulatorPort: number;
    simulatorServerKey: string;
  };
}

export class ConfigError extends Error {
  constructor(readonly variable: string, problem: string) {
    super(`${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const DEFAULT_SIMULATOR_SERVER_KEY = 'SB-Mid-server-langgan-simulator';
/** A Redis that does not answer within this costs a request no more than this, by default. */
export const DEFAULT_REDIS_COMMAND_TIMEOUT_MS = 200;

export function loadConfig(env: Env = process.env): Config {
  const nodeEnv = oneOf(env, 'NODE_ENV', ['development', 'production', 'test'] as const, 'development');
  const port = integer(env, 'PORT', 3000, 0, 65535);
  const host = text(env, 'HOST', '127.0.0.1');
  const publicUrl = httpUrl(env, 'PUBLIC_URL', `http://localhost:${port}`).replace(/\/+$/, '');

  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL', 'must be a postgres:// or postgresql:// URL');
  }

  let adminApiKey = env.ADMIN_API_KEY?.trim() ?? '';
  let adminApiKeyGenerated = false;
  if (adminApiKey === '') {
    if (nodeEnv === 'production') throw new ConfigError('ADMIN_API_KEY', 'is required when NODE_ENV=production');
    adminApiKey = `adm_${randomToken(24)}`;
    adminApiKeyGenerated = true;
  } else if (adminApiKey.length < 24) {
    throw new ConfigError('ADMIN_API_KEY', 'must be at least 24 characters of random text');
  } else if (new Set(adminApiKey).size < 16) {
    throw new ConfigError('ADMIN_API_KEY', 'looks low-entropy (fewer than 16 distinct characters): use random text, e.g. `openssl rand -base64 32`');
  }

  // Production refuses every development default that would expose data or money:
  // the simulator (public server key, control API) and the demo project with its secret.
  // MIDTRANS_SIMULATOR_* are then unused: the simulator can only start without a real key.
  const serverKey = env.MIDTRANS_SERVER_KEY?.trim() || undefined;
  if (nodeEnv === 'production' && !serverKey) {
    throw new ConfigError('MIDTRANS_SERVER_KEY', 'is required when NODE_ENV=production (without it the local Midtrans simulator would take payments)');
  }
  const demo = boolean(env, 'DEMO', nodeEnv === 'development');
  if (nodeEnv === 'production' && demo) {
    throw new ConfigError('DEMO', 'must not be true when NODE_ENV=production (the demo project and its printed secret are for development)');
  }

  const redisUrl = env.REDIS_URL?.trim() || undefined;
  if (redisUrl && !isRedisUrl(redisUrl)) throw new ConfigError('REDIS_URL', 'must be a redis:// or rediss:// URL with a host');
  const redisKeyPrefix = text(env, 'REDIS_KEY_PREFIX', 'langgan:');
  if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(redisKeyPrefix)) throw new ConfigError('REDIS_KEY_PREFIX', 'must be 1–64 letters, digits or _.:-');

  const metricsToken = env.METRICS_TOKEN?.trim() || undefined;
  if (metricsToken !== undefined && (metricsToken.length < 24 || new Set(metricsToken).size < 16)) {
    throw new ConfigError('METRICS_TOKEN', 'must be at least 24 characters of random text (e.g. `openssl rand -base64 32`)');
  }
  if (metricsToken !== undefined && metricsToken === adminApiKey) {
    throw new ConfigError('METRICS_TOKEN', 'must differ from ADMIN_API_KEY (a scraper must not hold the admin key)');
  }
  const metricsPort = optionalInteger(env, 'METRICS_PORT', 1, 65535);
  if (metricsPort !== undefined && metricsPort === port) throw new ConfigError('METRICS_PORT', 'must differ from PORT');

  const smtpUrl = env.SMTP_URL?.trim() || undefined;
  if (smtpUrl && !isSmtpUrl(smtpUrl)) throw new ConfigError('SMTP_URL', 'must be an smtp:// or smtps:// URL with a host, e.g. smtps://user:password@smtp.example.com:465');
  const mailFromRaw = env.MAIL_FROM?.trim();
  if (nodeEnv === 'production' && smtpUrl && !mailFromRaw) throw new ConfigError('MAIL_FROM', 'is required with SMTP_URL when NODE_ENV=production (the address customers see email from)');
  const mailFrom = mailFromRaw || 'billing@localhost';
  if (!EMAIL_ADDRESS.test(mailFrom)) throw new ConfigError('MAIL_FROM', `must be a bare email address like billing@example.com (the display name is each project's), got "${mailFrom}"`);
  const catcherPort = integer(env, 'MAIL_CATCHER_PORT', 3002, 0, 65535);
  const catcherHttpPort = integer(env, 'MAIL_CATCHER_HTTP_PORT', 3003, 0, 65535);
  if (catcherPort !== 0 && catcherPort === catcherHttpPort) throw new ConfigError('MAIL_CATCHER_HTTP_PORT', 'must differ from MAIL_CATCHER_PORT');

  const webhookDeliveredDays = integer(env, 'RETENTION_WEBHOOK_DELIVERED_DAYS', 30, 1, 3650);
  const webhookFailedDays = integer(env, 'RETENTION_WEBHOOK_FAILED_DAYS', 90, 1, 3650);
  if (webhookFailedDays < webhookDeliveredDays) {
    throw new ConfigError('RETENTION_WEBHOOK_FAILED_DAYS', `must be at least RETENTION_WEBHOOK_DELIVERED_DAYS (${webhookDeliveredDays}): failed deliveries are the ones someone may still look into`);
  }

  return Object.freeze({
    env: nodeEnv,
    port,
    host,
    publicUrl,
    databaseUrl,
    dataDir: text(env, 'DATA_DIR', './.data'),
    adminApiKey,
    adminApiKeyGenerated,
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, nodeEnv === 'test' ? 'silent' : 'info'),
    trustProxy: boolean(env, 'TRUST_PROXY', false),
    dbPoolSize: integer(env, 'DB_POOL_SIZE', 10, 1, 200),
    dbPreparedStatements: boolean(env, 'DB_PREPARED_STATEMENTS', true),
    dbTimeouts: Object.freeze({
      connectMs: integer(env, 'DB_CONNECT_TIMEOUT_MS', 5000, 100, 600_000),
      statementMs: integer(env, 'DB_STATEMENT_TIMEOUT_MS', 10_000, 100, 3_600_000),
      idleInTransactionMs: integer(env, 'DB_IDLE_IN_TRANSACTION_TIMEOUT_MS', 30_000, 100, 3_600_000),
    }),
    rateLimit: Object.freeze({
      windowMs: integer(env, 'RATE_LIMIT_WINDOW_SECONDS', 60, 1, 86_400) * 1000,
      sessionsPerClient: integer(env, 'RATE_LIMIT_SESSIONS_PER_CLIENT', 600, 1, 10_000_000),
      sessionsPerIp: integer(env, 'RATE_LIMIT_SESSIONS_PER_IP', 300, 1, 10_000_000),
      platformPerClient: integer(env, 'RATE_LIMIT_PLATFORM_PER_CLIENT', 1200, 1, 10_000_000),
      authFailuresPerIp: integer(env, 'RATE_LIMIT_AUTH_FAILURES_PER_IP', 30, 1, 10_000_000),
      authFailuresPerIpAndClient: integer(env, 'RATE_LIMIT_AUTH_FAILURES_PER_IP_AND_CLIENT', 10, 1, 10_000_000),
    }),
    redis: Object.freeze({ url: redisUrl, keyPrefix: redisKeyPrefix, commandTimeoutMs: integer(env, 'REDIS_COMMAND_TIMEOUT_MS', DEFAULT_REDIS_COMMAND_TIMEOUT_MS, 10, 10_000) }),
    retention: Object.freeze({
      portalTokensDays: integer(env, 'RETENTION_PORTAL_TOKENS_DAYS', 1, 1, 3650),
      // At least the 7 days of the portal's "Back to app" cookie, which names an ended session.
      sessionsDays: integer(env, 'RETENTION_SESSIONS_DAYS', 30, 7, 3650),
      webhookDeliveredDays,
      webhookFailedDays,
      eventsDays: optionalInteger(env, 'RETENTION_EVENTS_DAYS', 1, 36500),
      emailBodiesDays: integer(env, 'RETENTION_EMAIL_BODIES_DAYS', 30, 1, 3650),
    }),
    metrics: Object.freeze({ token: metricsToken, port: metricsPort }),
    demo,
    mail: Object.freeze({ smtpUrl, from: mailFrom, catcherPort, catcherHttpPort, leaseMs: integer(env, 'EMAIL_LEASE_SECONDS', 120, 1, 3600) * 1000 }),
    payments: Object.freeze({
      expiryMinutes: integer(env, 'PAYMENT_EXPIRY_MINUTES', 24 * 60, 1, 7 * 24 * 60),
      schedulerIntervalMs: integer(env, 'SCHEDULER_INTERVAL_SECONDS', 30, 1, 3600) * 1000,
    }),
    webhooks: Object.freeze({
      timeoutMs: integer(env, 'WEBHOOK_TIMEOUT_SECONDS', 10, 1, 60) * 1000,
      retryWindowMs: integer(env, 'WEBHOOK_RETRY_HOURS', 24, 24, 24 * 7) * 3_600_000,
    }),
    dashboard: Object.freeze({
      sessionIdleMs: integer(env, 'DASHBOARD_SESSION_IDLE_MINUTES', 30, 5, 24 * 60) * 60_000,
      sessionMaxMs: integer(env, 'DASHBOARD_SESSION_MAX_HOURS', 12, 1, 24 * 30) * 3_600_000,
    }),
    midtrans: Object.freeze({
      serverKey,
      env: oneOf(env, 'MIDTRANS_ENV', ['sandbox', 'production'] as const, 'sandbox'),
      snapUrl: optionalHttpUrl(env, 'MIDTRANS_SNAP_URL'),
      apiUrl: optionalHttpUrl(env, 'MIDTRANS_API_URL'),
      simulatorPort: integer(env, 'MIDTRANS_SIMULATOR_PORT', 3001, 0, 65535),
      simulatorServerKey: text(env, 'MIDTRANS_SIMULATOR_SERVER_KEY', DEFAULT_SIMULATOR_SERVER_KEY),
    }),
  });
}

function text(env: Env, name: string, fallback: string): string {
  const value = env[name]?.trim();
  return value ? value : fallback;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function optionalInteger(env: Env, name: string, min: number, max: number): number | undefined {
  return env[name]?.trim() ? integer(env, name, 0, min, max) : undefined;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (!raw) return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(name, `must be true or false, got "${raw}"`);
}

function oneOf<const T extends readonly string[]>(env: Env, name: string, allowed: T, fallback: T[number]): T[number] {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  if (!allowed.includes(raw)) throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${raw}"`);
  return raw;
}

/** Deliberately plain: one @, no spaces or angle brackets, a dot in the domain (or localhost). */
const EMAIL_ADDRESS = /^[^\s@<>"]+@([^\s@<>".]+\.)*[^\s@<>".]+$/;

function isSmtpUrl(raw: string): boolean {
  try {
    const url = new URL(raw);
    return (url.protocol === 'smtp:' || url.protocol === 'smtps:') && url.hostname !== '';
  } catch {
    return false;
  }
}

function isRedisUrl(raw: string): boolean {
  try {
    const url = new URL(raw);
    return (url.protocol === 'redis:' || url.protocol === 'rediss:') && url.hostname !== '';
  } catch {
    return false;
  }
}

function httpUrl(env: Env, name: string, fallback: string): string {
  return optionalHttpUrl(env, name) ?? fallback;
}

function optionalHttpUrl(env: Env, name: string): string | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, `must be an absolute URL, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(name, 'must be an http(s) URL');
  if (url.search || url.hash) throw new ConfigError(name, 'must not carry a query string or fragment');
  return raw.replace(/\/+$/, '');
}
