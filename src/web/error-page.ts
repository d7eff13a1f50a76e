import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { logErrorResponse, toErrorResponse } from '../http/error-handler.ts';

/** What an app's error page is told: the stable code and its status (lib/errors.ts). */
export interface ErrorPageInput {
  error: unknown;
  code: string;
  status: number;
  request: FastifyRequest;
  reply: FastifyReply;
}

/**
 * The error handler of a server-rendered app: every error becomes a friendly page with the
 * right 4xx/5xx status, from the same code → status mapping as the JSON API (a database
 * outage is a 503 with `Retry-After`), logged the same way. `render` draws the app's page
 * in its reader's language. Never a stack trace, never JSON.
 */
export function htmlErrorHandler(logMessage: string, render: (input: ErrorPageInput) => Promise<FastifyReply>) {
  return async function handle(error: FastifyError, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const { status, body, retryAfter } = toErrorResponse(error);
    logErrorResponse(request, error, status, body, logMessage);
    if (retryAfter !== undefined) reply.header('retry-after', String(retryAfter));
    return render({ error, code: body.error.code, status, request, reply });
  };
}
