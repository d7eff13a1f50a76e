import { collectDefaultMetrics } from 'prom-client';
import { buildApp } from './app.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { migrate, openDatabase } from './db/database.ts';
import { createDeps } from './deps.ts';
import { devSecretsFile, loadDevSecrets } from './demo/dev-secrets.ts';
import { seedDemo } from './demo/seed.ts';
import { systemClock } from './lib/clock.ts';
import { createLogger } from './lib/logger.ts';
import { startMetricsServer } from './metrics/metrics-server.ts';
import { observeJobRuns } from './metrics/metrics.ts';
import { deliverEmails } from './modules/email/deliver-emails.ts';
import { setUpMail } from './modules/email/setup.ts';
import { openDueCheckouts } from './modules/payments/checkout.ts';
import { reconcilePendingPayments } from './modules/payments/reconcile.ts';
import { processPeriodEnds } from './modules/subscriptions/period-end.ts';
import { openEarlyRenewals } from './modules/subscriptions/renewal-reminders.ts';
import { purgeExpired } from './modules/retention/purge-expired.ts';
import { deliverWebhooks } from './modules/webhooks/deliver.ts';
import { setUpPayments } from './payments/setup.ts';
import { Scheduler } from './scheduler/scheduler.ts';

/** Entry point: read config, open and migrate the database, listen, shut down gracefully. */
async function main(): Promise<void> {
  let config: Config;
  // Development: the admin key and the demo's secrets stay the same across restarts.
  const nodeEnv = process.env.NODE_ENV ?? 'development';
  const dataDir = process.env.DATA_DIR?.trim() || './.data';
  const devSecrets = nodeEnv === 'development' ? loadDevSecrets(dataDir) : undefined;
  const adminKeyKept = Boolean(devSecrets && !process.env.ADMIN_API_KEY?.trim());
  try {
    config = loadConfig(adminKeyKept ? { ...process.env, ADMIN_API_KEY: devSecrets!.adminApiKey } : process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`Configuration error: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }

  const logger = createLogger(config);
  // Migrations may legitimately run longer than a request's statement timeout: on
  // PostgreSQL they get a short-lived pool of their own without one.
  if (config.databaseUrl) {
    const migrating = await openDatabase({ url: config.databaseUrl, poolSize: 1, timeouts: { ...config.dbTimeouts, statementMs: 0 } });
    try {
      await migrate(migrating.db);
    } finally {
      await migrating.close();
    }
  }
  const database = await openDatabase({
    url: config.databaseUrl,
    dataDir: config.dataDir,
    poolSize: config.dbPoolSize,
    timeouts: config.dbTimeouts,
    preparedStatements: config.dbPreparedStatements,
    // A restart or failover: the broken connection is dropped, requests answer 503 meanwhile.
    onConnectionError: (err) => logger.warn({ err }, 'database connection lost; dropping it'),
  });
  if (!config.databaseUrl) await migrate(database.db);
  const payments = await setUpPayments(config);
  const mail = await setUpMail(config);
  const deps = createDeps({
    config,
    db: database.db,
    dbKind: database.kind,
    clock: systemClock,
    gateway: payments.gateway,
    logger,
    poolStats: database.poolStats,
    mail: mail.transport,
  });
  // Process metrics (CPU, memory, event-loop lag) only here: they sample for the process's lifetime.
  collectDefaultMetrics({ register: deps.metrics.registry, prefix: 'langgan_' });
  const demo =
    config.demo && config.env !== 'production' && devSecrets
      ? await seedDemo(deps, { clientSecret: devSecrets.demoClientSecret, ownerPassword: devSecrets.demoOwnerPassword })
      : undefined;
  const app = await buildApp(deps, { demo });
  const scheduler = new Scheduler(
    [
      { name: 'period-ends', run: () => processPeriodEnds(deps) },
      { name: 'renewal-reminders', run: () => openEarlyRenewals(deps) },
      { name: 'reconcile-payments', run: () => reconcilePendingPayments(deps) },
      { name: 'open-payment-pages', run: () => openDueCheckouts(deps) },
      { name: 'deliver-webhooks', run: () => deliverWebhooks(deps) },
      { name: 'deliver-emails', run: () => deliverEmails(deps) },
      { name: 'retention', run: () => purgeExpired(deps) },
    ],
    config.payments.schedulerIntervalMs,
    logger,
    observeJobRuns(deps.metrics),
  );
  const metricsServer = config.metrics.port === undefined ? undefined : await startMetricsServer(deps.metrics, config.metrics.port, logger);

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down: finishing in-flight requests');
    const force = setTimeout(() => process.exit(1), 10_000).unref();
    try {
      await scheduler.stop();
      await app.close();
      await metricsServer?.close();
      await deps.rateLimits.close();
      await payments.simulator?.close();
      mail.transport?.close();
      await mail.catcher?.close();
      await database.close();
    } finally {
      clearTimeout(force);
    }
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  await app.listen({ port: config.port, host: config.host });
  scheduler.start();

  const lines = [
    '',
    `Langgan is running on ${config.publicUrl} (database: ${database.kind === 'pglite' ? `PGlite in ${config.dataDir}` : 'PostgreSQL'})`,
    `  API reference + "Try it":  ${config.publicUrl}/docs`,
    `  OpenAPI document:          ${config.publicUrl}/openapi.json`,
    payments.simulator
      ? `  Payments:                  Midtrans simulator on ${payments.simulator.url} (no MIDTRANS_SERVER_KEY set)`
      : `  Payments:                  Midtrans ${config.midtrans.env}`,
    `  Email:                     ${mail.banner}`,
  ];
  if (demo) {
    lines.push(
      `  Demo app:                  ${config.publicUrl}/demo`,
      `  Demo client_id:            ${demo.clientId}`,
      `  Demo client_secret:        ${demo.clientSecret}`,
      `  Dashboard:                 ${config.publicUrl}/dashboard`,
      `  Demo owner:                ${demo.owner.email} / ${demo.owner.password}   (unless changed in the dashboard)`,
    );
  }
  if (config.metrics.port !== undefined) lines.push(`  Metrics:                   http://127.0.0.1:${config.metrics.port}/metrics (this machine only)`);
  if (adminKeyKept) {
    lines.push(`  ADMIN_API_KEY:             ${config.adminApiKey}`);
  } else if (config.adminApiKeyGenerated) {
    lines.push(`  ADMIN_API_KEY (generated for this run; set it to keep one): ${config.adminApiKey}`);
  }
  if (devSecrets) lines.push(`  (development secrets are kept in ${devSecretsFile(dataDir)})`);
  console.log(lines.join('\n') + '\n');
}

main().catch((err) => {
  console.error('Langgan failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
