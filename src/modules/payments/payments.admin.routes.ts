import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Deps } from '../../deps.ts';
import { errorResponses } from '../../lib/schema.ts';
import { PublicPayment } from '../events/events.schemas.ts';
import { ProjectParams } from '../projects/projects.schemas.ts';
import { listRefundsDue } from './list-refunds-due.ts';
import { PAYMENT_EXAMPLE } from './payments.platform.routes.ts';

const RefundsDueQuery = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })) }, { additionalProperties: false });

const RefundsDueResponse = Type.Object(
  {
    data: Type.Array(PublicPayment),
    has_more: Type.Boolean({ description: 'More flagged payments follow.' }),
  },
  {
    examples: [
      {
        data: [{ ...PAYMENT_EXAMPLE, amount: 417, paid_at: '2026-12-24T02:10:00.000Z', refund_due: { reason: 'settled_after_expiry', flagged_at: '2026-12-24T02:10:01.000Z' } }],
        has_more: false,
      },
    ],
  },
);

/** Admin API for a project's payments; mounted under /api/admin. */
export function paymentAdminRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/projects/:id/payments/refunds-due',
      {
        schema: {
          tags: ['Admin: payments'],
          security: [{ adminKey: [] }],
          summary: 'List payments to refund',
          description:
            'Payments the gateway settled but that bought nothing — paid after Langgan had expired or superseded them (e.g. an upgrade link paid after its period ended), so they were recorded as paid, applied no plan, and flagged. Oldest first. Each carries `refund_due.reason`; the integrator also received a `payment.refund_due` event. See docs/billing.md, "Late settlements".',
          params: ProjectParams,
          querystring: RefundsDueQuery,
          response: { 200: RefundsDueResponse, ...errorResponses(400, 401, 404, 429) },
        },
      },
      async (request) => listRefundsDue(deps.db, { projectId: request.params.id, limit: request.query.limit ?? 50 }),
    );
  };
}
