import { createHash } from 'node:crypto';
import { formatJakartaTime } from './time.ts';
import type { NotificationPayload, Payment, StatusSnapshot, Transaction, TransactionStatus } from './types.ts';

export interface PayloadContext {
  serverKey: string;
  merchantId: string;
}

/** Written independently of src/payments so the conformance test checks two implementations. */
export function signatureKey(orderId: string, statusCode: string, grossAmount: string, serverKey: string): string {
  return createHash('sha512').update(`${orderId}${statusCode}${grossAmount}${serverKey}`).digest('hex');
}

export function formatGrossAmount(amount: number): string {
  return `${amount}.00`;
}

/** status_code of a notification and of the finish redirect. */
export function notificationStatusCode(status: TransactionStatus): string {
  switch (status) {
    case 'capture':
    case 'settlement':
    case 'refund':
    case 'partial_refund':
      return '200';
    case 'pending':
      return '201';
    default:
      return '202';
  }
}

/** The status API answers 407 for an expired transaction (the reason the official clients exempt 407). */
export function statusApiStatusCode(status: TransactionStatus): string {
  return status === 'expire' ? '407' : notificationStatusCode(status);
}

function methodFields(payment: Payment, snapshot: StatusSnapshot): NotificationPayload {
  switch (payment.method) {
    case 'bank_transfer':
      return payment.va ? { va_numbers: [{ bank: payment.va.bank, va_number: payment.va.number }] } : {};
    case 'qris':
      return { acquirer: 'gopay', issuer: 'gopay', transaction_type: 'on-us' };
    case 'gopay':
      return {};
    case 'credit_card': {
      const card = payment.card;
      if (!card) return {};
      const approved = ['capture', 'settlement', 'refund', 'partial_refund'].includes(snapshot.transactionStatus);
      const fields: NotificationPayload = {
        masked_card: card.maskedCard,
        card_type: card.cardType,
        bank: card.bank,
        eci: '05',
        channel_response_code: approved ? '00' : '05',
        channel_response_message: approved ? 'Approved' : 'Do not honor',
      };
      if (approved) fields.approval_code = card.approvalCode;
      if (card.savedTokenId && card.savedTokenExpiresAt && approved) {
        fields.saved_token_id = card.savedTokenId;
        fields.saved_token_id_expired_at = formatJakartaTime(card.savedTokenExpiresAt);
      }
      return fields;
    }
  }
}

/**
 * The transaction body shared by notifications and Core API answers, describing the payment as it
 * was in `snapshot` (the current state, or an older one for an out-of-order notification).
 */
export function transactionPayload(
  transaction: Transaction,
  payment: Payment,
  snapshot: StatusSnapshot,
  answer: { statusCode: string; statusMessage: string },
  context: PayloadContext,
): NotificationPayload {
  const grossAmount = formatGrossAmount(transaction.grossAmount);
  const payload: NotificationPayload = {
    transaction_time: formatJakartaTime(payment.transactionTime),
    transaction_status: snapshot.transactionStatus,
    transaction_id: payment.transactionId,
    status_message: answer.statusMessage,
    status_code: answer.statusCode,
    signature_key: signatureKey(transaction.orderId, answer.statusCode, grossAmount, context.serverKey),
    payment_type: payment.method,
    order_id: transaction.orderId,
    merchant_id: context.merchantId,
    gross_amount: grossAmount,
    fraud_status: snapshot.fraudStatus,
    currency: 'IDR',
    ...methodFields(payment, snapshot),
  };
  if (snapshot.settlementTime) payload.settlement_time = formatJakartaTime(snapshot.settlementTime);
  if (snapshot.transactionStatus === 'refund' || snapshot.transactionStatus === 'partial_refund') Object.assign(payload, refundFields(payment, snapshot));
  if (transaction.snapExpiresAt && snapshot.transactionStatus === 'pending') {
    payload.expiry_time = formatJakartaTime(transaction.snapExpiresAt);
  }
  return payload;
}

export function notificationPayload(
  transaction: Transaction,
  payment: Payment,
  snapshot: StatusSnapshot,
  context: PayloadContext,
): NotificationPayload {
  const statusCode = notificationStatusCode(snapshot.transactionStatus);
  return transactionPayload(transaction, payment, snapshot, { statusCode, statusMessage: 'midtrans payment notification' }, context);
}

export function statusPayload(transaction: Transaction, payment: Payment, context: PayloadContext): NotificationPayload {
  const statusCode = statusApiStatusCode(payment.current.transactionStatus);
  return transactionPayload(transaction, payment, payment.current, { statusCode, statusMessage: 'Success, transaction is found' }, context);
}

/**
 * A refunded transaction's refunds as the status API and notifications report them: the
 * total `refund_amount` and the `refunds` list, up to the state described by `snapshot`.
 */
function refundFields(payment: Payment, snapshot: StatusSnapshot): NotificationPayload {
  const refunds = payment.refunds.filter((refund) => refund.at <= snapshot.at);
  const total = refunds.reduce((sum, refund) => sum + refund.amount, 0);
  return {
    refund_amount: formatGrossAmount(total),
    refunds: refunds.map((refund) => ({
      refund_chargeback_id: String(refund.chargebackId),
      refund_amount: formatGrossAmount(refund.amount),
      created_at: formatJakartaTime(refund.at),
      reason: refund.reason,
      refund_key: refund.key,
    })),
  };
}
