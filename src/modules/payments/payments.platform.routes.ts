import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Deps } from '../../deps.ts';
import { clientOf } from '../../http/auth/client-credentials.ts';
import { errorResponses } from '../../lib/schema.ts';
import { PublicPayment } from '../events/events.schemas.ts';
import { EndUserParams } from '../subscriptions/subscriptions.schemas.ts';
import { listEndUserPayments } from './list-end-user-payments.ts';

const PaymentListQuery = Type.Object(
  {
    before: Type.Optional(
      Type.String({
        pattern: '^pay_[A-Za-z0-9_-]{1,64}$',
        errorMessage: 'must be a payment id (pay_…)',
        description: 'Return the payments older than this one (the last id of the previous page).',
      }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  },
  { additionalProperties: false },
);

export const PAYMENT_EXAMPLE = {
  id: 'pay_Hq2m8Zx0Vb1nR7tY3pL5wA',
  order_id: 'pay_Hq2m8Zx0Vb1nR7tY3pL5wA',
  end_user_id: 'user_abc123',
  subscription_id: 'sub_q3Xh0c2v9Yb1nM4kL7pR8w',
  plan_id: 'plan_Vb7mQ2x9Lk0pR4sT8wYz1A',
  plan_code: 'pro',
  purpose: 'upgrade',
  description: 'Upgrade from Free to Pro (prorated)',
  amount: 150000,
  currency: 'IDR',
  status: 'paid',
  method: 'bank_transfer',
  created_at: '2026-11-24T01:00:00.000Z',
  paid_at: '2026-11-24T01:04:10.000Z',
  refund_due: null,
  refunded_amount: 0,
};

const PaymentListResponse = Type.Object(
  {
    data: Type.Array(PublicPayment),
    has_more: Type.Boolean({ description: 'Older payments follow; ask again with `before` = the last id.' }),
  },
  { examples: [{ data: [PAYMENT_EXAMPLE], has_more: false }] },
);

/** `GET /api/platform/end-users/{end_user_id}/payments`: one end user's payment history. */
export function paymentPlatformRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/end-users/:end_user_id/payments',
      {
        schema: {
          tags: ['Platform'],
          security: [{ clientBasic: [] }],
          summary: "List an end user's payments",
          description:
            'Every payment of one of your end users, newest first, with its current status (pending, paid, failed, expired, refunded), method, amount in whole rupiah and Midtrans order_id. Page with `before` = the last id of the previous page. An end user unknown to your project is a 404. HTTP Basic auth with client_id:client_secret.',
          params: EndUserParams,
          querystring: PaymentListQuery,
          response: { 200: PaymentListResponse, ...errorResponses(400, 401, 403, 404, 429) },
        },
      },
      async (request) =>
        listEndUserPayments(deps.db, {
          projectId: clientOf(request).projectId,
          externalId: request.params.end_user_id,
          before: request.query.before,
          limit: request.query.limit ?? 20,
        }),
    );
  };
}
