import { randomToken } from './crypto.ts';

/** Prefixes make an id's kind obvious in logs, URLs and support tickets. */
export type IdPrefix = 'prj' | 'plan' | 'eu' | 'sub' | 'pay' | 'evt' | 'cli' | 'ps' | 'ep' | 'dlv' | 'usr' | 'ds' | 'aud' | 'eml';

/** A prefixed random id: `prj_` + 16 bytes of base64url (128 bits). */
export function newId(prefix: IdPrefix): string {
  return `${prefix}_${randomToken(16)}`;
}
