import type { Config } from '../config.ts';
import { startSimulator, type MidtransSimulator } from '../midtrans-simulator/index.ts';
import type { PaymentGateway } from './gateway.ts';
import { createMidtransGateway, midtransHosts } from './midtrans/index.ts';

export interface PaymentsSetup {
  gateway: PaymentGateway;
  /** Present when no MIDTRANS_SERVER_KEY is configured: the local simulator we started. */
  simulator?: MidtransSimulator;
}

/** Where Midtrans should post notifications for this deployment. */
export function webhookUrl(config: Pick<Config, 'publicUrl'>): string {
  return `${config.publicUrl}/api/webhooks/midtrans`;
}

/**
 * Real Midtrans when a server key is configured (sandbox or production hosts, overridable);
 * otherwise the protocol-faithful simulator on MIDTRANS_SIMULATOR_PORT, with its key used
 * as ours — the same client code runs against both.
 */
export async function setUpPayments(config: Config): Promise<PaymentsSetup> {
  const { midtrans } = config;
  if (midtrans.serverKey) {
    const hosts = midtransHosts(midtrans.env);
    return {
      gateway: createMidtransGateway({
        serverKey: midtrans.serverKey,
        snapBaseUrl: midtrans.snapUrl ?? hosts.snapBaseUrl,
        coreBaseUrl: midtrans.apiUrl ?? hosts.coreBaseUrl,
        notificationUrl: webhookUrl(config),
      }),
    };
  }
  const simulator = await startSimulator({
    serverKey: midtrans.simulatorServerKey,
    port: midtrans.simulatorPort,
    // Loopback only, whatever HOST is: its control API settles orders and lists them all.
    host: '127.0.0.1',
    ...(midtrans.simulatorPort !== 0 && { publicUrl: `http://localhost:${midtrans.simulatorPort}` }),
    notificationUrl: webhookUrl(config),
  });
  return {
    simulator,
    gateway: createMidtransGateway({
      serverKey: midtrans.simulatorServerKey,
      snapBaseUrl: midtrans.snapUrl ?? simulator.snapBaseUrl,
      coreBaseUrl: midtrans.apiUrl ?? simulator.coreBaseUrl,
      notificationUrl: webhookUrl(config),
    }),
  };
}
