import type { FastifyInstance } from 'fastify';
import type { TransitionTarget } from '../transitions.ts';
import {
  fraudStatuses,
  paymentMethods,
  transactionStatuses,
  vaBanks,
  type Delivery,
  type SavedCardToken,
  type Transaction,
} from '../types.ts';
import { isJsonObject } from '../validation.ts';
import { hasServerKey } from '../auth.ts';
import type { RouteDeps } from './deps.ts';

type OrderParams = { order_id: string };

const iso = (date: Date | undefined) => date?.toISOString() ?? null;

function describeDelivery(delivery: Delivery) {
  return {
    id: delivery.id,
    url: delivery.url,
    kind: delivery.kind,
    state: delivery.state,
    transaction_status: delivery.transactionStatus,
    status_code: delivery.statusCode,
    attempts: delivery.attempts,
    payload: delivery.payload,
  };
}

function describeTransaction(transaction: Transaction) {
  const payment = transaction.payment;
  return {
    order_id: transaction.orderId,
    source: transaction.source,
    snap_token: transaction.snapToken ?? null,
    snap_expires_at: iso(transaction.snapExpiresAt),
    gross_amount: transaction.grossAmount,
    items: transaction.items,
    customer: transaction.customer,
    finish_url: transaction.finishUrl ?? null,
    notification_urls: transaction.notificationUrls,
    save_card: transaction.saveCard,
    user_id: transaction.userId ?? null,
    created_at: transaction.createdAt.toISOString(),
    payment: payment
      ? {
          payment_type: payment.method,
          transaction_id: payment.transactionId,
          transaction_status: payment.current.transactionStatus,
          fraud_status: payment.current.fraudStatus,
          va: payment.va ?? null,
          masked_card: payment.card?.maskedCard ?? null,
          saved_token_id: payment.card?.savedTokenId ?? null,
          refunds: payment.refunds.map((refund) => ({ refund_key: refund.key, amount: refund.amount, reason: refund.reason, at: refund.at.toISOString() })),
          history: payment.history.map((snapshot) => ({
            transaction_status: snapshot.transactionStatus,
            fraud_status: snapshot.fraudStatus,
            at: snapshot.at.toISOString(),
          })),
        }
      : null,
  };
}

function describeSavedToken(token: SavedCardToken) {
  return {
    token_id: token.tokenId,
    masked_card: token.maskedCard,
    user_id: token.userId ?? null,
    issued_for_order_id: token.issuedForOrderId,
    expires_at: token.expiresAt.toISOString(),
    revoked: token.revoked,
    declined_by: token.declinedBy ?? null,
  };
}

function oneOf<T extends string>(allowed: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value);
}

type TransitionParse = { ok: true; target: TransitionTarget; notify: boolean } | { ok: false; error: string };

function parseTransition(body: unknown): TransitionParse {
  if (!isJsonObject(body)) return { ok: false, error: 'body must be a JSON object with transaction_status' };
  const { transaction_status, fraud_status, payment_type, bank, notify } = body;
  if (!oneOf(transactionStatuses, transaction_status)) return { ok: false, error: `transaction_status must be one of ${transactionStatuses.join(', ')}` };
  if (fraud_status !== undefined && !oneOf(fraudStatuses, fraud_status)) return { ok: false, error: `fraud_status must be one of ${fraudStatuses.join(', ')}` };
  if (payment_type !== undefined && !oneOf(paymentMethods, payment_type)) return { ok: false, error: `payment_type must be one of ${paymentMethods.join(', ')}` };
  if (bank !== undefined && !oneOf(vaBanks, bank)) return { ok: false, error: `bank must be one of ${vaBanks.join(', ')}` };
  if (notify !== undefined && typeof notify !== 'boolean') return { ok: false, error: 'notify must be a boolean' };
  const target: TransitionTarget = { transactionStatus: transaction_status };
  if (fraud_status) target.fraudStatus = fraud_status;
  if (payment_type) target.method = payment_type;
  if (bank) target.bank = bank;
  return { ok: true, target, notify: notify ?? true };
}

/**
 * Test controls under `/__simulator/` (JSON): inspect and drive transactions. They settle
 * any order and list every customer's, so they need the simulator's server key, sent the
 * way Midtrans' own APIs take it (`Authorization: Basic base64(<server key>:)`).
 */
export function registerControlRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { engine } = deps;
  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/__simulator/')) return;
    if (!hasServerKey(request.headers.authorization, deps.serverKey)) {
      return reply.code(401).send({ error: "The simulator's controls need Authorization: Basic base64(<server key>:)" });
    }
  });
  const notFound = { error: 'transaction not found' };

  app.get('/__simulator/transactions', async () => ({ transactions: engine.store.list().map(describeTransaction) }));

  app.get<{ Params: OrderParams }>('/__simulator/transactions/:order_id', async (request, reply) => {
    const transaction = engine.store.findByOrderId(request.params.order_id);
    if (!transaction) return reply.code(404).send(notFound);
    return {
      transaction: describeTransaction(transaction),
      status: engine.statusBody(transaction) ?? null,
      deliveries: transaction.deliveries.map(describeDelivery),
    };
  });

  app.post<{ Params: OrderParams }>('/__simulator/transactions/:order_id/transition', async (request, reply) => {
    const transaction = engine.store.findByOrderId(request.params.order_id);
    if (!transaction) return reply.code(404).send(notFound);
    const parsed = parseTransition(request.body);
    if (!parsed.ok) return reply.code(400).send({ error: parsed.error });
    const deliveriesBefore = transaction.deliveries.length;
    const result = engine.transition(transaction, parsed.target, { notify: parsed.notify });
    if (!result.ok) return reply.code(409).send({ error: result.reason });
    return {
      transaction: describeTransaction(transaction),
      status: engine.statusBody(transaction) ?? null,
      deliveries: transaction.deliveries.slice(deliveriesBefore).map(describeDelivery),
    };
  });

  /** Without a body: re-send the current notification (a duplicate). With `transaction_status`: a stale one. */
  app.post<{ Params: OrderParams }>('/__simulator/transactions/:order_id/notify', async (request, reply) => {
    const transaction = engine.store.findByOrderId(request.params.order_id);
    if (!transaction) return reply.code(404).send(notFound);
    const body = request.body;
    const requested = isJsonObject(body) ? body.transaction_status : undefined;
    if (requested !== undefined && !oneOf(transactionStatuses, requested)) {
      return reply.code(400).send({ error: `transaction_status must be one of ${transactionStatuses.join(', ')}` });
    }
    const deliveries = requested === undefined ? engine.notifyCurrent(transaction, 'duplicate') : engine.notifyStale(transaction, requested);
    if (!deliveries) return reply.code(409).send({ error: 'no payment method chosen yet: there is nothing to notify' });
    return reply.code(202).send({ deliveries: deliveries.map(describeDelivery) });
  });

  app.get('/__simulator/saved-tokens', async () => ({ saved_tokens: engine.store.listSavedTokens().map(describeSavedToken) }));

  app.post<{ Params: { token: string } }>('/__simulator/saved-tokens/:token/revoke', async (request, reply) => {
    const token = engine.store.findSavedToken(request.params.token);
    if (!token) return reply.code(404).send({ error: 'saved token not found' });
    token.revoked = true;
    return { saved_token: describeSavedToken(token) };
  });

  /** `{declined_by: "bank" | "fraud"}`: the token's next charges are denied; `{declined_by: null}`: accepted again. */
  app.post<{ Params: { token: string } }>('/__simulator/saved-tokens/:token/decline', async (request, reply) => {
    const token = engine.store.findSavedToken(request.params.token);
    if (!token) return reply.code(404).send({ error: 'saved token not found' });
    const body = request.body;
    const by = isJsonObject(body) ? body.declined_by : undefined;
    if (by !== null && by !== 'bank' && by !== 'fraud') return reply.code(400).send({ error: 'declined_by must be "bank", "fraud" or null' });
    if (by === null) delete token.declinedBy;
    else token.declinedBy = by;
    return { saved_token: describeSavedToken(token) };
  });

  /** Resolves once every notification has been delivered or given up (at most `timeout_ms`, default 30 s). */
  app.post('/__simulator/deliveries/wait', async (request) => {
    const body = request.body;
    const requested = isJsonObject(body) ? body.timeout_ms : undefined;
    const timeoutMs = typeof requested === 'number' && requested > 0 ? Math.min(requested, 120_000) : 30_000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => { timer = setTimeout(() => resolve(false), timeoutMs); });
    const idle = await Promise.race([engine.idle().then(() => true as const), timedOut]);
    clearTimeout(timer);
    return { idle };
  });

  app.post('/__simulator/reset', async () => {
    engine.reset();
    return { reset: true };
  });
}
