import type { FastifyInstance } from 'fastify';
import type { Inbox } from '../inbox.ts';
import { sendError } from './errors.ts';

/** The JSON API tests and scripts read: list (newest first, optionally one recipient's), one message, empty the inbox. */
export function registerApiRoutes(app: FastifyInstance, inbox: Inbox): void {
  app.get<{ Querystring: { to?: unknown } }>('/api/messages', async (request, reply) => {
    const { to } = request.query;
    if (to !== undefined && typeof to !== 'string') return sendError(reply, 400, 'invalid_query', 'Give `to` at most once');
    const messages = inbox.list();
    if (to === undefined) return messages;
    const wanted = to.toLowerCase();
    return messages.filter((message) => message.to.some((address) => address.toLowerCase() === wanted));
  });

  app.get<{ Params: { id: string } }>('/api/messages/:id', async (request, reply) => {
    const stored = inbox.find(request.params.id);
    if (!stored) return sendError(reply, 404, 'not_found', `No message ${request.params.id} in the inbox`);
    return stored.message;
  });

  app.delete('/api/messages', async (_request, reply) => {
    inbox.clear();
    return reply.code(204).send();
  });
}
