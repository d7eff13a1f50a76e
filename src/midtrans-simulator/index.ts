export { buildSimulator, startSimulator, defaultRetryIntervalsMs, defaultNotificationTimeoutMs, defaultMerchantId } from './server.ts';
export type { MidtransSimulator, SimulatorOptions } from './server.ts';
export { simulatorConfigFromEnv, defaultSimulatorPort, defaultSimulatorServerKey } from './env.ts';
export { retriesEarnedBy } from './retry-policy.ts';
