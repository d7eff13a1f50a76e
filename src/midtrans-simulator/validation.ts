import type { Item } from './types.ts';

/** Midtrans validation rules shared by Snap and Core API requests; messages are Rails-style like Snap's. */

export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const orderIdPattern = /^[A-Za-z0-9\-_~.]+$/;
export const maxOrderIdLength = 50;
export const maxItemNameLength = 50;

export interface TransactionDetails {
  orderId: string;
  grossAmount: number;
  items: Item[];
}

function checkOrderId(value: unknown, errors: string[]): string | undefined {
  const field = 'transaction_details.order_id';
  if (value === undefined || value === null || value === '') {
    errors.push(`${field} can't be blank`);
    return undefined;
  }
  if (typeof value !== 'string') {
    errors.push(`${field} must be a string`);
    return undefined;
  }
  if (value.length > maxOrderIdLength) errors.push(`${field} is too long (maximum is ${maxOrderIdLength} characters)`);
  if (!orderIdPattern.test(value)) errors.push(`${field} may only contain letters, digits, '-', '_', '~' and '.'`);
  return value;
}

function checkGrossAmount(value: unknown, errors: string[]): number | undefined {
  const field = 'transaction_details.gross_amount';
  if (value === undefined || value === null) {
    errors.push(`${field} can't be blank`);
    return undefined;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    errors.push(`${field} must be a number`);
    return undefined;
  }
  if (!Number.isSafeInteger(value)) {
    errors.push(`${field} must be an integer (IDR has no decimals)`);
    return undefined;
  }
  if (value < 1) {
    errors.push(`${field} must be greater than or equal to 1`);
    return undefined;
  }
  return value;
}

function checkItem(value: unknown, index: number, errors: string[]): Item | undefined {
  const field = `item_details[${index}]`;
  if (!isJsonObject(value)) {
    errors.push(`${field} must be an object`);
    return undefined;
  }
  const before = errors.length;
  const { id, name, price, quantity } = value;
  if (id !== undefined && (typeof id !== 'string' || id.length > 50)) errors.push(`${field}.id must be a string of at most 50 characters`);
  if (typeof name !== 'string' || name === '') errors.push(`${field}.name can't be blank`);
  else if (name.length > maxItemNameLength) errors.push(`${field}.name is too long (maximum is ${maxItemNameLength} characters)`);
  if (typeof price !== 'number' || !Number.isSafeInteger(price)) errors.push(`${field}.price must be an integer`);
  if (typeof quantity !== 'number' || !Number.isSafeInteger(quantity) || quantity < 1) {
    errors.push(`${field}.quantity must be an integer greater than or equal to 1`);
  }
  if (errors.length > before) return undefined;
  const item: Item = { name: name as string, price: price as number, quantity: quantity as number };
  if (typeof id === 'string') item.id = id;
  return item;
}

/** Checks `transaction_details` and `item_details`, appending Midtrans-style messages to `errors`. */
export function checkTransactionDetails(body: JsonObject, errors: string[]): TransactionDetails | undefined {
  const details = body.transaction_details;
  if (!isJsonObject(details)) {
    errors.push("transaction_details can't be blank");
    return undefined;
  }
  const orderId = checkOrderId(details.order_id, errors);
  const grossAmount = checkGrossAmount(details.gross_amount, errors);

  const rawItems = body.item_details;
  let items: Item[] = [];
  if (rawItems !== undefined && rawItems !== null) {
    if (!Array.isArray(rawItems)) {
      errors.push('item_details must be an array');
    } else {
      const checked = rawItems.map((item, index) => checkItem(item, index, errors));
      if (checked.every((item): item is Item => item !== undefined)) items = checked;
    }
  }
  const itemsValid = items.length === (Array.isArray(rawItems) ? rawItems.length : 0);
  if (grossAmount !== undefined && itemsValid && items.length > 0) {
    const sum = items.reduce((total, item) => total + item.price * item.quantity, 0);
    if (sum !== grossAmount) errors.push('transaction_details.gross_amount is not equal to the sum of item_details');
  }
  if (orderId === undefined || grossAmount === undefined || errors.length > 0) return undefined;
  return { orderId, grossAmount, items };
}

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
