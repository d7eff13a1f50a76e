import { hash, verify } from '@node-rs/argon2';
import { AppError } from '../../lib/errors.ts';

/**
 * Argon2id with the OWASP-recommended parameters (19 MiB, 2 passes, 1 lane), the library's
 * defaults; the PHC string carries them, so raising them later still verifies old hashes.
 */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

/** Constant work whatever the outcome; a malformed stored hash is a mismatch, not a crash. */
export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

let dummy: Promise<string> | undefined;
/** A hash no password matches, verified when the email is unknown so both paths cost the same. */
export function dummyPasswordHash(): Promise<string> {
  dummy ??= hashPassword(`no-such-user-${Date.now()}`);
  return dummy;
}

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 256;

/** NIST 800-63B: length, not composition rules; refuse the obvious. */
export function checkNewPassword(password: string, email: string): void {
  if (password.length < PASSWORD_MIN) throw new AppError('invalid_request', `password must be at least ${PASSWORD_MIN} characters`);
  if (password.length > PASSWORD_MAX) throw new AppError('invalid_request', `password must be at most ${PASSWORD_MAX} characters`);
  if (password.toLowerCase() === email.toLowerCase()) throw new AppError('invalid_request', 'password must not be your email address');
  if (new Set(password).size < 5) throw new AppError('invalid_request', 'password is too repetitive: use at least 5 different characters');
}
