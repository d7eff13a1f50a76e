import type { CaughtMessage, StoredMessage } from './message.ts';

interface Waiter {
  predicate: (message: CaughtMessage) => boolean;
  resolve: (message: CaughtMessage) => void;
  reject: (error: Error) => void;
}

function freeze(message: CaughtMessage): CaughtMessage {
  Object.freeze(message.to);
  Object.freeze(message.headers);
  message.attachments.forEach((attachment) => Object.freeze(attachment));
  Object.freeze(message.attachments);
  return Object.freeze(message);
}

/**
 * The caught messages, in memory only, oldest first internally; every reader sees newest first.
 * Holds at most `maxMessages`: adding one more drops the oldest (and its inline images).
 * Messages are frozen when added, so what `list()` hands a test is what the HTTP API serves.
 */
export class Inbox {
  private stored: StoredMessage[] = [];
  private readonly waiters = new Set<Waiter>();

  constructor(private readonly maxMessages: number) {
    if (!Number.isSafeInteger(maxMessages) || maxMessages < 1) throw new Error('maxMessages must be a positive integer');
  }

  add(entry: StoredMessage): void {
    freeze(entry.message);
    this.stored.push(entry);
    if (this.stored.length > this.maxMessages) this.stored.splice(0, this.stored.length - this.maxMessages);
    for (const waiter of this.waiters) this.offer(waiter, entry.message);
  }

  list(): CaughtMessage[] {
    return this.stored.map((entry) => entry.message).reverse();
  }

  /** A message with its inline images. */
  find(id: string): StoredMessage | undefined {
    return this.stored.find((entry) => entry.message.id === id);
  }

  clear(): void {
    this.stored = [];
  }

  /**
   * The newest message already here that matches, else the first one to arrive that does.
   * Rejects after `timeoutMs`, when the predicate throws, or when the catcher closes.
   */
  waitFor(predicate: (message: CaughtMessage) => boolean, timeoutMs: number): Promise<CaughtMessage> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiter.reject(new Error(`No matching message within ${timeoutMs} ms (${this.stored.length} in the inbox)`));
      }, timeoutMs);
      const settle = <T>(finish: (value: T) => void) => (value: T) => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
        finish(value);
      };
      const waiter: Waiter = { predicate, resolve: settle(resolve), reject: settle(reject) };
      this.waiters.add(waiter);
      for (const message of this.list()) if (this.offer(waiter, message)) return;
    });
  }

  /** Ends every pending `waitFor` (the catcher is closing). */
  rejectWaiters(reason: string): void {
    for (const waiter of this.waiters) waiter.reject(new Error(reason));
  }

  /** Resolves the waiter with `message` if it matches; whether it did (or threw). */
  private offer(waiter: Waiter, message: CaughtMessage): boolean {
    try {
      if (!waiter.predicate(message)) return false;
      waiter.resolve(message);
    } catch (error) {
      waiter.reject(error instanceof Error ? error : new Error(String(error)));
    }
    return true;
  }
}
