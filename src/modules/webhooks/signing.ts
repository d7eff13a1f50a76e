import { createHmac, randomBytes } from 'node:crypto';

/**
 * Standard Webhooks signing (https://www.standardwebhooks.com): the secret is `whsec_` +
 * base64 of random bytes; the signature is `v1,` + base64(HMAC-SHA256(secret bytes,
 * "<webhook-id>.<webhook-timestamp>.<body>")). Several space-separated signatures may be
 * sent; a receiver accepts the message when any of them verifies — that is how a rotated
 * secret keeps working during its grace period.
 */
export const SECRET_PREFIX = 'whsec_';

/** A new signing secret: 32 random bytes (256 bits). */
export function newSigningSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64');
}

function secretBytes(secret: string): Buffer {
  return Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64');
}

export function sign(secret: string, msgId: string, timestampSeconds: number, body: string): string {
  const mac = createHmac('sha256', secretBytes(secret)).update(`${msgId}.${timestampSeconds}.${body}`, 'utf8').digest('base64');
  return `v1,${mac}`;
}

/** The `webhook-signature` header: one signature per secret currently in force. */
export function signatureHeader(secrets: string[], msgId: string, timestampSeconds: number, body: string): string {
  return secrets.map((s) => sign(s, msgId, timestampSeconds, body)).join(' ');
}
