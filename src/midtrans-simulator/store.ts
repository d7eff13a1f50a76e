import type { SavedCardToken, Transaction } from './types.ts';

/** All simulator state, in memory. */
export class SimulatorStore {
  private readonly transactionsByOrderId = new Map<string, Transaction>();
  private readonly orderIdBySnapToken = new Map<string, string>();
  private readonly orderIdByTransactionId = new Map<string, string>();
  private readonly savedTokens = new Map<string, SavedCardToken>();

  hasOrderId(orderId: string): boolean {
    return this.transactionsByOrderId.has(orderId);
  }

  add(transaction: Transaction): void {
    this.transactionsByOrderId.set(transaction.orderId, transaction);
    if (transaction.snapToken) this.orderIdBySnapToken.set(transaction.snapToken, transaction.orderId);
    if (transaction.payment) this.indexTransactionId(transaction);
  }

  /** Call once a payment (and so a transaction_id) exists. */
  indexTransactionId(transaction: Transaction): void {
    if (transaction.payment) this.orderIdByTransactionId.set(transaction.payment.transactionId, transaction.orderId);
  }

  findByOrderId(orderId: string): Transaction | undefined {
    return this.transactionsByOrderId.get(orderId);
  }

  findBySnapToken(token: string): Transaction | undefined {
    const orderId = this.orderIdBySnapToken.get(token);
    return orderId === undefined ? undefined : this.transactionsByOrderId.get(orderId);
  }

  /** The Core API accepts either the merchant's order_id or Midtrans' transaction_id. */
  findByOrderOrTransactionId(id: string): Transaction | undefined {
    return this.transactionsByOrderId.get(id) ?? this.findByTransactionId(id);
  }

  private findByTransactionId(transactionId: string): Transaction | undefined {
    const orderId = this.orderIdByTransactionId.get(transactionId);
    return orderId === undefined ? undefined : this.transactionsByOrderId.get(orderId);
  }

  list(): Transaction[] {
    return [...this.transactionsByOrderId.values()];
  }

  addSavedToken(token: SavedCardToken): void {
    this.savedTokens.set(token.tokenId, token);
  }

  findSavedToken(tokenId: string): SavedCardToken | undefined {
    return this.savedTokens.get(tokenId);
  }

  listSavedTokens(): SavedCardToken[] {
    return [...this.savedTokens.values()];
  }

  clear(): void {
    this.transactionsByOrderId.clear();
    this.orderIdBySnapToken.clear();
    this.orderIdByTransactionId.clear();
    this.savedTokens.clear();
  }
}
