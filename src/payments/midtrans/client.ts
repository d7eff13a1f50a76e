import {
  GatewayError,
  type ChargeSavedCardRequest,
  type Checkout,
  type CheckoutItem,
  type CheckoutRequest,
  type PaymentGateway,
  type RefundRequest,
  type RefundResult,
  type TransactionState,
} from '../gateway.ts';
import { createMidtransHttp, errorMessagesOf, failingStatus, gatewayErrorFor, type MidtransReply } from './http.ts';
import { verifySignature } from './signature.ts';
import { isJsonObject, readAmount, readTransactionState, type JsonObject } from './transaction-state.ts';

export interface MidtransGatewayOptions {
  serverKey: string;
  /** e.g. `https://app.sandbox.midtrans.com/snap/v1`, or the simulator's `<url>/snap/v1`. */
  snapBaseUrl: string;
  /** e.g. `https://api.sandbox.midtrans.com`, or the simulator's base URL. */
  coreBaseUrl: string;
  /** Per attempt, including reading the body. Default 10 000 ms. */
  timeoutMs?: number;
  /** Extra attempts after a network error, timeout or HTTP 5xx (never after a 4xx). Default 2. */
  maxRetries?: number;
  /** First backoff delay, doubled for each further retry. Default 250 ms. */
  retryDelayMs?: number;
  /**
   * Sent as `X-Override-Notification` on Snap create and on `/v2/charge`, replacing the dashboard
   * notification URL for those transactions.
   */
  notificationUrl?: string;
  fetch?: typeof globalThis.fetch;
}

export type MidtransEnvironment = 'sandbox' | 'production';

export function midtransHosts(environment: MidtransEnvironment): { snapBaseUrl: string; coreBaseUrl: string } {
  return environment === 'production'
    ? { snapBaseUrl: 'https://app.midtrans.com/snap/v1', coreBaseUrl: 'https://api.midtrans.com' }
    : { snapBaseUrl: 'https://app.sandbox.midtrans.com/snap/v1', coreBaseUrl: 'https://api.sandbox.midtrans.com' };
}

const withoutTrailingSlash = (url: string) => url.replace(/\/+$/, '');

function itemDetails(items: CheckoutItem[]) {
  return items.map((item) => ({ id: item.id, price: item.price, quantity: item.quantity, name: item.name }));
}

export function snapTransactionBody(request: CheckoutRequest): JsonObject {
  const body: JsonObject = {
    transaction_details: { order_id: request.orderId, gross_amount: request.amount },
    item_details: itemDetails(request.items),
    callbacks: { finish: request.finishUrl },
    expiry: { unit: 'minute', duration: request.expiryMinutes },
  };
  const customer: JsonObject = {};
  if (request.customer?.firstName) customer.first_name = request.customer.firstName;
  if (request.customer?.email) customer.email = request.customer.email;
  if (Object.keys(customer).length > 0) body.customer_details = customer;
  if (request.saveCard) {
    if (request.userId) body.user_id = request.userId;
    body.credit_card = { save_card: true };
  }
  return body;
}

/** A duplicate order_id answer: Core API status 406, or a Snap validation message about order_id. */
function isDuplicateOrderReply(reply: MidtransReply, status: number): boolean {
  if (status === 406) return true;
  return status === 400 && errorMessagesOf(reply.body).some((message) => /order_id/i.test(message) && /taken|already|utili[sz]ed|digunakan|duplicate/i.test(message));
}

/**
 * Methods Midtrans' refund API accepts (protocol reference, "Core API"). Bank transfers (VA),
 * Mandiri bill, Permata and convenience stores are refunded outside Midtrans.
 */
export const MIDTRANS_REFUNDABLE_METHODS: readonly string[] = ['credit_card', 'gopay', 'shopeepay', 'dana', 'ovo', 'qris', 'kredivo', 'akulaku'];

export function createMidtransGateway(options: MidtransGatewayOptions): PaymentGateway {
  const snapBaseUrl = withoutTrailingSlash(options.snapBaseUrl);
  const coreBaseUrl = withoutTrailingSlash(options.coreBaseUrl);
  const http = createMidtransHttp({
    serverKey: options.serverKey,
    timeoutMs: options.timeoutMs ?? 10_000,
    maxRetries: options.maxRetries ?? 2,
    retryDelayMs: options.retryDelayMs ?? 250,
    fetch: options.fetch ?? globalThis.fetch,
  });

  const notificationHeaders: Record<string, string> = options.notificationUrl ? { 'X-Override-Notification': options.notificationUrl } : {};
  const orderPath = (orderId: string, action: string) => `${coreBaseUrl}/v2/${encodeURIComponent(orderId)}/${action}`;

  function unexpectedResponse(label: string, problem: string): GatewayError {
    return new GatewayError('gateway_unavailable', `Midtrans ${label} returned an unexpected response: ${problem}`);
  }

  function stateFrom(reply: MidtransReply, label: string): TransactionState {
    if (!reply.body) throw unexpectedResponse(label, 'body is not a JSON object');
    const reading = readTransactionState(reply.body);
    if (!reading.ok) throw unexpectedResponse(label, http.redact(reading.problem));
    return reading.state;
  }

  async function getStatus(orderId: string): Promise<TransactionState | null> {
    const label = 'GET /v2/{order_id}/status';
    const reply = await http.send({ method: 'GET', url: orderPath(orderId, 'status'), label });
    const status = failingStatus(reply);
    // Unknown order (and a Snap order with no method chosen yet) answers 404, with HTTP 200 or 404.
    if (status === 404) return null;
    if (status !== undefined) throw gatewayErrorFor(reply, status, label, http.redact);
    return stateFrom(reply, label);
  }

  /**
   * Cancel and expire: if an earlier attempt may have gone through, a later 412 ("cannot modify")
   * can be our own first attempt's success, so it is resolved with the status API.
   */
  async function changeStatus(orderId: string, action: 'cancel' | 'expire'): Promise<TransactionState> {
    const label = `POST /v2/{order_id}/${action}`;
    const reply = await http.send({ method: 'POST', url: orderPath(orderId, action), label });
    const status = failingStatus(reply);
    if (status === undefined) return stateFrom(reply, label);
    if (status === 412 && reply.afterAmbiguousAttempt) {
      const current = await getStatus(orderId);
      if (current?.gatewayStatus === action) return current;
    }
    throw gatewayErrorFor(reply, status, label, http.redact);
  }

  return {
    name: 'midtrans',
    // Snap's API and its payment pages share a host (app.midtrans.com, app.sandbox.midtrans.com, the simulator).
    checkoutOrigins: [new URL(snapBaseUrl).origin],

    async createCheckout(request: CheckoutRequest): Promise<Checkout> {
      const label = 'POST /snap/v1/transactions';
      const reply = await http.send({ method: 'POST', url: `${snapBaseUrl}/transactions`, label, body: snapTransactionBody(request), headers: notificationHeaders });
      const status = failingStatus(reply);
      if (status !== undefined) {
        // A "duplicate" answer means this order id is spent: on a retry, most likely by our own
        // earlier attempt, whose token the API cannot return again. Either way no page for this
        // order id can reach us any more; the caller needs a fresh order id.
        if (isDuplicateOrderReply(reply, status)) {
          const why = reply.afterAmbiguousAttempt ? 'outcome unknown after a retry' : 'order_id already used';
          throw new GatewayError('order_id_taken', `Midtrans ${label}: ${why} (order_id already used)`, {
            httpStatus: reply.httpStatus,
            messages: errorMessagesOf(reply.body).map(http.redact),
          });
        }
        throw gatewayErrorFor(reply, status, label, http.redact);
      }
      const token = reply.body?.token;
      const redirectUrl = reply.body?.redirect_url;
      if (typeof token !== 'string' || token === '' || typeof redirectUrl !== 'string' || redirectUrl === '') {
        throw unexpectedResponse(label, 'token or redirect_url is missing');
      }
      return { token, redirectUrl };
    },

    getStatus,

    cancel: (orderId: string) => changeStatus(orderId, 'cancel'),

    expire: (orderId: string) => changeStatus(orderId, 'expire'),

    async chargeSavedCard(request: ChargeSavedCardRequest): Promise<TransactionState> {
      const label = 'POST /v2/charge';
      const body = {
        payment_type: 'credit_card',
        transaction_details: { order_id: request.orderId, gross_amount: request.amount },
        item_details: itemDetails(request.items),
        credit_card: { token_id: request.savedTokenId, initiated_by: 'merchant' },
      };
      const reply = await http.send({ method: 'POST', url: `${coreBaseUrl}/v2/charge`, label, body, headers: notificationHeaders });
      const status = failingStatus(reply);
      if (status === undefined) return stateFrom(reply, label);
      if (reply.afterAmbiguousAttempt && isDuplicateOrderReply(reply, status)) {
        // Our earlier attempt may have charged the card: the status API knows.
        const current = await getStatus(request.orderId);
        if (current) return current;
        throw new GatewayError('gateway_unavailable', `Midtrans ${label}: outcome unknown after a retry (order_id already used)`);
      }
      throw gatewayErrorFor(reply, status, label, http.redact);
    },

    canRefund: (method: string | null) => method !== null && MIDTRANS_REFUNDABLE_METHODS.includes(method),

    /**
     * `POST /v2/{order_id}/refund`. Retries (timeouts, 5xx) resend the same `refund_key`, which
     * Midtrans treats as the same refund, so a retry never refunds twice.
     */
    async refund(request: RefundRequest): Promise<RefundResult> {
      const label = 'POST /v2/{order_id}/refund';
      const body = { refund_key: request.refundKey, amount: request.amount, reason: request.reason };
      const reply = await http.send({ method: 'POST', url: orderPath(request.orderId, 'refund'), label, body });
      const status = failingStatus(reply);
      if (status !== undefined) throw gatewayErrorFor(reply, status, label, http.redact);
      const answer = reply.body;
      const gatewayStatus = answer?.transaction_status;
      if (gatewayStatus !== 'refund' && gatewayStatus !== 'partial_refund') {
        throw unexpectedResponse(label, `transaction_status is ${JSON.stringify(gatewayStatus)}, not refund or partial_refund`);
      }
      // The answer describes this refund; an answer without its amount is taken as what we asked.
      const amount = readAmount(answer?.refund_amount) ?? request.amount;
      const refundKey = typeof answer?.refund_key === 'string' && answer.refund_key !== '' ? answer.refund_key : request.refundKey;
      return { refundKey, amount, gatewayStatus };
    },

    verifyNotification(body: unknown): TransactionState {
      if (!isJsonObject(body)) throw new GatewayError('invalid_notification', 'Notification body is not a JSON object');
      const required = ['order_id', 'status_code', 'gross_amount', 'signature_key', 'transaction_status'] as const;
      const missing = required.filter((field) => typeof body[field] !== 'string' || body[field] === '');
      if (missing.length > 0) {
        throw new GatewayError('invalid_notification', `Notification is missing string fields: ${missing.join(', ')}`);
      }
      const { order_id, status_code, gross_amount, signature_key } = body as Record<(typeof required)[number], string>;
      if (!verifySignature(order_id, status_code, gross_amount, options.serverKey, signature_key)) {
        throw new GatewayError('invalid_signature', 'Notification signature_key does not match');
      }
      const reading = readTransactionState(body);
      if (!reading.ok) throw new GatewayError('invalid_notification', `Notification is not usable: ${http.redact(reading.problem)}`);
      return reading.state;
    },
  };
}
