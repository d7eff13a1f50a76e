/**
 * `npm run bench`: starts the real service (NODE_ENV=production) on PostgreSQL and on
 * PGlite, and measures GET /healthz against POST /api/platform/portal/sessions with
 * autocannon. A report, not a test: it exits 0 whether or not the goals are met, and
 * non-zero only when the bench itself could not run. See docs/benchmarks.md.
 *
 * Environment (all optional):
 *   BENCH_DURATION      seconds per measured phase (10)
 *   BENCH_WARMUP        seconds of warm-up before each phase (2)
 *   BENCH_CONNECTIONS   concurrent connections (50)
 *   BENCH_USERS         end_user_id pool size (1000)
 *   BENCH_BACKENDS      comma-separated: postgres,pglite (both)
 *   BENCH_DATABASE_URL  PostgreSQL maintenance database to create the bench database from
 *                       (postgres://postgres@127.0.0.1:5432/postgres)
 *   BENCH_DB_POOL_SIZE  DB_POOL_SIZE for the service (the service's default, 10)
 *   BENCH_PG_SETTINGS   profiling only: per-database settings for the bench database,
 *                       e.g. "synchronous_commit=off" or "log_statement=all"
 *   BENCH_SERVICE_NODE_ARGS  profiling only: extra node flags for the service,
 *                       e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"
 *   BENCH_JSON          also write the raw figures to this file
 *   BENCH_SCALING       "1": instead, one vs two instances on one PostgreSQL behind a
 *                       round-robin proxy (docs/scaling.md)
 *   BENCH_PGBOUNCER     "1": the postgres backend's service connects through a PgBouncer in
 *                       transaction mode (default_pool_size = the service's pool size), with
 *                       DB_PREPARED_STATEMENTS=false (docs/scaling.md)
 *   BENCH_DASHBOARD     "1" (default): afterwards, the dashboard's overview, customers and
 *                       payments pages on a ledger of BENCH_DASHBOARD_CUSTOMERS (100000)
 *                       customers and ~10 payments each, BENCH_DASHBOARD_RUNS (50) requests
 *                       per page; "only": just that; "0": skip it. The ledger database
 *                       `langgan_dashboard_bench` is kept and reused for 6 h
 *                       (BENCH_RESEED=1 seeds it again)
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CpuMeter } from './cpu.ts';
import { benchDashboard, type DashboardReport } from './dashboard.ts';
import { loadHealthz, loadSessions, type LoadOptions, type LoadResult } from './load.ts';
import { machineFacts, printDashboard, printFacts, printResults, type BackendReport } from './report.ts';
import { havePgBouncer, PGBOUNCER, startPgBouncer, type PgBouncer } from './pgbouncer.ts';
import { RoundRobinProxy } from './proxy.ts';
import { createBenchProject, killServices, startService, type Service } from './server.ts';
import { BenchDatabase, BenchDataDir, DEFAULT_ADMIN_URL, postgresVersion } from './storage.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

type Backend = 'postgres' | 'pglite';

interface Options {
  durationSeconds: number;
  warmupSeconds: number;
  connections: number;
  users: number;
  backends: Backend[];
  adminUrl: string;
  poolSize: number | undefined;
  pgSettings: string | undefined;
  nodeArgs: string[];
  jsonPath: string | undefined;
  pgBouncer: boolean;
  dashboard: 'yes' | 'no' | 'only';
  dashboardCustomers: number;
  dashboardRuns: number;
  reseed: boolean;
}

function readOptions(env = process.env): Options {
  const int = (name: string, fallback: number, min: number) => {
    const raw = env[name]?.trim();
    if (!raw) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be a whole number ≥ ${min}, got "${raw}"`);
    return value;
  };
  const backends = (env.BENCH_BACKENDS?.trim() || 'postgres,pglite').split(',').map((b) => b.trim()).filter(Boolean);
  for (const b of backends) if (b !== 'postgres' && b !== 'pglite') throw new Error(`BENCH_BACKENDS: unknown backend "${b}"`);
  const options: Options = {
    durationSeconds: int('BENCH_DURATION', 10, 1),
    warmupSeconds: int('BENCH_WARMUP', 2, 0),
    connections: int('BENCH_CONNECTIONS', 50, 1),
    users: int('BENCH_USERS', 1000, 1),
    backends: backends as Backend[],
    adminUrl: env.BENCH_DATABASE_URL?.trim() || DEFAULT_ADMIN_URL,
    poolSize: env.BENCH_DB_POOL_SIZE?.trim() ? int('BENCH_DB_POOL_SIZE', 10, 1) : undefined,
    pgSettings: env.BENCH_PG_SETTINGS?.trim() || undefined,
    nodeArgs: (env.BENCH_SERVICE_NODE_ARGS ?? '').split(/\s+/).filter(Boolean),
    jsonPath: env.BENCH_JSON?.trim() || undefined,
    pgBouncer: env.BENCH_PGBOUNCER?.trim() === '1',
    dashboard: ({ '1': 'yes', '0': 'no', only: 'only' } as const)[env.BENCH_DASHBOARD?.trim() || '1'] ?? 'yes',
    dashboardCustomers: int('BENCH_DASHBOARD_CUSTOMERS', 100_000, 100),
    dashboardRuns: int('BENCH_DASHBOARD_RUNS', 50, 1),
    reseed: env.BENCH_RESEED?.trim() === '1',
  };
  if (!['1', '0', 'only', undefined, ''].includes(env.BENCH_DASHBOARD?.trim())) throw new Error(`BENCH_DASHBOARD must be 1, 0 or only, got "${env.BENCH_DASHBOARD}"`);
  if (options.users <= options.connections) throw new Error('BENCH_USERS must exceed BENCH_CONNECTIONS (no id in flight twice)');
  return options;
}

const cleanups: Array<() => Promise<unknown>> = [];

async function cleanup(): Promise<void> {
  killServices();
  while (cleanups.length) {
    try {
      await cleanups.pop()!();
    } catch (err) {
      console.error('cleanup failed:', err instanceof Error ? err.message : err);
    }
  }
}

async function benchBackend(backend: Backend, options: Options): Promise<BackendReport> {
  const loadBefore = loadavg()[0]!;
  const phase = (seconds: number): LoadOptions => ({ connections: options.connections, durationSeconds: seconds });

  let database: BenchDatabase | undefined;
  let dataDir: BenchDataDir | undefined;
  if (backend === 'postgres') {
    database = await BenchDatabase.create(options.adminUrl);
    cleanups.push(() => database!.drop());
    if (options.pgSettings) await database.configure(options.pgSettings);
    console.log(`\n[postgres] database ${database.name}${options.pgSettings ? ` (${options.pgSettings})` : ''}`);
  } else {
    dataDir = await BenchDataDir.create();
    cleanups.push(() => dataDir!.remove());
    console.log(`\n[pglite] DATA_DIR ${dataDir.path}`);
  }

  let databaseUrl = database?.url;
  let env: Record<string, string> = {};
  let bouncer: PgBouncer | undefined;
  if (database && options.pgBouncer) {
    if (!havePgBouncer) throw new Error(`BENCH_PGBOUNCER=1 needs ${PGBOUNCER} (apt-get install pgbouncer)`);
    const server = new URL(database.url);
    bouncer = await startPgBouncer(
      { host: server.hostname, port: Number(server.port || 5432), user: decodeURIComponent(server.username) || 'postgres' },
      { poolSize: options.poolSize ?? 10 },
    );
    cleanups.push(() => bouncer!.stop());
    databaseUrl = bouncer.url(database.name);
    env = { DB_PREPARED_STATEMENTS: 'false' };
    console.log(`[postgres] through PgBouncer (transaction mode) at ${databaseUrl}`);
  }

  const started = Date.now();
  const service: Service = await startService({
    repoRoot,
    ...(databaseUrl ? { databaseUrl } : { dataDir: dataDir!.path }),
    ...(options.poolSize !== undefined && { poolSize: options.poolSize }),
    nodeArgs: options.nodeArgs,
    env,
  });
  cleanups.push(() => service.stop());
  console.log(`[${backend}] service pid ${service.pid} ready at ${service.baseUrl} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const project = await createBenchProject(service);

  const { durationSeconds: d, warmupSeconds: w } = options;
  const meter = new CpuMeter(service.pid, database && (() => database!.backendPids()));
  const measured = async (run: () => Promise<LoadResult>) => {
    if (CpuMeter.available()) await meter.start();
    const result = await run();
    const cpu = await meter.stop(result.ok + result.non2xx);
    return cpu ? { ...result, cpu } : result;
  };

  if (w > 0) await loadHealthz(service.baseUrl, phase(w));
  console.log(`[${backend}] GET /healthz for ${d} s…`);
  const healthz = await measured(() => loadHealthz(service.baseUrl, phase(d)));

  const session = (prefix: string) => ({ clientId: project.clientId, clientSecret: project.clientSecret, endUserPrefix: prefix, poolSize: options.users });
  let sessionsOk = 0;
  let sessionsSent = 0;
  let endUserIds = 0;
  if (w > 0) {
    const warm = await loadSessions(service.baseUrl, session('warmup-user-'), phase(w));
    sessionsOk += warm.ok;
    sessionsSent += warm.sent ?? 0;
    endUserIds += Math.min(options.users, warm.sent ?? 0);
  }
  console.log(`[${backend}] POST /api/platform/portal/sessions for ${d} s…`);
  const sessions = await measured(() => loadSessions(service.baseUrl, session('user-'), phase(d)));
  sessionsOk += sessions.ok;
  sessionsSent += sessions.sent ?? 0;
  endUserIds += Math.min(options.users, sessions.sent ?? 0);
  const loadAfter = loadavg()[0]!;

  await service.stop();
  await bouncer?.stop(); // its server connections publish their transaction counters on exit
  // The start-up banner is plain text; warnings and errors are pino's JSON lines.
  const logged = service.output().split('\n').filter((line) => line.startsWith('{'));
  if (logged.length) console.log(`[${backend}] the service logged ${logged.length} warning/error lines; last ones:\n${logged.slice(-5).join('\n')}`);

  if (database) {
    await new Promise((r) => setTimeout(r, 500)); // let the exited backends publish their counters
    const transactions = await database.transactions();
    const rows = await database.counts();
    return { backend, poolSize: String(options.poolSize ?? 10), healthz, sessions, sessionsOk, sessionsSent, endUserIds, rows, transactions, loadBefore, loadAfter };
  }
  const rows = await dataDir!.counts();
  return { backend, poolSize: 'n/a (one connection)', healthz, sessions, sessionsOk, sessionsSent, endUserIds, rows, loadBefore, loadAfter };
}

/**
 * BENCH_SCALING=1: two instances on one PostgreSQL database, measured through the same
 * round-robin proxy with one target and then with both, so the only difference is the
 * second instance.
 */
async function benchScaling(options: Options): Promise<void> {
  const database = await BenchDatabase.create(options.adminUrl);
  cleanups.push(() => database.drop());
  const start = () =>
    startService({ repoRoot, databaseUrl: database.url, ...(options.poolSize !== undefined && { poolSize: options.poolSize }), nodeArgs: options.nodeArgs });
  const first = await start();
  cleanups.push(() => first.stop());
  const second = await start();
  cleanups.push(() => second.stop());
  const project = await createBenchProject(first);
  const port = (s: Service) => Number(new URL(s.baseUrl).port);
  const proxy = await RoundRobinProxy.start([port(first)]);
  cleanups.push(() => proxy.close());
  const phase = (seconds: number): LoadOptions => ({ connections: options.connections, durationSeconds: seconds });
  const session = (prefix: string) => ({ clientId: project.clientId, clientSecret: project.clientSecret, endUserPrefix: prefix, poolSize: options.users });

  const rows: Array<[string, LoadResult, LoadResult]> = [];
  for (const [label, targets] of [
    ['1 instance', [port(first)]],
    ['2 instances', [port(first), port(second)]],
  ] as const) {
    proxy.targets = [...targets];
    proxy.dropConnections();
    if (options.warmupSeconds > 0) await loadSessions(proxy.url, session(`warm-${targets.length}-`), phase(options.warmupSeconds));
    console.log(`[scaling] ${label}: GET /healthz, then POST /api/platform/portal/sessions, ${options.durationSeconds} s each…`);
    const healthz = await loadHealthz(proxy.url, phase(options.durationSeconds));
    const sessions = await loadSessions(proxy.url, session(`user-${targets.length}-`), phase(options.durationSeconds));
    rows.push([label, healthz, sessions]);
  }
  console.log(`\nOne PostgreSQL, through a round-robin proxy, ${options.connections} connections, load ${loadavg()[0]!.toFixed(2)}:`);
  console.log('| instances | healthz req/s | sessions req/s | sessions p50 ms | sessions p99 ms | non-2xx |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const [label, healthz, sessions] of rows) {
    console.log(`| ${label} | ${Math.round(healthz.rps).toLocaleString('en-US')} | ${Math.round(sessions.rps).toLocaleString('en-US')} | ${sessions.p50} | ${sessions.p99} | ${healthz.non2xx + sessions.non2xx} |`);
  }
  const [one, two] = [rows[0]![2].rps, rows[1]![2].rps];
  console.log(`\nSessions with two instances: ${(two / one).toFixed(2)}× one instance.`);
}

async function main(): Promise<void> {
  const options = readOptions();
  if (process.env.BENCH_SCALING?.trim() === '1') {
    await benchScaling(options);
    await cleanup();
    return;
  }
  const postgres = options.backends.includes('postgres') ? await postgresVersion(options.adminUrl) : undefined;
  printFacts('Machine', machineFacts(repoRoot, postgres));
  console.log(
    `\nPlan: per backend ${options.warmupSeconds} s warm-up + ${options.durationSeconds} s measured, per endpoint; ` +
      `${options.connections} connections; end_user_id pool ${options.users}`,
  );

  const reports: BackendReport[] = [];
  if (options.dashboard !== 'only') {
    for (const backend of options.backends) {
      reports.push(await benchBackend(backend, options));
      await cleanup(); // stop, drop and remove before the next backend competes for the CPUs
    }
  }
  let dashboard: DashboardReport | undefined;
  if (options.dashboard !== 'no') {
    console.log(`\n[dashboard] overview, customers and payments pages at ${options.dashboardCustomers.toLocaleString('en-US')} customers`);
    dashboard = await benchDashboard(
      { repoRoot, adminUrl: options.adminUrl, customers: options.dashboardCustomers, runs: options.dashboardRuns, reseed: options.reseed, nodeArgs: options.nodeArgs },
      cleanups,
    );
    await cleanup();
  }

  if (reports.length) printResults(reports, options.connections);
  if (dashboard) printDashboard(dashboard);
  if (options.jsonPath) writeFileSync(options.jsonPath, JSON.stringify({ at: new Date().toISOString(), options, reports, dashboard }, null, 2));
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    console.error(`\n${signal}: stopping the bench`);
    void cleanup().finally(() => process.exit(130));
  });
}
process.on('exit', killServices);

main()
  .then(() => process.exit(0))
  .catch(async (err) => {
    console.error('\nBench failed:', err instanceof Error ? (err.stack ?? err.message) : err);
    await cleanup();
    process.exit(1);
  });
