import type { FastifyInstance } from 'fastify';
import { hasServerKey, snapUnauthorizedBody } from '../auth.ts';
import { notificationUrlsFor } from '../notification-urls.ts';
import { parseSnapCreateRequest } from '../snap-request.ts';
import type { RouteDeps } from './deps.ts';

/** Snap API: `POST /snap/v1/transactions`. Errors use Snap's `{"error_messages": [...]}` shape. */
export function registerSnapRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.post('/snap/v1/transactions', async (request, reply) => {
    if (!hasServerKey(request.headers.authorization, deps.serverKey)) return reply.code(401).send(snapUnauthorizedBody);

    const parsed = parseSnapCreateRequest(request.body);
    if (!parsed.ok) return reply.code(400).send({ error_messages: parsed.errors });
    const notificationUrls = notificationUrlsFor(request.headers, deps.defaultNotificationUrl);
    if (!notificationUrls.ok) return reply.code(400).send({ error_messages: [notificationUrls.error] });
    if (deps.engine.store.hasOrderId(parsed.request.orderId)) {
      return reply.code(400).send({ error_messages: ['transaction_details.order_id has already been taken'] });
    }

    const transaction = deps.engine.createSnapTransaction(parsed.request, notificationUrls.urls);
    const token = transaction.snapToken ?? '';
    return reply.code(201).send({ token, redirect_url: `${deps.publicUrl(request)}/snap/v3/redirection/${token}` });
  });
}
