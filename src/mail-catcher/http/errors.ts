import type { FastifyReply } from 'fastify';

/** The JSON error every API route answers with: `{"error":{"code":"not_found","message":"…"}}`. */
export function sendError(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send({ error: { code, message } });
}
