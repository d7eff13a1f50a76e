import type { FastifyInstance, FastifyReply } from 'fastify';
import { sendHtml } from '../../web/page.ts';
import type { Inbox } from '../inbox.ts';
import { MESSAGE_HTML_CSP, rewriteCidLinks } from './message-html.ts';
import { PAGE_CSP } from './style.ts';
import { inboxPage, messagePage, notFoundPage } from './views.ts';

type MessageParams = { Params: { id: string } };

export const sendNotFoundPage = (reply: FastifyReply, what: string) => sendHtml(reply, 404, notFoundPage(what), PAGE_CSP);

/** The inbox in a browser: the list, one message, its HTML (sandboxed), its inline images, "Delete all". */
export function registerPageRoutes(app: FastifyInstance, inbox: Inbox, smtpUrl: string): void {
  app.get('/', async (_request, reply) => sendHtml(reply, 200, inboxPage(inbox.list(), smtpUrl), PAGE_CSP));

  app.get<MessageParams>('/messages/:id', async (request, reply) => {
    const stored = inbox.find(request.params.id);
    if (!stored) return sendNotFoundPage(reply, 'This message is not in the inbox (deleted, or dropped as one of the oldest).');
    return sendHtml(reply, 200, messagePage(stored.message), PAGE_CSP);
  });

  // The message's own markup, framed by messagePage's sandboxed iframe; see MESSAGE_HTML_CSP.
  app.get<MessageParams>('/messages/:id/html', async (request, reply) => {
    const stored = inbox.find(request.params.id);
    if (!stored || stored.message.html === null) return sendNotFoundPage(reply, 'This message has no HTML body.');
    return reply
      .header('content-security-policy', MESSAGE_HTML_CSP)
      .header('x-frame-options', 'SAMEORIGIN')
      .type('text/html; charset=utf-8')
      .send(rewriteCidLinks(stored.message, stored.inlineParts));
  });

  // Only raster images are kept as parts (message.ts), so nothing served here can run as a page.
  app.get<{ Params: { id: string; cid: string } }>('/messages/:id/parts/:cid', async (request, reply) => {
    const part = inbox.find(request.params.id)?.inlineParts.find((candidate) => candidate.cid === request.params.cid);
    if (!part) return sendNotFoundPage(reply, 'No such inline image.');
    return reply.type(part.contentType).header('content-disposition', 'inline').send(part.content);
  });

  app.post('/messages/delete-all', async (_request, reply) => {
    inbox.clear();
    return reply.code(303).header('location', '/').send();
  });

  app.get('/favicon.ico', async (_request, reply) => reply.code(204).send());
}
