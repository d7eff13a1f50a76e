import type { FastifyRequest } from 'fastify';
import type { SimulatorEngine } from '../engine.ts';

export interface RouteDeps {
  engine: SimulatorEngine;
  serverKey: string;
  merchantId: string;
  merchantName: string;
  defaultNotificationUrl: string | undefined;
  /** Base URL as seen by browsers, for `redirect_url`. */
  publicUrl(request: FastifyRequest): string;
}
