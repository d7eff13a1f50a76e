import type { FastifyInstance, FastifyReply } from 'fastify';
import type { SafeHtml } from './html.ts';

/**
 * Headers on every response of an app's scope — pages, errors, redirects and assets alike:
 * no referrer leaves the app (its URLs may carry ids), never framed, its own browsing
 * context group, nothing cached unless a route says otherwise (assets do), and `csp` for any
 * response that did not set its own (pages set theirs with the theme's hash).
 */
export function addPageHeaders(app: FastifyInstance, csp: string): void {
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('referrer-policy', 'no-referrer');
    if (!reply.hasHeader('x-frame-options')) reply.header('x-frame-options', 'DENY');
    reply.header('cross-origin-opener-policy', 'same-origin');
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', csp);
    return payload;
  });
}

/** An HTML page with its own Content-Security-Policy. */
export function sendHtml(reply: FastifyReply, status: number, page: SafeHtml, csp: string): FastifyReply {
  return reply.code(status).header('content-security-policy', csp).type('text/html; charset=utf-8').send(page.value);
}
