import type { GatewayRefund, GatewayRefunds, PaymentInstructions, TransactionState } from '../gateway.ts';
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
  // `masked_card` is e.g. "48111111-1114": only its last four digits are kept.
  const cardLast4 = /^[0-9]{4,8}-?[0-9*]*([0-9]{4})$/.exec(optionalString(body, 'masked_card') ?? '')?.[1];
  if (cardLast4) state.cardLast4 = cardLast4;
  const cardBrand = cardBrandOf(optionalString(body, 'masked_card') ?? '');
  if (cardLast4 && cardBrand) state.cardBrand = cardBrand;
  const instructions = readInstructions(body);
  if (instructions) state.instructions = instructions;
  if (transactionStatus === 'refund' || transactionStatus === 'partial_refund') {
    state.refunds = readRefunds(body, transactionStatus === 'refund' ? grossAmount : undefined);
  }
  if (status === 'paid' || transactionStatus === 'refund') {
    const paidAtText = optionalString(body, 'settlement_time') ?? optionalString(body, 'transaction_time');
    const paidAt = paidAtText === undefined ? undefined : parseMidtransTime(paidAtText);
    if (paidAt) state.paidAt = paidAt;
  }
  return { ok: true, state };
}

/** A code a customer types or reads out: digits, letters and dashes, at most 40. */
const CODE = /^[A-Za-z0-9-]{1,40}$/;
const code = (value: unknown): string | undefined => (typeof value === 'string' && CODE.test(value) ? value : undefined);

/**
 * The method-specific "how to pay" fields, when they are well-formed; anything odd is left
 * out rather than shown to a customer (they would transfer money to it).
 */
export function readInstructions(body: JsonObject): PaymentInstructions | undefined {
  const found: PaymentInstructions = {};
  const vas = Array.isArray(body.va_numbers) ? body.va_numbers : [];
  for (const entry of vas) {
    if (!isJsonObject(entry)) continue;
    const bank = code(entry.bank);
    const number = code(entry.va_number);
    if (bank && number) {
      found.va = { bank: bank.toLowerCase(), number };
      break;
    }
  }
  const permata = code(body.permata_va_number);
  if (!found.va && permata) found.va = { bank: 'permata', number: permata };
  const billerCode = code(body.biller_code);
  const billKey = code(body.bill_key);
  if (billerCode && billKey) found.bill = { billerCode, billKey };
  const store = code(body.store);
  const paymentCode = code(body.payment_code);
  if (store && paymentCode) found.store = { store: store.toLowerCase(), paymentCode };
  const actions = Array.isArray(body.actions) ? body.actions : [];
  for (const action of actions) {
    if (!isJsonObject(action) || action.name !== 'generate-qr-code' || typeof action.url !== 'string') continue;
    try {
      const url = new URL(action.url);
      if (url.protocol === 'https:' || url.protocol === 'http:') found.qrUrl = url.toString();
    } catch {
      // not a URL: leave it out
    }
    break;
  }
  return Object.keys(found).length > 0 ? found : undefined;
}

/** An amount as Midtrans writes it (`"5000.00"`), or a plain integer. */
export function readAmount(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  return typeof value === 'string' ? parseGrossAmount(value) : undefined;
}

/**
 * What a refunded transaction's status or notification says was given back: `refund_amount`
 * (the total) and the `refunds` list (`refund_key`, `refund_amount`, `created_at` each), read
 * tolerantly — entries without a usable key and amount are left out, and a missing total is
 * the list's sum (or, for a full `refund`, the whole amount).
 */
export function readRefunds(body: JsonObject, fullAmount: number | undefined): GatewayRefunds {
  const list: GatewayRefund[] = [];
  for (const entry of Array.isArray(body.refunds) ? body.refunds : []) {
    if (!isJsonObject(entry)) continue;
    const key = typeof entry.refund_key === 'string' && entry.refund_key !== '' ? entry.refund_key : undefined;
    const amount = readAmount(entry.refund_amount);
    if (!key || amount === undefined || amount <= 0) continue;
    const at = typeof entry.created_at === 'string' ? parseMidtransTime(entry.created_at) : undefined;
    const refund: GatewayRefund = { key, amount };
    if (at) refund.at = at;
    if (typeof entry.reason === 'string' && entry.reason.trim()) refund.reason = entry.reason.trim().slice(0, 255);
    list.push(refund);
  }
  const listed = list.reduce((sum, r) => sum + r.amount, 0);
  const stated = readAmount(body.refund_amount);
  const total = Math.max(stated ?? 0, listed, fullAmount ?? 0);
  return total > 0 ? { total, list } : { list };
}

/** A card's brand from the first digits of its masked number (`48111111-1114` → visa). */
export function cardBrandOf(masked: string): TransactionState['cardBrand'] {
  if (/^4/.test(masked)) return 'visa';
  if (/^(5[1-5]|2[2-7])/.test(masked)) return 'mastercard';
  if (/^35/.test(masked)) return 'jcb';
  if (/^3[47]/.test(masked)) return 'amex';
  return undefined;
}
