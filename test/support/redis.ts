import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { freePort } from './ports.ts';

/**
 * The Redis the shared-limit tests count in: the machine's own (`.ci/run` starts one on
 * 127.0.0.1:6379). Not answering is a failure, never a skip: these tests are the only
 * proof that limits hold across instances.
 */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A connection to the test Redis, or an error saying how to get one. */
export async function connectTestRedis(): Promise<Redis> {
  const client = new Redis(TEST_REDIS_URL, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  let cause: Error | undefined;
  client.on('error', (err: Error) => (cause = err));
  try {
    await client.connect();
    if ((await client.ping()) !== 'PONG') throw new Error('no PONG');
  } catch (err) {
    client.disconnect();
    throw new Error(`Redis is not answering at ${TEST_REDIS_URL} (${(cause ?? (err as Error)).message}): the shared rate-limit tests need it; .ci/run starts one (apt-get install redis-server; redis-server --daemonize yes)`);
  }
  return client;
}

/** A key prefix of this test run alone, so parallel test files never share a counter. */
export function uniqueKeyPrefix(): string {
  return `langgan-test-${randomBytes(6).toString('hex')}:`;
}

export async function deleteKeys(client: Redis, prefix: string): Promise<void> {
  const keys = await client.keys(`${prefix}*`);
  if (keys.length > 0) await client.del(...keys);
}

/** A Redis server of the test's own (to freeze with SIGSTOP), on a free port, keeping nothing on disk. */
export async function startPrivateRedis(): Promise<{ url: string; process: ChildProcess; stop(): Promise<void> }> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const url = `redis://127.0.0.1:${port}`;
  const spawned = new Promise<never>((_, reject) => child.once('error', (err) => reject(new Error(`cannot start redis-server: ${err.message}`))));
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => {});  // refused until the server is up: retried below
  for (let i = 0; ; i++) {
    try {
      await Promise.race([probe.connect(), spawned]);
      break;
    } catch (err) {
      if (i > 50 || child.exitCode !== null) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  probe.disconnect();
  spawned.catch(() => {});
  return {
    url,
    process: child,
    async stop() {
      child.kill('SIGCONT');
      child.kill('SIGKILL');
      await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.once('exit', r)));
    },
  };
}
