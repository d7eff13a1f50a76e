import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A tiny scriptable HTTP server on 127.0.0.1 for failure injection and for receiving notifications. */

export interface StubRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  json: unknown;
}

export type StubAnswer =
  | { status: number; body?: unknown; headers?: Record<string, string>; delayMs?: number }
  /** Destroy the connection without answering (a network error for the client). */
  | 'drop';

export type StubAnswerer = (request: StubRequest, index: number) => StubAnswer;

export interface HttpStub {
  url: string;
  requests: StubRequest[];
  answerWith(answerer: StubAnswerer): void;
  /** Resolves once at least `count` requests arrived. */
  waitForRequests(count: number, timeoutMs?: number): Promise<StubRequest[]>;
  close(): Promise<void>;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function write(response: ServerResponse, answer: Exclude<StubAnswer, 'drop'>): void {
  const body = answer.body === undefined ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
  const contentType = typeof answer.body === 'string' ? 'text/plain' : 'application/json';
  response.writeHead(answer.status, { 'content-type': contentType, ...answer.headers });
  response.end(body);
}

export async function startHttpStub(answerer: StubAnswerer = () => ({ status: 200, body: { ok: true } })): Promise<HttpStub> {
  let currentAnswerer = answerer;
  const requests: StubRequest[] = [];
  const waiters: Array<() => void> = [];
  const timers = new Set<NodeJS.Timeout>();

  const server = createServer((incoming, response) => {
    let rawBody = '';
    incoming.setEncoding('utf8');
    incoming.on('data', (chunk: string) => { rawBody += chunk; });
    incoming.on('end', () => {
      const request: StubRequest = { method: incoming.method ?? '', path: incoming.url ?? '', headers: incoming.headers, rawBody, json: parseJson(rawBody) };
      const index = requests.push(request) - 1;
      for (const wake of waiters.splice(0)) wake();
      const answer = currentAnswerer(request, index);
      if (answer === 'drop') {
        incoming.socket.destroy();
        return;
      }
      if (!answer.delayMs) return write(response, answer);
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!response.destroyed) write(response, answer);
      }, answer.delayMs);
      timers.add(timer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    answerWith(next) {
      currentAnswerer = next;
    },
    async waitForRequests(count, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      while (requests.length < count) {
        const remaining = deadline - Date.now();
        if (remaining <= 0) throw new Error(`expected ${count} requests, got ${requests.length}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, remaining);
          waiters.push(() => { clearTimeout(timer); resolve(); });
        });
      }
      return requests;
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
