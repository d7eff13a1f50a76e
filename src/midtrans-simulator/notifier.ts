import type { FastifyBaseLogger } from 'fastify';
import { retriesEarnedBy, retryDelayMs } from './retry-policy.ts';
import type { Delivery, NotificationPayload, Transaction } from './types.ts';

export interface NotifierOptions {
  retryIntervalsMs: readonly number[];
  timeoutMs: number;
  log: FastifyBaseLogger;
}

/**
 * Sends notifications the way Midtrans does: asynchronously, one delivery per URL, retried by the
 * receiver's answer (see retry-policy.ts). Every delivery is appended to its transaction's log.
 */
export class Notifier {
  private nextDeliveryId = 1;
  private unfinished = 0;
  private idleWaiters: Array<() => void> = [];
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private stopController = new AbortController();

  constructor(private readonly options: NotifierOptions) {}

  /** Starts delivering `payload` to every notification URL of the transaction; returns at once. */
  send(transaction: Transaction, payload: NotificationPayload, kind: Delivery['kind']): Delivery[] {
    return transaction.notificationUrls.map((url) => {
      const delivery: Delivery = {
        id: this.nextDeliveryId++,
        url,
        kind,
        transactionStatus: String(payload.transaction_status),
        statusCode: String(payload.status_code),
        payload,
        state: 'sending',
        attempts: [],
      };
      transaction.deliveries.push(delivery);
      this.unfinished += 1;
      void this.attempt(delivery, transaction.orderId, this.stopController.signal);
      return delivery;
    });
  }

  /** Resolves once no delivery is being sent or waiting for a retry. */
  idle(): Promise<void> {
    if (this.unfinished === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Abandons every delivery in progress (reset and shutdown). */
  stopAll(deliveries: Iterable<Delivery>): void {
    this.stopController.abort();
    this.stopController = new AbortController();
    for (const timer of this.retryTimers) clearTimeout(timer);
    this.retryTimers.clear();
    for (const delivery of deliveries) {
      if (delivery.state === 'sending' || delivery.state === 'waiting_retry') delivery.state = 'stopped';
    }
    this.unfinished = 0;
    this.wakeIdleWaiters();
  }

  private finish(delivery: Delivery, state: 'delivered' | 'gave_up'): void {
    delivery.state = state;
    this.unfinished -= 1;
    if (this.unfinished === 0) this.wakeIdleWaiters();
  }

  private wakeIdleWaiters(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const wake of waiters) wake();
  }

  private async attempt(delivery: Delivery, orderId: string, stopSignal: AbortSignal): Promise<void> {
    const started = Date.now();
    let httpStatus: number | undefined;
    let error: string | undefined;
    try {
      const response = await fetch(delivery.url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'User-Agent': 'Veritrans', Accept: 'application/json' },
        body: JSON.stringify(delivery.payload),
        redirect: 'manual',
        signal: AbortSignal.any([stopSignal, AbortSignal.timeout(this.options.timeoutMs)]),
      });
      httpStatus = response.status;
      await response.body?.cancel();
    } catch (caught) {
      error = caught instanceof Error && caught.name === 'TimeoutError' ? 'timeout' : describe(caught);
    }
    if (stopSignal.aborted) return;

    const attemptRecord = { at: new Date(started).toISOString(), durationMs: Date.now() - started };
    delivery.attempts.push(httpStatus === undefined ? { ...attemptRecord, error: error ?? 'unknown error' } : { ...attemptRecord, httpStatus });
    const retriesSoFar = delivery.attempts.length - 1;
    const earned = retriesEarnedBy(httpStatus);
    this.options.log.info(
      { orderId, deliveryId: delivery.id, url: delivery.url, attempt: delivery.attempts.length, httpStatus, error },
      'midtrans simulator notification attempt',
    );
    if (earned === 'done') return this.finish(delivery, 'delivered');
    if (retriesSoFar >= earned) return this.finish(delivery, 'gave_up');

    delivery.state = 'waiting_retry';
    const timer = setTimeout(() => {
      this.retryTimers.delete(timer);
      delivery.state = 'sending';
      void this.attempt(delivery, orderId, stopSignal);
    }, retryDelayMs(this.options.retryIntervalsMs, retriesSoFar));
    this.retryTimers.add(timer);
  }
}

function describe(caught: unknown): string {
  if (!(caught instanceof Error)) return 'network error';
  const cause = (caught as { cause?: { code?: unknown } }).cause;
  return typeof cause?.code === 'string' ? `${caught.message} (${cause.code})` : caught.message;
}
