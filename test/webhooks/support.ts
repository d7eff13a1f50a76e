import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { expect } from 'vitest';
import type { TestApp } from '../support/app.ts';
import { createProject, type TestProject } from '../support/factories.ts';
import { http } from '../support/http.ts';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  json: any;
}

/** What the receiver does with one request: answer with a status, or never answer. */
export type Reply = number | 'hang';

/**
 * A webhook receiver on 127.0.0.1 (a real HTTP server on its own port) that records every
 * request. Replies come from `replies` in order (then `fallback`), so a test can script
 * "500, 500, then 200" or "hang, then 200".
 */
export interface Receiver {
  url: string;
  requests: ReceivedRequest[];
  replies: Reply[];
  fallback: Reply;
  close(): Promise<void>;
}

export async function startReceiver(
  options: { replies?: Reply[]; fallback?: Reply; delayMs?: number; /** What to answer with (default "ok" / "nope"). */ replyBody?: (status: number) => string } = {},
): Promise<Receiver> {
  const sockets = new Set<Socket>();
  const hanging = new Set<ServerResponse>();
  const receiver: Receiver = {
    url: '',
    requests: [],
    replies: [...(options.replies ?? [])],
    fallback: options.fallback ?? 200,
    close: async () => {
      for (const res of hanging) res.destroy();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      receiver.requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, json });
      const reply = receiver.replies.length > 0 ? receiver.replies.shift()! : receiver.fallback;
      if (reply === 'hang') {
        hanging.add(res);
        return;
      }
      const answer = () => res.writeHead(reply, { 'content-type': 'text/plain' }).end(options.replyBody ? options.replyBody(reply) : reply < 300 ? 'ok' : 'nope');
      if (options.delayMs) setTimeout(answer, options.delayMs);
      else answer();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return receiver;
}

/** A project in development mode (receivers here live on 127.0.0.1). */
export async function devProject(t: TestApp, plans?: NonNullable<Parameters<typeof createProject>[1]>['plans']): Promise<TestProject> {
  const project = await createProject(t.url, plans ? { plans } : {});
  const res = await http(t.url, 'PATCH', `/api/admin/projects/${project.id}`, { admin: true, body: { development_mode: true } });
  expect(res.status, res.text).toBe(200);
  return project;
}

export async function setDevelopmentMode(t: TestApp, projectId: string, on: boolean): Promise<void> {
  const res = await http(t.url, 'PATCH', `/api/admin/projects/${projectId}`, { admin: true, body: { development_mode: on } });
  expect(res.status, res.text).toBe(200);
}

export interface CreatedEndpoint {
  id: string;
  secret: string;
  url: string;
}

export async function addEndpoint(t: TestApp, projectId: string, body: Record<string, unknown>): Promise<CreatedEndpoint> {
  const res = await http(t.url, 'POST', `/api/admin/projects/${projectId}/webhooks`, { admin: true, body });
  expect(res.status, res.text).toBe(201);
  return { id: res.body.id, secret: res.body.secret, url: res.body.url };
}

export function webhooksPath(projectId: string, endpointId?: string): string {
  return `/api/admin/projects/${projectId}/webhooks${endpointId ? `/${endpointId}` : ''}`;
}

/** The delivery rows of an endpoint, oldest first. */
export function deliveriesOf(t: TestApp, endpointId: string) {
  return t.database.db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('events as e', 'e.id', 'd.event_id')
    .selectAll('d')
    .select('e.type as event_type')
    .where('d.endpoint_id', '=', endpointId)
    .orderBy('e.published_seq')
    .execute();
}

/** Moves the frozen clock to when `deliveryId` is next due. */
export async function advanceToNextAttempt(t: TestApp, deliveryId: string): Promise<Date> {
  const row = await t.database.db.selectFrom('webhook_deliveries').select('next_attempt_at').where('id', '=', deliveryId).executeTakeFirstOrThrow();
  expect(row.next_attempt_at, 'delivery has a next attempt').not.toBeNull();
  t.clock.set(row.next_attempt_at!);
  return row.next_attempt_at!;
}
