import { Type } from '@sinclair/typebox';

/**
 * Deep links into the portal: where a customer lands once the link (or the hosted login)
 * has signed them in. The integrator's "Change plan", "Payment history", "Cancel
 * subscription" or "Pay invoice" button names the step; emails use the same shape (a
 * renewal reminder lands on its payment). The flow is navigation only: every page still
 * checks that what it shows belongs to the session's customer.
 */
/** Where the portal is mounted (as in the portal_url this module mints). */
const PORTAL_PREFIX = '/portal';
const FLOW_PATTERN = '^(plans|payments|cancel|pay:pay_[A-Za-z0-9_-]{1,64})$';
const FLOW_REGEX = new RegExp(FLOW_PATTERN);

export const Flow = Type.String({
  pattern: FLOW_PATTERN,
  errorMessage: 'must be plans, payments, cancel or pay:<payment id>',
  description:
    'Where the customer lands after the link signs them in: `plans` (change plan), `payments` (payment history), `cancel` (the cancel step) or `pay:<payment id>` (that open payment, to pay it). Absent: the overview.',
  examples: ['plans', 'pay:pay_Hq2m8Zx0Vb1nR7tY3pL5wA'],
});

export function isFlow(value: unknown): value is string {
  return typeof value === 'string' && FLOW_REGEX.test(value);
}

/** The portal path a flow lands on; anything that is not a flow lands on the overview. */
export function flowPath(flow: string | null | undefined): string {
  if (!isFlow(flow)) return PORTAL_PREFIX;
  if (flow.startsWith('pay:')) return `${PORTAL_PREFIX}/payments/${flow.slice(4)}`;
  return `${PORTAL_PREFIX}/${flow}`;
}
