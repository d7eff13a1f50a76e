/** Domain of the simulated Midtrans: transactions as Midtrans sees them, in Midtrans' own words. */

export type PaymentMethod = 'credit_card' | 'bank_transfer' | 'qris' | 'gopay';
export type VaBank = 'bca' | 'bni' | 'bri';
/** `refund` and `partial_refund` are reached only through the refund API, never the test controls. */
export type TransactionStatus = 'pending' | 'capture' | 'settlement' | 'deny' | 'cancel' | 'expire' | 'refund' | 'partial_refund';
export type FraudStatus = 'accept' | 'challenge' | 'deny';

export const paymentMethods: readonly PaymentMethod[] = ['credit_card', 'bank_transfer', 'qris', 'gopay'];
export const vaBanks: readonly VaBank[] = ['bca', 'bni', 'bri'];
/** What the test controls may move a transaction to. */
export const transactionStatuses: readonly TransactionStatus[] = ['pending', 'capture', 'settlement', 'deny', 'cancel', 'expire'];
export const fraudStatuses: readonly FraudStatus[] = ['accept', 'challenge', 'deny'];

export interface Item {
  id?: string;
  name: string;
  /** Integer rupiah; negative for a discount or credit line. */
  price: number;
  quantity: number;
}

/** One status a payment has been in; kept so out-of-order notifications can be replayed faithfully. */
export interface StatusSnapshot {
  transactionStatus: TransactionStatus;
  fraudStatus: FraudStatus;
  /** When the payment entered this status. */
  at: Date;
  settlementTime?: Date;
}

export interface CardDetails {
  maskedCard: string;
  bank: string;
  cardType: 'credit';
  approvalCode: string;
  savedTokenId?: string;
  savedTokenExpiresAt?: Date;
}

/** One refund made through `POST /v2/{id}/refund`; `key` is the merchant's `refund_key` (or one we made). */
export interface Refund {
  chargebackId: number;
  key: string;
  amount: number;
  reason: string;
  at: Date;
}

/** Exists once a payment method was chosen (before that Midtrans answers 404 for the order). */
export interface Payment {
  method: PaymentMethod;
  transactionId: string;
  transactionTime: Date;
  va?: { bank: VaBank; number: string };
  card?: CardDetails;
  current: StatusSnapshot;
  /** Every status, oldest first, including `current`. */
  history: StatusSnapshot[];
  /** Refunds, oldest first; their sum never exceeds the gross amount. */
  refunds: Refund[];
}

export interface Transaction {
  orderId: string;
  /** `snap` for a hosted payment page, `core` for a merchant-initiated `/v2/charge`. */
  source: 'snap' | 'core';
  snapToken?: string;
  snapExpiresAt?: Date;
  grossAmount: number;
  items: Item[];
  customer: { firstName?: string; email?: string };
  finishUrl?: string;
  notificationUrls: string[];
  saveCard: boolean;
  userId?: string;
  createdAt: Date;
  payment?: Payment;
  deliveries: Delivery[];
}

export interface SavedCardToken {
  tokenId: string;
  maskedCard: string;
  bank: string;
  userId?: string;
  issuedForOrderId: string;
  expiresAt: Date;
  revoked: boolean;
  /** Set by the controls: the next merchant charges are denied, by the issuing bank or by fraud detection. */
  declinedBy?: 'bank' | 'fraud';
}

/** Notification bodies: all values strings, except Midtrans' `va_numbers` list. */
export type NotificationPayload = Record<string, string | Array<Record<string, string>>>;

export interface DeliveryAttempt {
  at: string;
  durationMs: number;
  httpStatus?: number;
  error?: string;
}

export interface Delivery {
  id: number;
  url: string;
  /** `current` for a state change, `duplicate` for a re-send, `stale` for an older state sent late. */
  kind: 'current' | 'duplicate' | 'stale';
  transactionStatus: string;
  statusCode: string;
  payload: NotificationPayload;
  state: 'sending' | 'waiting_retry' | 'delivered' | 'gave_up' | 'stopped';
  attempts: DeliveryAttempt[];
}
