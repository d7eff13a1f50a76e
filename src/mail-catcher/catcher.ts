import type { AddressInfo } from 'node:net';
import { buildInboxHttp } from './http/app.ts';
import { Inbox } from './inbox.ts';
import type { CaughtMessage } from './message.ts';
import { startSmtpServer } from './smtp.ts';

export interface MailCatcherOptions {
  /** SMTP port on 127.0.0.1; 0 picks a free one. */
  smtpPort: number;
  /** Inbox (HTTP) port on 127.0.0.1; 0 picks a free one. */
  httpPort: number;
  /** How many messages are kept; one more drops the oldest. Default 500. */
  maxMessages?: number;
}

export interface MailCatcher {
  /** `smtp://127.0.0.1:PORT`: plain SMTP, any or no credentials. */
  readonly smtpUrl: string;
  readonly smtpPort: number;
  /** `http://127.0.0.1:PORT`: the inbox page and `/api/messages`. */
  readonly httpUrl: string;
  /** Newest first. */
  messages(): CaughtMessage[];
  /** The newest message already caught that matches, else the next one to arrive; rejects after `timeoutMs` (default 10 s). */
  waitFor(predicate: (message: CaughtMessage) => boolean, timeoutMs?: number): Promise<CaughtMessage>;
  clear(): void;
  /** Stops both servers (SMTP clients still connected get 1 s) and rejects pending `waitFor`s. */
  close(): Promise<void>;
}

export const DEFAULT_MAX_MESSAGES = 500;
export const DEFAULT_WAIT_TIMEOUT_MS = 10_000;

/** Starts the SMTP server and the inbox, both bound to 127.0.0.1 whatever the caller's environment. */
export async function startMailCatcher(options: MailCatcherOptions): Promise<MailCatcher> {
  const inbox = new Inbox(options.maxMessages ?? DEFAULT_MAX_MESSAGES);
  const smtp = await startSmtpServer(inbox, options.smtpPort);
  const smtpUrl = `smtp://127.0.0.1:${smtp.port}`;
  const app = buildInboxHttp(inbox, smtpUrl);
  try {
    await app.listen({ port: options.httpPort, host: '127.0.0.1' });
  } catch (error) {
    await smtp.close();
    throw error;
  }
  const httpPort = (app.server.address() as AddressInfo).port;

  let closed: Promise<void> | undefined;
  return {
    smtpUrl,
    smtpPort: smtp.port,
    httpUrl: `http://127.0.0.1:${httpPort}`,
    messages: () => inbox.list(),
    waitFor: (predicate, timeoutMs = DEFAULT_WAIT_TIMEOUT_MS) => inbox.waitFor(predicate, timeoutMs),
    clear: () => inbox.clear(),
    close() {
      closed ??= (async () => {
        inbox.rejectWaiters('The mail catcher was closed');
        await Promise.all([smtp.close(), app.close()]);
      })();
      return closed;
    },
  };
}
