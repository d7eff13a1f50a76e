import type { SimulatorOptions } from './server.ts';

export const defaultSimulatorPort = 3001;
/** A sandbox-looking key that is obviously not a real one; set MIDTRANS_SIMULATOR_SERVER_KEY to change it. */
export const defaultSimulatorServerKey = 'SB-Mid-server-langgan-simulator';

export type SimulatorEnvConfig = SimulatorOptions & { port: number; host: string };

function positiveIntegers(text: string | undefined): number[] | undefined {
  if (!text) return undefined;
  const values = text.split(',').map((part) => Number(part.trim()));
  if (values.length === 0 || !values.every((value) => Number.isSafeInteger(value) && value >= 0)) {
    throw new Error('MIDTRANS_SIMULATOR_RETRY_INTERVALS_MS must be comma-separated non-negative integers');
  }
  return values;
}

/**
 * Reads the standalone simulator's settings:
 * MIDTRANS_SIMULATOR_PORT (3001), MIDTRANS_SIMULATOR_HOST (127.0.0.1), MIDTRANS_SIMULATOR_SERVER_KEY,
 * MIDTRANS_SIMULATOR_NOTIFICATION_URL, MIDTRANS_SIMULATOR_PUBLIC_URL (http://localhost:<port>, as browsers reach it),
 * MIDTRANS_SIMULATOR_RETRY_INTERVALS_MS (e.g. `200,1000,3000,9000,21000`), MIDTRANS_SIMULATOR_MERCHANT_ID.
 */
export function simulatorConfigFromEnv(env: NodeJS.ProcessEnv): SimulatorEnvConfig {
  const port = env.MIDTRANS_SIMULATOR_PORT ? Number(env.MIDTRANS_SIMULATOR_PORT) : defaultSimulatorPort;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error('MIDTRANS_SIMULATOR_PORT must be a TCP port number');
  const config: SimulatorEnvConfig = {
    port,
    host: env.MIDTRANS_SIMULATOR_HOST || '127.0.0.1',
    serverKey: env.MIDTRANS_SIMULATOR_SERVER_KEY || defaultSimulatorServerKey,
    logger: true,
  };
  // With port 0 the address is only known after listening; the listening address is used then.
  const publicUrl = env.MIDTRANS_SIMULATOR_PUBLIC_URL || (port === 0 ? undefined : `http://localhost:${port}`);
  if (publicUrl) config.publicUrl = publicUrl;
  if (env.MIDTRANS_SIMULATOR_NOTIFICATION_URL) config.notificationUrl = env.MIDTRANS_SIMULATOR_NOTIFICATION_URL;
  if (env.MIDTRANS_SIMULATOR_MERCHANT_ID) config.merchantId = env.MIDTRANS_SIMULATOR_MERCHANT_ID;
  const retryIntervalsMs = positiveIntegers(env.MIDTRANS_SIMULATOR_RETRY_INTERVALS_MS);
  if (retryIntervalsMs) config.retryIntervalsMs = retryIntervalsMs;
  return config;
}
