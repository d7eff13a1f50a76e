import { newSavedTokenId, newSnapToken } from './ids.ts';
import type { Notifier } from './notifier.ts';
import { formatGrossAmount, notificationPayload, statusPayload, transactionPayload, type PayloadContext } from './payload.ts';
import { applyRefund, type RefundRequest } from './refunds.ts';
import type { SavedCardChargeRequest } from './charge-request.ts';
import type { SnapCreateRequest } from './snap-request.ts';
import type { SimulatorStore } from './store.ts';
import { applyTransition, simulatedCard, type TransitionResult, type TransitionTarget } from './transitions.ts';
import type { Delivery, NotificationPayload, Payment, SavedCardToken, StatusSnapshot, Transaction, TransactionStatus } from './types.ts';

const savedTokenLifetimeMs = 2 * 365 * 24 * 60 * 60 * 1000;

/** The simulated Midtrans: state changes, notifications and API bodies. Routes only translate HTTP. */
export class SimulatorEngine {
  constructor(
    readonly store: SimulatorStore,
    private readonly notifier: Notifier,
    private readonly context: PayloadContext,
  ) {}

  createSnapTransaction(request: SnapCreateRequest, notificationUrls: string[]): Transaction {
    const now = new Date();
    const transaction: Transaction = {
      orderId: request.orderId,
      source: 'snap',
      snapToken: newSnapToken(),
      snapExpiresAt: new Date(now.getTime() + request.expiryMs),
      grossAmount: request.grossAmount,
      items: request.items,
      customer: request.customer,
      notificationUrls,
      saveCard: request.saveCard,
      createdAt: now,
      deliveries: [],
    };
    if (request.finishUrl) transaction.finishUrl = request.finishUrl;
    if (request.userId) transaction.userId = request.userId;
    this.store.add(transaction);
    return transaction;
  }

  /**
   * Merchant-initiated charge of a saved card: captured and accepted at once, then notified;
   * or, for a token the controls marked as declining, denied (by the bank: `deny`/`accept`,
   * like sandbox card 4911…; by fraud detection: `deny`/`deny`, like 4611…) and notified.
   */
  chargeSavedCard(request: SavedCardChargeRequest, token: SavedCardToken, notificationUrls: string[]): Transaction {
    const transaction: Transaction = {
      orderId: request.orderId,
      source: 'core',
      grossAmount: request.grossAmount,
      items: request.items,
      customer: {},
      notificationUrls,
      saveCard: false,
      createdAt: new Date(),
      deliveries: [],
    };
    if (token.userId) transaction.userId = token.userId;
    this.store.add(transaction);
    const outcome: TransitionTarget = token.declinedBy
      ? { transactionStatus: 'deny', fraudStatus: token.declinedBy === 'fraud' ? 'deny' : 'accept', method: 'credit_card' }
      : { transactionStatus: 'capture', method: 'credit_card' };
    const result = this.transition(transaction, outcome, { notify: false });
    if (result.ok && result.payment.card) {
      Object.assign(result.payment.card, {
        maskedCard: token.maskedCard,
        bank: token.bank,
        savedTokenId: token.tokenId,
        savedTokenExpiresAt: token.expiresAt,
      });
    }
    this.notifyCurrent(transaction, 'current');
    return transaction;
  }

  transition(transaction: Transaction, target: TransitionTarget, options: { notify: boolean }): TransitionResult {
    const result = applyTransition(transaction, target, {
      now: new Date(),
      issueSavedToken: (owner, payment) => this.issueSavedToken(owner, payment),
    });
    if (!result.ok) return result;
    this.store.indexTransactionId(transaction);
    if (options.notify) this.notifyCurrent(transaction, 'current');
    return result;
  }

  /**
   * `POST /v2/{id}/refund`: a new refund moves the transaction to `refund`/`partial_refund`
   * and notifies the merchant; a repeated `refund_key` answers the same refund again.
   */
  refund(transaction: Transaction, request: RefundRequest): { httpStatus: number; body: Record<string, unknown> } {
    const decision = applyRefund(transaction, request, new Date());
    if (!decision.ok) return { httpStatus: decision.httpStatus, body: decision.body };
    const payment = transaction.payment!;
    if (!decision.repeated) this.notifyCurrent(transaction, 'current');
    const { refunds: _list, ...answer } = this.answerBody(transaction, payment, '200', 'Success, refund request is approved');
    const { refund } = decision;
    return {
      httpStatus: 200,
      body: { ...answer, refund_chargeback_id: String(refund.chargebackId), refund_amount: formatGrossAmount(refund.amount), refund_key: refund.key },
    };
  }

  /** Sends the current state again (`duplicate`), or for the first time (`current`). */
  notifyCurrent(transaction: Transaction, kind: 'current' | 'duplicate'): Delivery[] | undefined {
    const payment = transaction.payment;
    if (!payment) return undefined;
    return this.notifier.send(transaction, notificationPayload(transaction, payment, payment.current, this.context), kind);
  }

  /**
   * Sends a correctly signed notification for an older status, as Midtrans does when deliveries
   * cross. Uses the recorded snapshot of that status, or synthesises one if it never happened.
   */
  notifyStale(transaction: Transaction, status: TransactionStatus): Delivery[] | undefined {
    const payment = transaction.payment;
    if (!payment) return undefined;
    const recorded = payment.history.filter((snapshot) => snapshot.transactionStatus === status).at(-1);
    const snapshot: StatusSnapshot = recorded ?? { transactionStatus: status, fraudStatus: 'accept', at: payment.transactionTime };
    return this.notifier.send(transaction, notificationPayload(transaction, payment, snapshot, this.context), 'stale');
  }

  /** GET /v2/{id}/status body, or undefined while no payment method was chosen (Midtrans answers 404). */
  statusBody(transaction: Transaction): NotificationPayload | undefined {
    return transaction.payment ? statusPayload(transaction, transaction.payment, this.context) : undefined;
  }

  answerBody(transaction: Transaction, payment: Payment, statusCode: string, statusMessage: string): NotificationPayload {
    return transactionPayload(transaction, payment, payment.current, { statusCode, statusMessage }, this.context);
  }

  findUsableSavedToken(tokenId: string | undefined): SavedCardToken | undefined {
    const token = tokenId === undefined ? undefined : this.store.findSavedToken(tokenId);
    if (!token || token.revoked || token.expiresAt.getTime() <= Date.now()) return undefined;
    return token;
  }

  idle(): Promise<void> {
    return this.notifier.idle();
  }

  /** Forgets every transaction and token, and abandons deliveries in progress. */
  reset(): void {
    this.stopDeliveries();
    this.store.clear();
  }

  stopDeliveries(): void {
    this.notifier.stopAll(this.store.list().flatMap((transaction) => transaction.deliveries));
  }

  private issueSavedToken(transaction: Transaction, payment: Payment): void {
    if (!payment.card) return;
    const token: SavedCardToken = {
      tokenId: newSavedTokenId(simulatedCard.firstSix, simulatedCard.lastFour),
      maskedCard: payment.card.maskedCard,
      bank: payment.card.bank,
      issuedForOrderId: transaction.orderId,
      expiresAt: new Date(Date.now() + savedTokenLifetimeMs),
      revoked: false,
    };
    if (transaction.userId) token.userId = transaction.userId;
    this.store.addSavedToken(token);
    payment.card.savedTokenId = token.tokenId;
    payment.card.savedTokenExpiresAt = token.expiresAt;
  }
}
