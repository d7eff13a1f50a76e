import type { Item } from './types.ts';
import { checkTransactionDetails, isJsonObject } from './validation.ts';

export interface SavedCardChargeRequest {
  orderId: string;
  grossAmount: number;
  items: Item[];
  tokenId: string | undefined;
}

export type ChargeRequestParse = { ok: true; request: SavedCardChargeRequest } | { ok: false; errors: string[] };

/**
 * Validates a Core API `/v2/charge` body. Only `payment_type: credit_card` is simulated (merchant-
 * initiated renewals with a saved token); whether the token is known is checked by the caller.
 */
export function parseChargeRequest(body: unknown): ChargeRequestParse {
  if (!isJsonObject(body)) return { ok: false, errors: ["payment_type can't be blank"] };
  const errors: string[] = [];
  if (body.payment_type !== 'credit_card') {
    errors.push(body.payment_type === undefined ? "payment_type can't be blank" : 'payment_type is not supported by the simulator (credit_card only)');
  }
  const details = checkTransactionDetails(body, errors);
  if (!details || errors.length > 0) return { ok: false, errors };
  const card = isJsonObject(body.credit_card) ? body.credit_card : {};
  const tokenId = typeof card.token_id === 'string' && card.token_id !== '' ? card.token_id : undefined;
  return { ok: true, request: { ...details, tokenId } };
}
