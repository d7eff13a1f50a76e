/** Standalone entry: `npx tsx src/midtrans-simulator/main.ts` (settings: see env.ts). */
import { simulatorConfigFromEnv } from './env.ts';
import { startSimulator } from './server.ts';

const simulator = await startSimulator(simulatorConfigFromEnv(process.env));
simulator.app.log.info(`Midtrans simulator: Snap ${simulator.snapBaseUrl}, Core API ${simulator.coreBaseUrl}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void simulator.close().then(() => process.exit(0));
  });
}
