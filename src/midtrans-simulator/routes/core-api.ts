import type { FastifyInstance, FastifyReply } from 'fastify';
import { coreUnauthorizedBody, hasServerKey } from '../auth.ts';
import { parseChargeRequest } from '../charge-request.ts';
import { notificationUrlsFor } from '../notification-urls.ts';
import { parseRefundRequest } from '../refunds.ts';
import type { TransactionStatus } from '../types.ts';
import type { RouteDeps } from './deps.ts';

const notFoundBody = { status_code: '404', status_message: "Transaction doesn't exist." };
const cannotModifyBody = { status_code: '412', status_message: 'Merchant cannot modify the status of the transaction' };

/** Which statuses the merchant's cancel and expire calls may act on (Midtrans' status cycle). */
const merchantActions = {
  cancel: { from: ['pending', 'capture'], statusCode: '200', message: 'Success, transaction is canceled' },
  expire: { from: ['pending'], statusCode: '407', message: 'Success, transaction has expired' },
} as const satisfies Record<string, { from: readonly TransactionStatus[]; statusCode: string; message: string }>;

/**
 * Core API. Lookups, cancel and expire answer errors with a matching HTTP status; `/v2/charge`
 * answers its business errors (400 validation, 406 duplicate, 411 token) with HTTP 200 and the
 * code in the body, as the charge API does — clients must apply the body `status_code` rule.
 */
export function registerCoreApiRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { engine } = deps;

  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/v2/')) return;
    if (!hasServerKey(request.headers.authorization, deps.serverKey)) return reply.code(401).send(coreUnauthorizedBody);
  });

  app.get<{ Params: { id: string } }>('/v2/:id/status', async (request, reply) => {
    const transaction = engine.store.findByOrderOrTransactionId(request.params.id);
    const body = transaction && engine.statusBody(transaction);
    // A Snap order without a chosen payment method does not exist yet for the Core API.
    if (!body) return reply.code(404).send(notFoundBody);
    return reply.send(body);
  });

  for (const action of ['cancel', 'expire'] as const) {
    app.post<{ Params: { id: string } }>(`/v2/:id/${action}`, async (request, reply) => {
      const transaction = engine.store.findByOrderOrTransactionId(request.params.id);
      const payment = transaction?.payment;
      if (!transaction || !payment) return reply.code(404).send(notFoundBody);
      const rule = merchantActions[action];
      if (!(rule.from as readonly TransactionStatus[]).includes(payment.current.transactionStatus)) {
        return reply.code(412).send(cannotModifyBody);
      }
      const result = engine.transition(transaction, { transactionStatus: action }, { notify: true });
      if (!result.ok) return reply.code(412).send(cannotModifyBody);
      return reply.send(engine.answerBody(transaction, result.payment, rule.statusCode, rule.message));
    });
  }

  // Refund, and Direct Refund (straight to the provider; the same rules here, and it changes the status at once).
  for (const path of ['/v2/:id/refund', '/v2/:id/refund/online/direct']) {
    app.post<{ Params: { id: string } }>(path, async (request, reply) => {
      const transaction = engine.store.findByOrderOrTransactionId(request.params.id);
      if (!transaction?.payment) return reply.code(404).send(notFoundBody);
      const parsed = parseRefundRequest(request.body);
      if (!parsed.ok) return reply.code(parsed.refusal.httpStatus).send(parsed.refusal.body);
      const answer = engine.refund(transaction, parsed.request);
      return reply.code(answer.httpStatus).send(answer.body);
    });
  }

  app.post('/v2/charge', async (request, reply) => chargeSavedCard(request.body, request.headers, reply));

  async function chargeSavedCard(body: unknown, headers: Parameters<typeof notificationUrlsFor>[0], reply: FastifyReply) {
    const parsed = parseChargeRequest(body);
    if (!parsed.ok) {
      return reply.send({ status_code: '400', status_message: 'One or more parameters in the payload is invalid.', validation_messages: parsed.errors });
    }
    const notificationUrls = notificationUrlsFor(headers, deps.defaultNotificationUrl);
    if (!notificationUrls.ok) {
      return reply.send({ status_code: '400', status_message: 'One or more parameters in the payload is invalid.', validation_messages: [notificationUrls.error] });
    }
    if (engine.store.hasOrderId(parsed.request.orderId)) {
      return reply.send({ status_code: '406', status_message: 'Duplicate order ID. Order ID has already been utilized previously.' });
    }
    const token = engine.findUsableSavedToken(parsed.request.tokenId);
    if (!token) return reply.send({ status_code: '411', status_message: 'Token id is missing, invalid, or timed out' });

    const transaction = engine.chargeSavedCard(parsed.request, token, notificationUrls.urls);
    const payment = transaction.payment;
    if (!payment) return reply.code(500).send({ status_code: '500', status_message: 'Internal server error' });
    if (payment.current.transactionStatus === 'deny') {
      const by = payment.current.fraudStatus === 'deny' ? 'Deny by Midtrans FDS' : `Deny by Bank [${token.bank.toUpperCase()}] with code [05] and message [Do not honour]`;
      return reply.send(engine.answerBody(transaction, payment, '202', by));
    }
    return reply.send(engine.answerBody(transaction, payment, '200', 'Success, Credit Card transaction is successful'));
  }
}
