import formbody from '@fastify/formbody';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import { SimulatorEngine } from './engine.ts';
import { Notifier } from './notifier.ts';
import { renderMessagePage } from './payment-page-html.ts';
import { registerControlRoutes } from './routes/controls.ts';
import { registerCoreApiRoutes } from './routes/core-api.ts';
import type { RouteDeps } from './routes/deps.ts';
import { registerPaymentPageRoutes } from './routes/payment-page.ts';
import { registerSnapRoutes } from './routes/snap.ts';
import { SimulatorStore } from './store.ts';

export interface SimulatorOptions {
  /** The server key clients must send (Basic auth username) and notifications are signed with. */
  serverKey: string;
  /** Base URL as seen by browsers, used in `redirect_url`. Default: the listening address. */
  publicUrl?: string;
  /** Default ("dashboard") notification URL; `X-Override-Notification` replaces it per transaction. */
  notificationUrl?: string;
  /** Delays before retry 1, 2, … (Midtrans: 2, 10, 30, 90, 210 minutes). Default 200/1000/3000/9000/21000 ms. */
  retryIntervalsMs?: number[];
  /** How long a receiver may take to answer a notification. Default 15 000 ms, as Midtrans. */
  notificationTimeoutMs?: number;
  /** `merchant_id` in notifications and finish redirects. Default `G000000000`. */
  merchantId?: string;
  /** Shown on the payment page. Default `Langgan (Midtrans simulator)`. */
  merchantName?: string;
  /** Fastify logger option. Default off. The server key is never logged. */
  logger?: FastifyServerOptions['logger'];
}

export interface MidtransSimulator {
  readonly app: FastifyInstance;
  /** Base URL of the simulator (`publicUrl`, else the listening address). Throws before `listen` without `publicUrl`. */
  readonly url: string;
  /** `${url}/snap/v1` — pass as the client's `snapBaseUrl`. */
  readonly snapBaseUrl: string;
  /** `${url}` — pass as the client's `coreBaseUrl`. */
  readonly coreBaseUrl: string;
  /** Headers the `/__simulator/` controls require (the server key, as Midtrans' APIs take it). */
  readonly controlHeaders: Record<string, string>;
  /** Listens (port 0 picks a free port) and returns the listening address, e.g. `http://127.0.0.1:3001`. */
  listen(port?: number, host?: string): Promise<string>;
  /** Stops pending notification retries and closes the server. */
  close(): Promise<void>;
  /** Resolves once no notification is being sent or waiting for a retry. */
  deliveriesSettled(): Promise<void>;
  /** Forgets all transactions and saved tokens; abandons deliveries in progress. */
  reset(): void;
}

export const defaultRetryIntervalsMs = [200, 1000, 3000, 9000, 21000];
export const defaultNotificationTimeoutMs = 15_000;
export const defaultMerchantId = 'G000000000';

function sendShapedError(request: FastifyRequest, reply: FastifyReply, status: number, message: string) {
  const path = request.url;
  if (path.startsWith('/snap/v1')) return reply.code(status).send({ error_messages: [message] });
  if (path.startsWith('/v2')) return reply.code(status).send({ status_code: String(status), status_message: message });
  if (path.startsWith('/snap/v3')) return reply.code(status).type('text/html; charset=utf-8').send(renderMessagePage('Error', message));
  return reply.code(status).send({ error: message });
}

function registerJsonParserAllowingEmptyBody(app: FastifyInstance): void {
  // Midtrans clients send `Content-Type: application/json` with an empty body on cancel/expire.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(Object.assign(new Error('Request body is not valid JSON'), { statusCode: 400 }), undefined);
    }
  });
}

export function buildSimulator(options: SimulatorOptions): MidtransSimulator {
  const app = Fastify({
    logger: options.logger ?? false,
    // Router-level errors (malformed URL, over-long path parameter) get the same shapes as the rest.
    frameworkErrors: (error, request, reply) => {
      const status = error.statusCode ?? 400;
      const message = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'Request path parameter is too long' : 'Malformed request URL';
      void sendShapedError(request, reply, status, message);
    },
  });
  const store = new SimulatorStore();
  const notifier = new Notifier({
    retryIntervalsMs: options.retryIntervalsMs ?? defaultRetryIntervalsMs,
    timeoutMs: options.notificationTimeoutMs ?? defaultNotificationTimeoutMs,
    log: app.log,
  });
  const merchantId = options.merchantId ?? defaultMerchantId;
  const engine = new SimulatorEngine(store, notifier, { serverKey: options.serverKey, merchantId });
  let listeningUrl: string | undefined;
  const publicUrl = options.publicUrl?.replace(/\/+$/, '');

  const deps: RouteDeps = {
    engine,
    serverKey: options.serverKey,
    merchantId,
    merchantName: options.merchantName ?? 'Langgan (Midtrans simulator)',
    defaultNotificationUrl: options.notificationUrl,
    publicUrl: (request) => publicUrl ?? listeningUrl ?? `${request.protocol}://${request.host}`,
  };

  void app.register(formbody);
  registerJsonParserAllowingEmptyBody(app);
  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) request.log.error({ err: error }, 'midtrans simulator internal error');
    return sendShapedError(request, reply, status, status === 500 ? 'Internal server error' : error.message);
  });
  app.setNotFoundHandler((request, reply) => sendShapedError(request, reply, 404, `Route ${request.method} ${request.url.split('?')[0]} not found`));
  registerSnapRoutes(app, deps);
  registerCoreApiRoutes(app, deps);
  registerPaymentPageRoutes(app, deps);
  registerControlRoutes(app, deps);

  const baseUrl = () => {
    const url = publicUrl ?? listeningUrl;
    if (!url) throw new Error('The simulator has no URL yet: call listen() first or pass publicUrl');
    return url;
  };

  return {
    app,
    controlHeaders: { authorization: `Basic ${Buffer.from(`${options.serverKey}:`).toString('base64')}` },
    get url() {
      return baseUrl();
    },
    get snapBaseUrl() {
      return `${baseUrl()}/snap/v1`;
    },
    get coreBaseUrl() {
      return baseUrl();
    },
    async listen(port = 0, host = '127.0.0.1') {
      await app.listen({ port, host });
      const address = app.server.address();
      if (address === null || typeof address === 'string') throw new Error('The simulator is not listening on a TCP port');
      const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      listeningUrl = `http://${shownHost}:${address.port}`;
      return listeningUrl;
    },
    async close() {
      engine.stopDeliveries();
      await app.close();
    },
    deliveriesSettled: () => engine.idle(),
    reset: () => engine.reset(),
  };
}

/** Builds and listens; `port` defaults to 3001 and `host` to 127.0.0.1. */
export async function startSimulator(options: SimulatorOptions & { port?: number; host?: string }): Promise<MidtransSimulator> {
  const simulator = buildSimulator(options);
  await simulator.listen(options.port ?? 3001, options.host ?? '127.0.0.1');
  return simulator;
}
