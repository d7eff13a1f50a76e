import { ownEntry } from '../lib/lookup.ts';
import type { Item } from './types.ts';
import { checkTransactionDetails, isHttpUrl, isJsonObject, type JsonObject } from './validation.ts';

export interface SnapCreateRequest {
  orderId: string;
  grossAmount: number;
  items: Item[];
  customer: { firstName?: string; email?: string };
  finishUrl?: string;
  expiryMs: number;
  saveCard: boolean;
  userId?: string;
}

const minuteMs = 60_000;
const unitMs: Record<string, number> = {
  minute: minuteMs, minutes: minuteMs,
  hour: 60 * minuteMs, hours: 60 * minuteMs,
  day: 24 * 60 * minuteMs, days: 24 * 60 * minuteMs,
};
/** A Snap token lives at most 7 days; without `expiry` it lives 24 hours. */
const maxExpiryMs = 7 * unitMs.day!;
const defaultExpiryMs = unitMs.day!;

function checkExpiry(value: unknown, errors: string[]): number {
  if (value === undefined || value === null) return defaultExpiryMs;
  if (!isJsonObject(value)) {
    errors.push('expiry must be an object');
    return defaultExpiryMs;
  }
  const unit = typeof value.unit === 'string' ? ownEntry(unitMs, value.unit) : undefined;
  if (unit === undefined) errors.push('expiry.unit is not included in the list (day, hour, minute)');
  const { duration } = value;
  if (typeof duration !== 'number' || !Number.isSafeInteger(duration) || duration < 1) {
    errors.push('expiry.duration must be an integer greater than or equal to 1');
    return defaultExpiryMs;
  }
  if (unit === undefined) return defaultExpiryMs;
  if (duration * unit > maxExpiryMs) errors.push('expiry must not be longer than 7 days');
  return duration * unit;
}

function checkCustomer(value: unknown, errors: string[]): SnapCreateRequest['customer'] {
  if (value === undefined || value === null) return {};
  if (!isJsonObject(value)) {
    errors.push('customer_details must be an object');
    return {};
  }
  const customer: SnapCreateRequest['customer'] = {};
  if (typeof value.first_name === 'string') customer.firstName = value.first_name;
  if (typeof value.email === 'string') customer.email = value.email;
  return customer;
}

function checkFinishUrl(value: unknown, errors: string[]): string | undefined {
  if (!isJsonObject(value) || value.finish === undefined) return undefined;
  if (typeof value.finish !== 'string' || !isHttpUrl(value.finish)) {
    errors.push('callbacks.finish must be an http(s) URL');
    return undefined;
  }
  return value.finish;
}

export type SnapRequestParse = { ok: true; request: SnapCreateRequest } | { ok: false; errors: string[] };

/** Validates a Snap create body; `errors` are Snap's `error_messages`. Uniqueness is checked by the caller. */
export function parseSnapCreateRequest(body: unknown): SnapRequestParse {
  if (!isJsonObject(body)) return { ok: false, errors: ["transaction_details can't be blank"] };
  const errors: string[] = [];
  const details = checkTransactionDetails(body, errors);
  const customer = checkCustomer(body.customer_details, errors);
  const finishUrl = checkFinishUrl(body.callbacks, errors);
  const expiryMs = checkExpiry(body.expiry, errors);
  const creditCard: JsonObject = isJsonObject(body.credit_card) ? body.credit_card : {};
  const saveCard = creditCard.save_card === true;
  const userId = typeof body.user_id === 'string' && body.user_id !== '' ? body.user_id : undefined;
  if (!details || errors.length > 0) return { ok: false, errors };
  const request: SnapCreateRequest = { ...details, customer, expiryMs, saveCard };
  if (finishUrl) request.finishUrl = finishUrl;
  if (userId) request.userId = userId;
  return { ok: true, request };
}
