import { newApprovalCode, newTransactionId, newVaNumber } from './ids.ts';
import type { FraudStatus, Payment, PaymentMethod, StatusSnapshot, Transaction, TransactionStatus, VaBank } from './types.ts';

export interface TransitionTarget {
  transactionStatus: TransactionStatus;
  /** Defaults to `accept`; `challenge` only with `capture`. */
  fraudStatus?: FraudStatus;
  /** Used only when no method was chosen yet; defaults to bank_transfer (bca), or credit_card for `capture`. */
  method?: PaymentMethod;
  bank?: VaBank;
}

export type TransitionResult = { ok: true; payment: Payment } | { ok: false; reason: string };

/** Midtrans' status cycle (docs: "Transaction Status Cycle"), without refunds and chargebacks. */
const nextStatuses: Record<TransactionStatus, readonly TransactionStatus[]> = {
  pending: ['capture', 'settlement', 'deny', 'cancel', 'expire'],
  capture: ['settlement', 'cancel'],
  settlement: [],
  deny: [],
  cancel: [],
  expire: [],
  // Reached only through the refund API (refunds.ts).
  refund: [],
  partial_refund: [],
};

/** The test card every simulated card payment uses (sandbox "accepted" card 4811 1111 1111 1114). */
export const simulatedCard = { firstSix: '481111', lastFour: '1114', maskedCard: '48111111-1114', bank: 'bni' };

function methodFor(payment: Payment | undefined, target: TransitionTarget): PaymentMethod {
  if (payment) return payment.method;
  return target.method ?? (target.transactionStatus === 'capture' ? 'credit_card' : 'bank_transfer');
}

export function transitionProblem(payment: Payment | undefined, target: TransitionTarget): string | undefined {
  const to = target.transactionStatus;
  const fraud = target.fraudStatus ?? 'accept';
  if (to === 'capture' && methodFor(payment, target) !== 'credit_card') return 'capture applies to credit_card payments only';
  if (fraud === 'challenge' && to !== 'capture') return 'fraud_status challenge applies to capture only';
  if (!payment) return undefined;
  const from = payment.current;
  // A challenged capture is resolved by approve (capture/accept), deny or cancel.
  if (from.transactionStatus === 'capture' && from.fraudStatus === 'challenge') {
    if ((to === 'capture' && fraud === 'accept') || to === 'deny' || to === 'cancel') return undefined;
  }
  if (!nextStatuses[from.transactionStatus].includes(to)) {
    return `transaction_status cannot change from ${from.transactionStatus} to ${to}`;
  }
  return undefined;
}

export interface TransitionEffects {
  now: Date;
  /** Issues a saved card token for this transaction; called once, on the first successful card payment. */
  issueSavedToken(transaction: Transaction, payment: Payment): void;
}

function firstPayment(transaction: Transaction, target: TransitionTarget, snapshot: StatusSnapshot): Payment {
  const method = methodFor(undefined, target);
  const payment: Payment = { method, transactionId: newTransactionId(), transactionTime: snapshot.at, current: snapshot, history: [], refunds: [] };
  if (method === 'bank_transfer') {
    const bank = target.bank ?? 'bca';
    payment.va = { bank, number: newVaNumber(bank) };
  }
  if (method === 'credit_card') {
    payment.card = { maskedCard: simulatedCard.maskedCard, bank: simulatedCard.bank, cardType: 'credit', approvalCode: newApprovalCode() };
  }
  transaction.payment = payment;
  return payment;
}

function snapshotFor(target: TransitionTarget, now: Date): StatusSnapshot {
  const snapshot: StatusSnapshot = { transactionStatus: target.transactionStatus, fraudStatus: target.fraudStatus ?? 'accept', at: now };
  if (target.transactionStatus === 'settlement') snapshot.settlementTime = now;
  return snapshot;
}

export function applyTransition(transaction: Transaction, target: TransitionTarget, effects: TransitionEffects): TransitionResult {
  const problem = transitionProblem(transaction.payment, target);
  if (problem) return { ok: false, reason: problem };
  const snapshot = snapshotFor(target, effects.now);
  const payment = transaction.payment ?? firstPayment(transaction, target, snapshot);
  payment.current = snapshot;
  payment.history.push(snapshot);
  const paid = payment.current.transactionStatus === 'settlement' ||
    (payment.current.transactionStatus === 'capture' && payment.current.fraudStatus === 'accept');
  if (paid && payment.method === 'credit_card' && transaction.saveCard && !payment.card?.savedTokenId) {
    effects.issueSavedToken(transaction, payment);
  }
  return { ok: true, payment };
}
