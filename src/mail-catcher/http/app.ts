import formbody from '@fastify/formbody';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { addPageHeaders } from '../../web/page.ts';
import type { Inbox } from '../inbox.ts';
import { registerApiRoutes } from './api-routes.ts';
import { sendError } from './errors.ts';
import { registerPageRoutes, sendNotFoundPage } from './page-routes.ts';
import { PAGE_CSP } from './style.ts';

/**
 * Names a browser may use for the inbox. It listens on 127.0.0.1 only, but a web page could
 * still reach it through a DNS name rebound to 127.0.0.1 and read password-reset links out of
 * the API; such a request carries the foreign name in Host, and is refused.
 */
const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost']);

/**
 * Whether a request that changes something ("Delete all", DELETE /api/messages) may: not
 * when a page of another site sent it. Browsers say so in Sec-Fetch-Site; our pages'
 * `Referrer-Policy: no-referrer` makes Chrome send `Origin: null` on their own form posts,
 * so Origin decides only for browsers without Fetch Metadata. Tools (curl, tests) send neither.
 */
function fromOwnPagesOrTools(request: FastifyRequest): boolean {
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined) return site === 'same-origin' || site === 'none';
  const origin = request.headers.origin;
  return origin === undefined || origin === `${request.protocol}://${request.host}`;
}

/** The inbox's HTTP side (never listens itself; catcher.ts does, on 127.0.0.1). */
export function buildInboxHttp(inbox: Inbox, smtpUrl: string): FastifyInstance {
  const app = Fastify({ logger: false });
  void app.register(formbody);
  addPageHeaders(app, PAGE_CSP);
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    return payload;
  });

  app.addHook('onRequest', async (request, reply) => {
    if (!LOOPBACK_NAMES.has(request.hostname)) return sendError(reply, 403, 'forbidden_host', 'Open the inbox as 127.0.0.1 or localhost');
    if (request.method !== 'GET' && request.method !== 'HEAD' && !fromOwnPagesOrTools(request)) {
      return sendError(reply, 403, 'cross_origin', 'Changes are accepted from the inbox itself only');
    }
  });

  app.setErrorHandler((error: Error & { statusCode?: number }, _request, reply) => {
    const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    return status === 500 ? sendError(reply, 500, 'internal', 'Internal error') : sendError(reply, status, 'bad_request', error.message);
  });
  app.setNotFoundHandler((request, reply) => {
    if (request.url.startsWith('/api/')) return sendError(reply, 404, 'not_found', `No route ${request.method} ${request.url.split('?')[0]}`);
    return sendNotFoundPage(reply, 'There is no such page.');
  });

  registerApiRoutes(app, inbox);
  registerPageRoutes(app, inbox, smtpUrl);
  return app;
}
