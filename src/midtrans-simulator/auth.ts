import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/** Midtrans auth: `Authorization: Basic base64(SERVER_KEY + ":")`; the password part is ignored. */
export function hasServerKey(authorization: string | undefined, serverKey: string): boolean {
  const match = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(authorization ?? '');
  if (!match?.[1]) return false;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const separator = decoded.indexOf(':');
  const username = separator === -1 ? decoded : decoded.slice(0, separator);
  return username.length > 0 && timingSafeEqual(digest(username), digest(serverKey));
}

export const snapUnauthorizedBody = {
  error_messages: ['Access denied due to unauthorized transaction, please check client or server key'],
};

export const coreUnauthorizedBody = {
  status_code: '401',
  status_message: 'Access denied due to unauthorized transaction, please check client or server key',
};
