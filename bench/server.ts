import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';

/** A running Langgan started by the bench (`node --import tsx src/main.ts`). */
export interface Service {
  baseUrl: string;
  adminKey: string;
  pid: number | undefined;
  /** Everything the service wrote to stdout/stderr (LOG_LEVEL=warn keeps it short). */
  output(): string;
  /** SIGTERM, wait for the graceful shutdown (SIGKILL after 15 s). */
  stop(): Promise<void>;
}

export interface StartOptions {
  repoRoot: string;
  /** PostgreSQL URL; without it the service runs on PGlite in dataDir. */
  databaseUrl?: string;
  dataDir?: string;
  /** DB_POOL_SIZE for the service; the service's default when undefined. */
  poolSize?: number;
  /** Extra node flags for the service, e.g. `--cpu-prof` (BENCH_SERVICE_NODE_ARGS). */
  nodeArgs?: string[];
  /** Extra service variables (e.g. DB_PREPARED_STATEMENTS=false behind PgBouncer). */
  env?: Record<string, string>;
}

const live = new Set<ChildProcess>();

/** Kills every service this process started and has not stopped yet (exit/error paths). */
export function killServices(): void {
  for (const child of live) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  live.clear();
}

/** A port that was free a moment ago on 127.0.0.1 (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

/** Variables Langgan reads: never inherited from the shell running the bench. */
const SERVICE_VARIABLES =
  /^(PORT|HOST|PUBLIC_URL|DATABASE_URL|DATA_DIR|ADMIN_API_KEY|LOG_LEVEL|NODE_ENV|DEMO|TRUST_PROXY|DB_.*|REDIS_.*|METRICS_.*|RETENTION_.*|DASHBOARD_.*|RATE_LIMIT_.*|MIDTRANS_.*|PAYMENT_.*|SCHEDULER_.*|WEBHOOK_.*)$/;

export async function startService(options: StartOptions): Promise<Service> {
  try {
    return await startOnce(options);
  } catch (err) {
    // The free port can be taken between our probe and the service's listen: retry once.
    if (!(err instanceof Error && err.message.includes('EADDRINUSE'))) throw err;
    return startOnce(options);
  }
}

async function startOnce(options: StartOptions): Promise<Service> {
  const port = await freePort();
  let gatewayPort = await freePort();
  while (gatewayPort === port) gatewayPort = await freePort();
  const adminKey = `bench_admin_${randomBytes(24).toString('base64url')}`;
  const baseUrl = `http://127.0.0.1:${port}`;

  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!SERVICE_VARIABLES.test(name)) env[name] = value;
  Object.assign(env, {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    DEMO: 'false',
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_URL: baseUrl,
    ADMIN_API_KEY: adminKey,
    // Far above anything 50 connections reach: the bench measures the service, not the limiter.
    RATE_LIMIT_SESSIONS_PER_CLIENT: '10000000',
    RATE_LIMIT_SESSIONS_PER_IP: '10000000',
    RATE_LIMIT_PLATFORM_PER_CLIENT: '10000000',
    RATE_LIMIT_WINDOW_SECONDS: '60',
    // Production needs a real gateway key; nothing on the session path calls the gateway, so
    // it points at a closed local port (the scheduler's gateway calls, if any, fail fast).
    MIDTRANS_SERVER_KEY: `bench-server-key-${randomBytes(8).toString('hex')}`,
    MIDTRANS_API_URL: `http://127.0.0.1:${gatewayPort}`,
    MIDTRANS_SNAP_URL: `http://127.0.0.1:${gatewayPort}`,
  });
  if (options.databaseUrl) env.DATABASE_URL = options.databaseUrl;
  if (options.dataDir) env.DATA_DIR = options.dataDir;
  if (options.poolSize !== undefined) env.DB_POOL_SIZE = String(options.poolSize);
  Object.assign(env, options.env);

  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', 'src/main.ts'], {
    cwd: options.repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    if (output.length > 200_000) output = output.slice(-100_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const service: Service = {
    baseUrl,
    adminKey,
    pid: child.pid,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      live.delete(child);
    },
  };

  try {
    await waitUntilReady(baseUrl, exited);
  } catch (err) {
    await service.stop();
    throw new Error(`${err instanceof Error ? err.message : String(err)}\n--- service output ---\n${output.slice(-4000)}`);
  }
  return service;
}

async function waitUntilReady(baseUrl: string, exited: Promise<void>, timeoutMs = 60_000): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (gone) throw new Error('the service exited before it was ready');
    try {
      const res = await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the service was not ready at ${baseUrl}/readyz within ${timeoutMs / 1000} s`);
}

export interface BenchProject {
  projectId: string;
  clientId: string;
  clientSecret: string;
}

/** A project and its free default plan, through the admin API like an operator would. */
export async function createBenchProject(service: Service): Promise<BenchProject> {
  const project = await admin<{ id: string; client_id: string; client_secret: string }>(service, '/api/admin/projects', {
    name: 'Bench',
    redirect_uris: ['https://bench.example.com/back'],
  });
  await admin(service, `/api/admin/projects/${project.id}/plans`, {
    code: 'free',
    name: 'Free',
    price: 0,
    interval: 'month',
    is_default: true,
  });
  return { projectId: project.id, clientId: project.client_id, clientSecret: project.client_secret };
}

async function admin<T>(service: Service, path: string, body: unknown): Promise<T> {
  const res = await fetch(`${service.baseUrl}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${service.adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status !== 201) throw new Error(`POST ${path} answered ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}
