/**
 * The payment gateway port, in Langgan's own vocabulary. The Midtrans implementation
 * lives in ./midtrans/; services depend only on this interface, so tests and the
 * simulator can stand behind it without the rest of the code knowing.
 */

/** Our payment statuses. Money never moves backwards: see `isForwardTransition`. */
export type PaymentStatus = 'pending' | 'paid' | 'failed' | 'expired' | 'refunded';

export interface CheckoutItem {
  /** Stable item id shown on the gateway page, e.g. `plan_pro-monthly` or `proration-credit`. */
  id: string;
  /** At most 50 characters (Midtrans' limit). */
  name: string;
  /** Integer rupiah; may be negative for a credit line (proration). */
  price: number;
  quantity: number;
}

export interface CheckoutRequest {
  /** ≤ 50 chars, `[A-Za-z0-9\-_~.]` only; usable once per merchant. */
  orderId: string;
  /** Integer rupiah; must equal Σ price × quantity over items. */
  amount: number;
  currency: 'IDR';
  items: CheckoutItem[];
  customer?: { firstName?: string; email?: string };
  /** Where the gateway sends the browser after paying (a UX hint only, never fulfilment). */
  finishUrl: string;
  /** Lifetime of the payment link. */
  expiryMinutes: number;
  /** Ask the gateway to keep a card token for merchant-initiated renewals. */
  saveCard?: boolean;
  /** Gateway-side customer id (Midtrans `user_id`), needed with `saveCard`. */
  userId?: string;
}

export interface Checkout {
  /** Gateway token (Snap token). */
  token: string;
  /** Opaque URL of the hosted payment page. */
  redirectUrl: string;
}

/** What the gateway says about one order, already mapped to our vocabulary. */
export interface TransactionState {
  orderId: string;
  status: PaymentStatus;
  /** The gateway's own status word (e.g. `settlement`, `capture`), kept for the audit log. */
  gatewayStatus: string;
  fraudStatus?: string;
  /** Integer rupiah parsed from the gateway's `"150000.00"`. */
  grossAmount: number;
  currency: string;
  /** e.g. `credit_card`, `bank_transfer`, `qris`, `gopay`. */
  paymentType?: string;
  transactionId?: string;
  /** Settlement/capture time when paid. */
  paidAt?: Date;
  /** Card token for later merchant-initiated charges (only when `saveCard` was asked). */
  savedTokenId?: string;
  /** The card's last four digits (from the gateway's masked number), when paid by card. */
  cardLast4?: string;
  /** The card's brand, from the masked number's first digits (4 Visa, 5/2 Mastercard, 35 JCB, 34/37 Amex). */
  cardBrand?: 'visa' | 'mastercard' | 'jcb' | 'amex';
  /** How to pay, when the gateway said (a pending bank transfer's VA number, …). */
  instructions?: PaymentInstructions;
  /**
   * Money given back, when the gateway says the transaction was refunded (Midtrans `refund`,
   * `partial_refund`): its total, and each refund it listed. Read tolerantly — the gateway
   * does not always list them — so callers keep their own record of what they asked for.
   */
  refunds?: GatewayRefunds;
}

export interface GatewayRefund {
  /** The merchant's idempotency key (ours, or one the gateway made for a refund asked for elsewhere). */
  key: string;
  /** Integer rupiah. */
  amount: number;
  at?: Date;
  reason?: string;
}

export interface GatewayRefunds {
  /** The sum refunded so far, when the gateway said (or could be summed from `list`). */
  total?: number;
  list: GatewayRefund[];
}

export interface RefundRequest {
  orderId: string;
  /** Our idempotency key: the same key again is the same refund, never a second one. */
  refundKey: string;
  /** Integer rupiah, > 0, at most what is left to refund. */
  amount: number;
  reason: string;
}

/** The gateway accepted the refund: the money is on its way back. */
export interface RefundResult {
  refundKey: string;
  /** What the gateway says it refunded under this key (for a repeated key: the first request's amount). */
  amount: number;
  /** The transaction's status word afterwards (`refund`, `partial_refund`). */
  gatewayStatus: string;
}

/**
 * How the customer pays a pending payment, from the gateway's method-specific fields
 * (Midtrans: `va_numbers`, `permata_va_number`, `biller_code`/`bill_key`,
 * `store`/`payment_code`, `actions[generate-qr-code]`). Shown while the payment waits.
 */
export interface PaymentInstructions {
  /** A bank virtual account: the bank's code (`bca`, `bni`, `bri`, `permata`, …) and the number to transfer to. */
  va?: { bank: string; number: string };
  /** Mandiri bill payment (e-channel): company code and bill key. */
  bill?: { billerCode: string; billKey: string };
  /** Convenience store (`indomaret`, `alfamart`): the code shown at the till. */
  store?: { store: string; paymentCode: string };
  /** The gateway's page or image of the QR code to scan (QRIS, GoPay); http(s) only. */
  qrUrl?: string;
}

export interface ChargeSavedCardRequest {
  orderId: string;
  amount: number;
  currency: 'IDR';
  items: CheckoutItem[];
  savedTokenId: string;
}

export interface PaymentGateway {
  readonly name: string;
  /**
   * Origins of the hosted payment pages (`Checkout.redirectUrl`): a portal form may lead
   * there directly (its CSP form-action allows them, as Chrome checks redirects after a POST).
   */
  readonly checkoutOrigins: readonly string[];
  createCheckout(request: CheckoutRequest): Promise<Checkout>;
  /** `null` when the gateway does not know the order (normal right after checkout creation). */
  getStatus(orderId: string): Promise<TransactionState | null>;
  cancel(orderId: string): Promise<TransactionState>;
  expire(orderId: string): Promise<TransactionState>;
  /**
   * Merchant-initiated charge of a saved card (renewals). A decline is a result, not an error:
   * it resolves with status `failed`; protocol errors (e.g. unknown or expired token) throw.
   */
  chargeSavedCard(request: ChargeSavedCardRequest): Promise<TransactionState>;
  /** Whether the gateway's refund API can refund payments of this method (`payment_method`). */
  canRefund(method: string | null): boolean;
  /**
   * Refunds all or part of a settled payment, idempotent by `refundKey`. A refusal (not
   * settled, a method it cannot refund, more than is left) throws `gateway_rejected`; no
   * answer throws `gateway_unavailable` — the refund may or may not have happened, and asking
   * again with the same key settles which.
   */
  refund(request: RefundRequest): Promise<RefundResult>;
  /**
   * Verify an inbound notification body (signature checked in constant time).
   * Throws `GatewayError` with code `invalid_signature` or `invalid_notification`.
   * The returned state is the notification's claim; callers confirm it with `getStatus`.
   */
  verifyNotification(body: unknown): TransactionState;
}

/** Errors raised by gateway implementations; never carry the server key. */
export class GatewayError extends Error {
  constructor(
    readonly code:
      | 'invalid_signature'
      | 'invalid_notification'
      | 'gateway_rejected'
      | 'gateway_unauthorized'
      | 'gateway_unavailable'
      | 'gateway_not_found'
      /** The order id is spent at the gateway (a page exists that we never received, or any other use). */
      | 'order_id_taken',
    message: string,
    readonly details: { httpStatus?: number; statusCode?: string; messages?: string[] } = {},
  ) {
    super(message);
    this.name = 'GatewayError';
  }
}

const rank: Record<PaymentStatus, number> = { pending: 0, failed: 1, expired: 1, paid: 2, refunded: 3 };

/**
 * Payments only move forward: pending → paid|failed|expired, paid → refunded.
 * A late `pending` or `expire` notification after settlement is ignored, and a
 * terminal failure never turns back into pending. Paid after expired/failed is
 * allowed because a late settlement really did take the customer's money.
 */
export function isForwardTransition(from: PaymentStatus, to: PaymentStatus): boolean {
  if (from === to) return false;
  if (to === 'refunded') return from === 'paid';
  return rank[to] > rank[from];
}
