import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import type { VaBank } from './types.ts';

export const newSnapToken = (): string => randomUUID();
export const newTransactionId = (): string => randomUUID();

function digits(count: number): string {
  let result = '';
  for (let index = 0; index < count; index += 1) result += String(randomInt(10));
  return result;
}

const vaLengths: Record<VaBank, number> = { bca: 11, bni: 16, bri: 18 };

export const newVaNumber = (bank: VaBank): string => digits(vaLengths[bank]);
export const newApprovalCode = (): string => digits(13);

/** Shaped like Midtrans' saved tokens: first six digits, random part, last four digits. */
export function newSavedTokenId(firstSix: string, lastFour: string): string {
  return `${firstSix}${randomBytes(15).toString('base64url').replace(/[-_]/g, 'x')}${lastFour}`;
}
