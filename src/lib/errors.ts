/**
 * Every error a client can see has a stable machine code. The HTTP status for each code
 * is decided here and nowhere else; services throw AppError with a code and a sentence
 * that names the field or problem.
 */
export const ERROR_STATUS = {
  invalid_request: 400,
  invalid_json: 400,
  invalid_theme: 400,
  invalid_logo: 400,
  invalid_notification: 400,
  payment_mismatch: 400,
  invalid_credentials: 401,
  unauthorized: 401,
  invalid_signature: 401,
  portal_session_ended: 401,
  browser_request_forbidden: 403,
  csrf_failed: 403,
  forbidden: 403,
  not_found: 404,
  project_not_found: 404,
  plan_not_found: 404,
  end_user_not_found: 404,
  payment_not_found: 404,
  portal_link_unknown: 404,
  webhook_endpoint_not_found: 404,
  webhook_delivery_not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  plan_code_taken: 409,
  slug_taken: 409,
  payment_in_progress: 409,
  delivery_in_progress: 409,
  portal_link_used: 410,
  portal_link_expired: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  redirect_uri_not_registered: 422,
  default_plan_must_be_free: 422,
  plan_change_not_allowed: 422,
  currency_mismatch: 422,
  email_not_possible: 422,
  rate_limited: 429,
  internal_error: 500,
  payment_gateway_unavailable: 502,
  service_unavailable: 503,
  database_unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Extra machine-readable facts safe to show the caller (never secrets). */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AppError';
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}
