import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, ERROR_STATUS, type ErrorCode } from '../lib/errors.ts';
import { isDatabaseUnavailable } from '../db/unavailable.ts';
import { describeValidationError } from './validation.ts';

export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

export interface ErrorResponse {
  status: number;
  body: ErrorBody;
  /** Seconds a client should wait before trying again (sent as `Retry-After`). */
  retryAfter?: number;
}

/** How long clients are asked to wait while the database is down or not answering. */
const DATABASE_RETRY_AFTER_SECONDS = 5;

/** Fastify's own request errors, mapped to our stable codes. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_request',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_EMPTY_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_TYPE: 'unsupported_media_type',
};

const FASTIFY_MESSAGES: Partial<Record<ErrorCode, string>> = {
  payload_too_large: 'The request body is larger than the 100 KB limit',
  unsupported_media_type: 'Send the request body as application/json',
  invalid_json: 'The request body is not valid JSON',
};

/**
 * Maps every thrown error to `{"error":{"code","message"}}`. Anything unexpected is
 * logged with its stack and answered as a bare 500: internals never reach the client.
 */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const { status, body, retryAfter } = toErrorResponse(error);
    logErrorResponse(request, error, status, body, 'request failed');
    if (retryAfter !== undefined) reply.header('retry-after', String(retryAfter));
    if (status === 429 && !reply.hasHeader('retry-after')) reply.header('retry-after', '60');
    return reply.status(status).send(body);
  });

  app.setNotFoundHandler((request, reply) => {
    const body: ErrorBody = {
      error: { code: 'not_found', message: `No route for ${request.method} ${request.url.split('?')[0]}` },
    };
    return reply.status(404).send(body);
  });
}

/** 5xx with the stack, except a database outage: one warn line per request, not a stack each. */
export function logErrorResponse(request: FastifyRequest, error: unknown, status: number, body: ErrorBody, what: string): void {
  if (body.error.code === 'database_unavailable') request.log.warn({ reason: (error as Error)?.message }, body.error.message);
  else if (status >= 500) request.log.error({ err: error }, what);
  else request.log.info({ code: body.error.code }, body.error.message);
}

export function toErrorResponse(error: unknown): ErrorResponse {
  if (isDatabaseUnavailable(error)) {
    return {
      status: ERROR_STATUS.database_unavailable,
      body: { error: { code: 'database_unavailable', message: 'The database is not answering right now; try again in a few seconds' } },
      retryAfter: DATABASE_RETRY_AFTER_SECONDS,
    };
  }
  if (error instanceof AppError) {
    const body: ErrorBody = { error: { code: error.code, message: error.message } };
    if (error.details) body.error.details = error.details;
    return { status: error.status, body };
  }
  const fe = error as Partial<FastifyError> & { validationContext?: string };
  if (fe.validation && fe.validation.length > 0) {
    const first = fe.validation[0]!;
    return reply400('invalid_request', describeValidationError(first as never, fe.validationContext ?? 'body'));
  }
  if (error instanceof SyntaxError || fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return reply400('invalid_json', FASTIFY_MESSAGES.invalid_json!);
  }
  const mapped = fe.code ? FASTIFY_CODES[fe.code] : undefined;
  if (mapped) {
    return { status: ERROR_STATUS[mapped], body: { error: { code: mapped, message: FASTIFY_MESSAGES[mapped] ?? fe.message ?? 'Bad request' } } };
  }
  if (fe.statusCode === 429) {
    return { status: 429, body: { error: { code: 'rate_limited', message: fe.message ?? 'Too many requests' } } };
  }
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
    return { status: fe.statusCode, body: { error: { code: 'invalid_request', message: fe.message ?? 'Bad request' } } };
  }
  return { status: 500, body: { error: { code: 'internal_error', message: 'Something went wrong on our side; it has been logged' } } };
}

function reply400(code: ErrorCode, message: string) {
  return { status: 400, body: { error: { code, message } } };
}
