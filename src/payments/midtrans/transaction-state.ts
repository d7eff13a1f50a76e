import type { TransactionState } from '../gateway.ts';
import { mapTransactionStatus, parseGrossAmount, parseMidtransTime } from './status-map.ts';

export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(body: JsonObject, field: string): string | undefined {
  const value = body[field];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export type StateReading = { ok: true; state: TransactionState } | { ok: false; problem: string };

/**
 * Reads a Midtrans transaction body (notification, status, cancel, expire or charge response)
 * into our vocabulary. Unknown fields are ignored, as Midtrans asks of receivers.
 */
export function readTransactionState(body: JsonObject): StateReading {
  const orderId = optionalString(body, 'order_id');
  const transactionStatus = optionalString(body, 'transaction_status');
  const grossAmountText = optionalString(body, 'gross_amount');
  if (!orderId) return { ok: false, problem: 'order_id is missing' };
  if (!transactionStatus) return { ok: false, problem: 'transaction_status is missing' };
  if (!grossAmountText) return { ok: false, problem: 'gross_amount is missing' };

  const grossAmount = parseGrossAmount(grossAmountText);
  if (grossAmount === undefined) return { ok: false, problem: `gross_amount ${JSON.stringify(grossAmountText)} is not an integral amount` };
  const fraudStatus = optionalString(body, 'fraud_status');
  const status = mapTransactionStatus(transactionStatus, fraudStatus);
  if (!status) return { ok: false, problem: `transaction_status ${JSON.stringify(transactionStatus)} is not recognised` };

  const state: TransactionState = {
    orderId,
    status,
    gatewayStatus: transactionStatus,
    grossAmount,
    currency: optionalString(body, 'currency') ?? 'IDR',
  };
  if (fraudStatus) state.fraudStatus = fraudStatus;
  const paymentType = optionalString(body, 'payment_type');
  if (paymentType) state.paymentType = paymentType;
  const transactionId = optionalString(body, 'transaction_id');
  if (transactionId) state.transactionId = transactionId;
  const savedTokenId = optionalString(body, 'saved_token_id');
  if (savedTokenId) state.savedTokenId = savedTokenId;
  if (status === 'paid') {
    const paidAtText = optionalString(body, 'settlement_time') ?? optionalString(body, 'transaction_time');
    const paidAt = paidAtText === undefined ? undefined : parseMidtransTime(paidAtText);
    if (paidAt) state.paidAt = paidAt;
  }
  return { ok: true, state };
}
