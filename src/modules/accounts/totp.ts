import { Secret, TOTP } from 'otpauth';
import { randomInt } from 'node:crypto';
import { sha256 } from '../../lib/crypto.ts';

/** RFC 6238 TOTP: SHA-1, 6 digits, 30 s — what every authenticator app reads from the QR/URI. */
const PERIOD = 30;

function totp(secret: string, label: string): TOTP {
  return new TOTP({ issuer: 'Langgan', label, algorithm: 'SHA1', digits: 6, period: PERIOD, secret: Secret.fromBase32(secret) });
}

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** The `otpauth://` URI an authenticator app imports. */
export function totpUri(secret: string, email: string): string {
  return totp(secret, email).toString();
}

/**
 * The time step a code is valid for (±1 step of clock drift), or undefined. The caller
 * accepts each step at most once (replay guard in the users row).
 */
export function totpStepOf(secret: string, code: string, now: Date): number | undefined {
  if (!/^\d{6}$/.test(code)) return undefined;
  const delta = totp(secret, 'x').validate({ token: code, timestamp: now.getTime(), window: 1 });
  if (delta === null) return undefined;
  return Math.floor(now.getTime() / 1000 / PERIOD) + delta;
}

/** The current code (tests, and the enrolment page's self-check). */
export function totpCodeAt(secret: string, at: Date): string {
  return totp(secret, 'x').generate({ timestamp: at.getTime() });
}

/** Ten one-time recovery codes, `xxxxx-xxxxx` from an unambiguous alphabet (~50 bits each). */
export function newRecoveryCodes(): string[] {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  return Array.from({ length: 10 }, () => {
    const chars = Array.from({ length: 10 }, () => alphabet[randomInt(alphabet.length)]).join('');
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
}

/** Recovery codes are compared as SHA-256 of their normalised form (case, spaces, dash). */
export function recoveryCodeHash(code: string): Buffer {
  return sha256(code.toLowerCase().replace(/[^a-z0-9]/g, ''));
}
