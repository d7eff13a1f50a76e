import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { buildApp, type AppOptions } from '../../src/app.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { createDeps, type Deps } from '../../src/deps.ts';
import { FrozenClock } from '../../src/lib/clock.ts';
import type { Logger } from '../../src/lib/logger.ts';
import { buildSimulator, type MidtransSimulator } from '../../src/midtrans-simulator/index.ts';
import type { MailTransport } from '../../src/modules/email/transport.ts';
import { createMidtransGateway } from '../../src/payments/midtrans/index.ts';
import { webhookUrl } from '../../src/payments/setup.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { freePort } from './ports.ts';

export const TEST_ADMIN_KEY = 'adm_test_key_0123456789abcdefghijkl';

export interface TestApp {
  /** Base URL of the real HTTP listener (127.0.0.1, random port). */
  url: string;
  app: FastifyInstance;
  deps: Deps;
  clock: FrozenClock;
  database: TestDatabase;
  /** The Midtrans simulator this app pays through (its own port). */
  simulator: MidtransSimulator;
  close(): Promise<void>;
}

export const TEST_SERVER_KEY = 'SB-Mid-server-langgan-test';

/**
 * Starts the real application on a real port over a fresh database, with a frozen
 * clock. `env` overrides configuration variables exactly as the environment would.
 */
export async function startTestApp(
  options: { env?: Record<string, string>; appOptions?: AppOptions; database?: TestDatabase; logger?: Logger; mail?: MailTransport } = {},
): Promise<TestApp> {
  const database = options.database ?? (await createTestDatabase());
  const clock = new FrozenClock();
  // PUBLIC_URL defaults to http://localhost:$PORT, so pick the port before building.
  const port = await freePort();
  const config: Config = loadConfig({
    NODE_ENV: 'test',
    ADMIN_API_KEY: TEST_ADMIN_KEY,
    PORT: String(port),
    ...options.env,
  });
  // Notifications retry fast in tests (Midtrans: 2, 10, 30, 90, 210 minutes).
  const simulator = buildSimulator({ serverKey: TEST_SERVER_KEY, notificationUrl: webhookUrl(config), retryIntervalsMs: [50, 100, 200, 400, 800] });
  await simulator.listen(0, '127.0.0.1');
  const gateway = createMidtransGateway({
    serverKey: TEST_SERVER_KEY,
    snapBaseUrl: simulator.snapBaseUrl,
    coreBaseUrl: simulator.coreBaseUrl,
    notificationUrl: webhookUrl(config),
    retryDelayMs: 10,
  });
  const deps = createDeps({
    config,
    db: database.db,
    dbKind: database.kind,
    clock,
    gateway,
    poolStats: database.poolStats,
    mail: options.mail,
    ...(options.logger && { logger: options.logger }),
  });
  const app = await buildApp(deps, options.appOptions);
  await app.listen({ port, host: '127.0.0.1' });
  const address = app.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    app,
    deps,
    clock,
    database,
    simulator,
    async close() {
      await simulator.close();
      await app.close();
      await deps.rateLimits.close();
      if (!options.database) await database.destroy();
    },
  };
}
