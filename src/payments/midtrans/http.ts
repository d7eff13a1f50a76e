import { GatewayError } from '../gateway.ts';
import { isJsonObject, type JsonObject } from './transaction-state.ts';

export interface MidtransHttpOptions {
  serverKey: string;
  timeoutMs: number;
  maxRetries: number;
  retryDelayMs: number;
  fetch: typeof globalThis.fetch;
}

export interface MidtransCall {
  method: 'GET' | 'POST';
  url: string;
  /** Short description for error messages, e.g. `GET /v2/{order_id}/status`. */
  label: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface MidtransReply {
  httpStatus: number;
  /** Parsed JSON object, or undefined when the body was empty, not JSON or not an object. */
  body: JsonObject | undefined;
  /** An earlier attempt failed after possibly reaching Midtrans (timeout, network error, HTTP 5xx). */
  afterAmbiguousAttempt: boolean;
}

export interface MidtransHttp {
  /** Sends with a per-attempt timeout, retrying only network errors, timeouts and HTTP 5xx. */
  send(call: MidtransCall): Promise<MidtransReply>;
  /** Removes the server key (raw or base64) from text that may be shown or logged. */
  redact(text: string): string;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createMidtransHttp(options: MidtransHttpOptions): MidtransHttp {
  const credential = Buffer.from(`${options.serverKey}:`, 'utf8').toString('base64');
  const authorization = `Basic ${credential}`;
  const secrets = [options.serverKey, credential].filter((secret) => secret.length > 0);

  function redact(text: string): string {
    return secrets.reduce((result, secret) => result.split(secret).join('[redacted]'), text);
  }

  async function attempt(call: MidtransCall): Promise<{ httpStatus: number; text: string }> {
    const headers: Record<string, string> = {
      Accept: 'application/json',
      'Content-Type': 'application/json',
      ...call.headers,
      Authorization: authorization,
    };
    const init: RequestInit = { method: call.method, headers, signal: AbortSignal.timeout(options.timeoutMs) };
    if (call.body !== undefined) init.body = JSON.stringify(call.body);
    const response = await options.fetch(call.url, init);
    // The body is read under the same timeout signal, so a stalled body also times out.
    return { httpStatus: response.status, text: await response.text() };
  }

  async function send(call: MidtransCall): Promise<MidtransReply> {
    for (let attemptIndex = 0; ; attemptIndex += 1) {
      const afterAmbiguousAttempt = attemptIndex > 0;
      const isLastAttempt = attemptIndex >= options.maxRetries;
      try {
        const { httpStatus, text } = await attempt(call);
        const body = parseJsonObject(text);
        if (httpStatus < 500) return { httpStatus, body, afterAmbiguousAttempt };
        if (isLastAttempt) {
          throw new GatewayError('gateway_unavailable', `Midtrans ${call.label} failed: HTTP ${httpStatus}`, {
            httpStatus,
            ...statusCodeDetail(body),
            messages: errorMessagesOf(body).map(redact),
          });
        }
      } catch (error) {
        if (error instanceof GatewayError) throw error;
        if (isLastAttempt) {
          throw new GatewayError('gateway_unavailable', redact(`Midtrans ${call.label} failed: ${describeNetworkError(error)}`));
        }
      }
      await sleep(options.retryDelayMs * 2 ** attemptIndex);
    }
  }

  return { send, redact };
}

function parseJsonObject(text: string): JsonObject | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return isJsonObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function describeNetworkError(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === 'TimeoutError' || error.name === 'AbortError') return 'timed out';
    const cause = (error as { cause?: unknown }).cause;
    const causeCode = isJsonObject(cause) && typeof cause.code === 'string' ? ` (${cause.code})` : '';
    return `network error: ${error.message}${causeCode}`;
  }
  return 'network error';
}

function statusCodeDetail(body: JsonObject | undefined): { statusCode?: string } {
  const statusCode = body?.status_code;
  return typeof statusCode === 'string' || typeof statusCode === 'number' ? { statusCode: String(statusCode) } : {};
}

/** Snap answers `error_messages`; Core API answers `status_message` and sometimes `validation_messages`. */
export function errorMessagesOf(body: JsonObject | undefined): string[] {
  if (!body) return [];
  const lists = [body.error_messages, body.validation_messages].filter(Array.isArray) as unknown[][];
  const messages = lists.flat().filter((message): message is string => typeof message === 'string');
  if (typeof body.status_message === 'string') messages.push(body.status_message);
  return messages;
}

/**
 * The official clients' error rule: HTTP ≥ 400, or a body `status_code` ≥ 400 other than 407
 * (407 is the expire API's success answer). Returns the effective status code, or undefined
 * when the reply is a success.
 */
export function failingStatus(reply: Pick<MidtransReply, 'httpStatus' | 'body'>): number | undefined {
  const bodyCode = Number(reply.body?.status_code);
  const hasBodyCode = Number.isInteger(bodyCode) && bodyCode > 0;
  if (reply.httpStatus >= 400) return hasBodyCode && bodyCode >= 400 ? bodyCode : reply.httpStatus;
  if (hasBodyCode && bodyCode >= 400 && bodyCode !== 407) return bodyCode;
  return undefined;
}

/** Maps a failing reply to our error vocabulary; messages are redacted of the server key. */
export function gatewayErrorFor(
  reply: MidtransReply,
  status: number,
  label: string,
  redact: (text: string) => string,
): GatewayError {
  const messages = errorMessagesOf(reply.body).map(redact);
  const details = { httpStatus: reply.httpStatus, ...statusCodeDetail(reply.body), messages };
  const summary = messages.length > 0 ? `: ${messages.join('; ')}` : '';
  const message = `Midtrans ${label} failed with status ${status}${summary}`;
  if (status === 401) return new GatewayError('gateway_unauthorized', message, details);
  if (status === 404) return new GatewayError('gateway_not_found', message, details);
  if (status >= 500) return new GatewayError('gateway_unavailable', message, details);
  return new GatewayError('gateway_rejected', message, details);
}
