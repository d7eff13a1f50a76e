import type { CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * A session cookie holding an opaque secret (the server keeps only its hash). HttpOnly (no
 * script ever reads it), Path=<the app's prefix> (no other part of the service receives
 * it), SameSite=Lax (not sent on cross-site POSTs), Secure whenever the public URL is
 * https, and Max-Age equal to the server-side session lifetime.
 */
export interface CookieSpec {
  name: string;
  path: string;
  maxAgeSeconds: number;
  secure: boolean;
}

export interface CookieSession {
  set(reply: FastifyReply, value: string): void;
  clear(reply: FastifyReply): void;
  /** The cookie's value if it is a plausible secret (see `readSecretCookie`), else undefined. */
  read(request: FastifyRequest): string | undefined;
}

const PLAUSIBLE_SECRET = /^[A-Za-z0-9_-]{20,100}$/;

/** Cookie `name`'s value if it could be one of our base64url secrets (a cheap filter before any query). */
export function readSecretCookie(request: FastifyRequest, name: string): string | undefined {
  const value = request.cookies[name];
  return value && PLAUSIBLE_SECRET.test(value) ? value : undefined;
}

export function cookieSession(spec: CookieSpec): CookieSession {
  const options: CookieSerializeOptions = { path: spec.path, httpOnly: true, sameSite: 'lax', secure: spec.secure, maxAge: spec.maxAgeSeconds };
  return {
    set: (reply, value) => void reply.setCookie(spec.name, value, options),
    clear: (reply) => void reply.clearCookie(spec.name, { ...options, maxAge: 0 }),
    read: (request) => readSecretCookie(request, spec.name),
  };
}
