import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_SIMULATOR_SERVER_KEY, loadConfig } from '../src/config.ts';

describe('loadConfig', () => {
  it('applies the documented defaults in development', () => {
    const c = loadConfig({});
    expect(c.env).toBe('development');
    expect(c.port).toBe(3000);
    expect(c.host).toBe('127.0.0.1');
    expect(c.publicUrl).toBe('http://localhost:3000');
    expect(c.databaseUrl).toBeUndefined();
    expect(c.dataDir).toBe('./.data');
    expect(c.logLevel).toBe('info');
    expect(c.demo).toBe(true);
    expect(c.midtrans.simulatorPort).toBe(3001);
    expect(c.midtrans.simulatorServerKey).toBe(DEFAULT_SIMULATOR_SERVER_KEY);
    expect(Object.isFrozen(c)).toBe(true);
    expect(c.dbTimeouts).toEqual({ connectMs: 5000, statementMs: 10_000, idleInTransactionMs: 30_000 });
  });

  it('reads the database timeouts and refuses nonsense, naming the variable', () => {
    const c = loadConfig({ DB_CONNECT_TIMEOUT_MS: '1500', DB_STATEMENT_TIMEOUT_MS: '2500', DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: '4000' });
    expect(c.dbTimeouts).toEqual({ connectMs: 1500, statementMs: 2500, idleInTransactionMs: 4000 });
    expect(() => loadConfig({ DB_STATEMENT_TIMEOUT_MS: '0' })).toThrow('DB_STATEMENT_TIMEOUT_MS must be between 100 and 3600000, got 0');
    expect(() => loadConfig({ DB_CONNECT_TIMEOUT_MS: '5s' })).toThrow('DB_CONNECT_TIMEOUT_MS must be a whole number, got "5s"');
    expect(() => loadConfig({ DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: '-1' })).toThrow(ConfigError);
  });

  it('reads the rate limits, including the limits on failed authentication, and refuses nonsense', () => {
    expect(loadConfig({}).rateLimit).toEqual({
      windowMs: 60_000,
      sessionsPerClient: 600,
      sessionsPerIp: 300,
      platformPerClient: 1200,
      authFailuresPerIp: 30,
      authFailuresPerIpAndClient: 10,
    });
    const c = loadConfig({ RATE_LIMIT_WINDOW_SECONDS: '120', RATE_LIMIT_AUTH_FAILURES_PER_IP: '50', RATE_LIMIT_AUTH_FAILURES_PER_IP_AND_CLIENT: '5' });
    expect(c.rateLimit).toMatchObject({ windowMs: 120_000, authFailuresPerIp: 50, authFailuresPerIpAndClient: 5 });
    expect(() => loadConfig({ RATE_LIMIT_AUTH_FAILURES_PER_IP: '0' })).toThrow('RATE_LIMIT_AUTH_FAILURES_PER_IP must be between 1 and 10000000, got 0');
    expect(() => loadConfig({ RATE_LIMIT_AUTH_FAILURES_PER_IP: 'lots' })).toThrow('RATE_LIMIT_AUTH_FAILURES_PER_IP must be a whole number, got "lots"');
    expect(() => loadConfig({ RATE_LIMIT_AUTH_FAILURES_PER_IP_AND_CLIENT: '-3' })).toThrow(ConfigError);
  });

  it('reads the dashboard session lifetimes with their defaults and refuses nonsense', () => {
    expect(loadConfig({}).dashboard).toEqual({ sessionIdleMs: 30 * 60_000, sessionMaxMs: 12 * 3_600_000 });
    expect(loadConfig({ DASHBOARD_SESSION_IDLE_MINUTES: '10', DASHBOARD_SESSION_MAX_HOURS: '2' }).dashboard).toEqual({ sessionIdleMs: 600_000, sessionMaxMs: 7_200_000 });
    expect(() => loadConfig({ DASHBOARD_SESSION_IDLE_MINUTES: '1' })).toThrow('DASHBOARD_SESSION_IDLE_MINUTES must be between 5 and 1440, got 1');
    expect(() => loadConfig({ DASHBOARD_SESSION_MAX_HOURS: 'forever' })).toThrow(ConfigError);
  });

  it('counts rate limits in memory unless REDIS_URL is set, and reads the key prefix and command timeout', () => {
    expect(loadConfig({}).redis).toEqual({ url: undefined, keyPrefix: 'langgan:', commandTimeoutMs: 200 });
    expect(loadConfig({ REDIS_URL: 'rediss://:secret@cache.internal:6380/2', REDIS_KEY_PREFIX: 'billing-eu:', REDIS_COMMAND_TIMEOUT_MS: '750' }).redis).toEqual({
      url: 'rediss://:secret@cache.internal:6380/2',
      keyPrefix: 'billing-eu:',
      commandTimeoutMs: 750,
    });
  });

  it('keeps rows by the documented retention defaults, events for ever unless told', () => {
    expect(loadConfig({}).retention).toEqual({ portalTokensDays: 1, sessionsDays: 30, webhookDeliveredDays: 30, webhookFailedDays: 90, eventsDays: undefined, emailBodiesDays: 30 });
    expect(loadConfig({ RETENTION_EVENTS_DAYS: '400', RETENTION_WEBHOOK_DELIVERED_DAYS: '7' }).retention).toMatchObject({ eventsDays: 400, webhookDeliveredDays: 7 });
  });

  it('sends email through SMTP_URL, or the local catcher in development; MAIL_FROM names the sender address', () => {
    expect(loadConfig({}).mail).toEqual({ smtpUrl: undefined, from: 'billing@localhost', catcherPort: 3002, catcherHttpPort: 3003, leaseMs: 120_000 });
    expect(loadConfig({ EMAIL_LEASE_SECONDS: '5' }).mail.leaseMs).toBe(5000);
    expect(loadConfig({ SMTP_URL: 'smtps://user:p%40ss@smtp.example.com:465', MAIL_FROM: 'billing@example.com', MAIL_CATCHER_PORT: '2525' }).mail).toEqual({
      smtpUrl: 'smtps://user:p%40ss@smtp.example.com:465',
      from: 'billing@example.com',
      catcherPort: 2525,
      leaseMs: 120_000,
      catcherHttpPort: 3003,
    });
  });

  it('serves no metrics unless METRICS_TOKEN or METRICS_PORT is set', () => {
    expect(loadConfig({}).metrics).toEqual({ token: undefined, port: undefined });
    expect(loadConfig({ METRICS_TOKEN: 'metrics_0123456789abcdefghijklmnop', METRICS_PORT: '9464' }).metrics).toEqual({
      token: 'metrics_0123456789abcdefghijklmnop',
      port: 9464,
    });
  });

  it('generates an admin key in development and says so', () => {
    const a = loadConfig({});
    const b = loadConfig({});
    expect(a.adminApiKeyGenerated).toBe(true);
    expect(a.adminApiKey).toMatch(/^adm_[A-Za-z0-9_-]{32}$/);
    expect(a.adminApiKey).not.toBe(b.adminApiKey);
  });

  it('follows PORT into the default PUBLIC_URL and strips a trailing slash from PUBLIC_URL', () => {
    expect(loadConfig({ PORT: '8080' }).publicUrl).toBe('http://localhost:8080');
    expect(loadConfig({ PUBLIC_URL: 'https://billing.example.com/' }).publicUrl).toBe('https://billing.example.com');
  });

  const PRODUCTION = { NODE_ENV: 'production', ADMIN_API_KEY: 'adm_prod_0123456789abcdefghijklmn', MIDTRANS_SERVER_KEY: 'Mid-server-real' };

  it('turns the demo off in production', () => {
    expect(loadConfig(PRODUCTION).demo).toBe(false);
  });

  it('ignores MIDTRANS_SIMULATOR_* in production: the real key is required, so the simulator never starts', () => {
    const config = loadConfig({ ...PRODUCTION, MIDTRANS_SIMULATOR_PORT: '4000', MIDTRANS_SIMULATOR_SERVER_KEY: 'x' });
    expect(config.midtrans.serverKey).toBe('Mid-server-real');
  });

  it.each([
    [{ NODE_ENV: 'production' }, 'ADMIN_API_KEY', /required when NODE_ENV=production/],
    [{ ADMIN_API_KEY: 'short' }, 'ADMIN_API_KEY', /at least 24/],
    [{ ADMIN_API_KEY: 'k'.repeat(32) }, 'ADMIN_API_KEY', /low-entropy/],
    [{ ADMIN_API_KEY: 'abcabcabcabcabcabcabcabcabc' }, 'ADMIN_API_KEY', /fewer than 16 distinct/],
    [{ NODE_ENV: 'production', ADMIN_API_KEY: 'adm_prod_0123456789abcdefghijklmn' }, 'MIDTRANS_SERVER_KEY', /required when NODE_ENV=production/],
    [{ NODE_ENV: 'production', ADMIN_API_KEY: 'adm_prod_0123456789abcdefghijklmn', MIDTRANS_SERVER_KEY: 'Mid-server-real', DEMO: 'true' }, 'DEMO', /must not be true when NODE_ENV=production/],
    [{ PORT: 'abc' }, 'PORT', /whole number/],
    [{ PORT: '70000' }, 'PORT', /between 0 and 65535/],
    [{ PUBLIC_URL: 'not a url' }, 'PUBLIC_URL', /absolute URL/],
    [{ PUBLIC_URL: 'ftp://x.example' }, 'PUBLIC_URL', /http\(s\)/],
    [{ PUBLIC_URL: 'https://x.example/?a=1' }, 'PUBLIC_URL', /query string/],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL', /postgres/],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL', /one of/],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV', /one of/],
    [{ TRUST_PROXY: 'maybe' }, 'TRUST_PROXY', /true or false/],
    [{ RATE_LIMIT_SESSIONS_PER_CLIENT: '0' }, 'RATE_LIMIT_SESSIONS_PER_CLIENT', /between/],
    [{ RATE_LIMIT_AUTH_FAILURES_PER_IP: '1.5' }, 'RATE_LIMIT_AUTH_FAILURES_PER_IP', /whole number/],
    [{ RATE_LIMIT_AUTH_FAILURES_PER_IP_AND_CLIENT: '0' }, 'RATE_LIMIT_AUTH_FAILURES_PER_IP_AND_CLIENT', /between/],
    [{ MIDTRANS_ENV: 'live' }, 'MIDTRANS_ENV', /sandbox, production/],
    [{ MIDTRANS_API_URL: 'api.midtrans.com' }, 'MIDTRANS_API_URL', /absolute URL/],
    [{ REDIS_URL: 'http://127.0.0.1:6379' }, 'REDIS_URL', /redis:\/\/ or rediss:\/\//],
    [{ REDIS_URL: '127.0.0.1:6379' }, 'REDIS_URL', /redis:\/\//],
    [{ REDIS_URL: 'redis://' }, 'REDIS_URL', /with a host/],
    [{ REDIS_KEY_PREFIX: 'has space' }, 'REDIS_KEY_PREFIX', /letters, digits/],
    [{ REDIS_COMMAND_TIMEOUT_MS: '5' }, 'REDIS_COMMAND_TIMEOUT_MS', /between 10 and/],
    [{ METRICS_TOKEN: 'short' }, 'METRICS_TOKEN', /at least 24/],
    [{ METRICS_TOKEN: 'adm_test_key_0123456789abcdefghijkl', ADMIN_API_KEY: 'adm_test_key_0123456789abcdefghijkl' }, 'METRICS_TOKEN', /differ from ADMIN_API_KEY/],
    [{ METRICS_PORT: '0' }, 'METRICS_PORT', /between 1 and 65535/],
    [{ METRICS_PORT: '3000' }, 'METRICS_PORT', /differ from PORT/],
    [{ RETENTION_SESSIONS_DAYS: '3' }, 'RETENTION_SESSIONS_DAYS', /between 7 and/],
    [{ RETENTION_PORTAL_TOKENS_DAYS: '0' }, 'RETENTION_PORTAL_TOKENS_DAYS', /between 1 and/],
    [{ RETENTION_WEBHOOK_DELIVERED_DAYS: '60', RETENTION_WEBHOOK_FAILED_DAYS: '30' }, 'RETENTION_WEBHOOK_FAILED_DAYS', /at least RETENTION_WEBHOOK_DELIVERED_DAYS/],
    [{ RETENTION_EVENTS_DAYS: 'forever' }, 'RETENTION_EVENTS_DAYS', /whole number/],
    [{ RETENTION_EMAIL_BODIES_DAYS: '0' }, 'RETENTION_EMAIL_BODIES_DAYS', /between 1 and/],
    [{ SMTP_URL: 'http://smtp.example.com' }, 'SMTP_URL', /smtp:\/\/ or smtps:\/\//],
    [{ SMTP_URL: 'smtp://' }, 'SMTP_URL', /with a host/],
    [{ MAIL_FROM: 'Billing <billing@example.com>' }, 'MAIL_FROM', /bare email address/],
    [{ MAIL_FROM: 'not-an-address' }, 'MAIL_FROM', /bare email address/],
    [
      { NODE_ENV: 'production', ADMIN_API_KEY: 'adm_prod_0123456789abcdefghijklmn', MIDTRANS_SERVER_KEY: 'Mid-server-real', SMTP_URL: 'smtp://smtp.example.com' },
      'MAIL_FROM',
      /required with SMTP_URL/,
    ],
    [{ MAIL_CATCHER_PORT: '3003' }, 'MAIL_CATCHER_HTTP_PORT', /differ from MAIL_CATCHER_PORT/],
  ])('refuses %o naming %s', (env, variable, problem) => {
    let error: unknown;
    try {
      loadConfig(env as Record<string, string>);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(variable);
    expect((error as ConfigError).message).toMatch(new RegExp(`^${variable} `));
    expect((error as ConfigError).message).toMatch(problem);
  });
});
