import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../lib/errors.ts';
import { errorResponses } from '../../lib/schema.ts';
import { GatewayError, type TransactionState } from '../../payments/gateway.ts';
import { findPaymentByOrderId } from './payments.repository.ts';
import { recordGatewayState } from './payments.service.ts';

const STATUS_CHECK_BUDGET_MS = 3_500;

function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

const Ack = Type.Object(
  { status: Type.String({ description: 'applied | unchanged | ignored' }) },
  { examples: [{ status: 'applied' }] },
);

/**
 * `POST /api/webhooks/midtrans`, the HTTP notification endpoint. Trust comes from the
 * signature and, after it, from asking the status API: the notification only says
 * "look at this order". Answers fast and 2xx for anything Midtrans should not retry.
 */
export function midtransWebhookRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/api/webhooks/midtrans',
      {
        schema: {
          tags: ['Webhooks'],
          summary: 'Midtrans payment notification',
          description:
            'Midtrans posts here after every transaction change. The `signature_key` (SHA-512 of order_id + status_code + gross_amount + server key) is verified in constant time (401 on mismatch), the state is confirmed with the Core API status endpoint, and the order, amount and currency must match the payment Langgan created (400 otherwise; nothing is applied). Duplicates and out-of-order notifications change nothing; unknown orders are acknowledged and ignored. Receivers ignore unknown fields, as the protocol requires.',
          body: Type.Object(
            {
              order_id: Type.String(),
              status_code: Type.String(),
              gross_amount: Type.String(),
              signature_key: Type.String(),
              transaction_status: Type.String(),
            },
            {
              additionalProperties: true,
              examples: [
                {
                  transaction_time: '2026-01-09 18:27:19',
                  transaction_status: 'settlement',
                  transaction_id: '57d5293c-e65f-4a29-95e4-5959c3fa335b',
                  status_message: 'midtrans payment notification',
                  status_code: '200',
                  signature_key: '<hex sha512>',
                  payment_type: 'bank_transfer',
                  order_id: 'pay_3kTMd9zQ0m1xYbq8Wv2c1A',
                  merchant_id: 'G141532850',
                  gross_amount: '150000.00',
                  fraud_status: 'accept',
                  currency: 'IDR',
                  va_numbers: [{ bank: 'bca', va_number: '12345678901' }],
                },
              ],
            },
          ),
          response: { 200: Ack, ...errorResponses(400, 401, 503) },
        },
      },
      async (request) => {
        let claimed: TransactionState;
        try {
          claimed = deps.gateway.verifyNotification(request.body);
        } catch (err) {
          if (err instanceof GatewayError && err.code === 'invalid_signature') {
            request.log.warn({ order_id: request.body.order_id }, 'midtrans notification with a bad signature');
            throw new AppError('invalid_signature', 'signature_key does not match this notification');
          }
          throw new AppError('invalid_notification', err instanceof Error ? err.message : 'Not a Midtrans notification');
        }

        if (!(await findPaymentByOrderId(deps.db, claimed.orderId))) {
          // Not ours (another system on the same merchant account, or a test): acknowledge so
          // Midtrans does not retry, and leave a trace.
          request.log.warn({ order_id: claimed.orderId }, 'midtrans notification for an unknown order');
          return { status: 'ignored' };
        }

        let confirmed: TransactionState | null;
        try {
          // Midtrans gives us 5 seconds: past the budget, answer 503 and let it retry.
          confirmed = await withDeadline(deps.gateway.getStatus(claimed.orderId), STATUS_CHECK_BUDGET_MS);
        } catch (err) {
          request.log.error({ err, order_id: claimed.orderId }, 'could not confirm notification with the status API');
          throw new AppError('service_unavailable', 'Could not confirm the transaction with Midtrans; retry later');
        }
        if (!confirmed) return { status: 'ignored' };

        const result = await recordGatewayState(deps, confirmed);
        if (result.outcome === 'mismatch') {
          request.log.error(
            { order_id: claimed.orderId, expected: result.payment?.amount, got: confirmed.grossAmount, currency: confirmed.currency },
            'midtrans amount or currency does not match the payment; nothing applied',
          );
          throw new AppError('payment_mismatch', 'The transaction amount or currency does not match the order');
        }
        return { status: result.outcome === 'unknown_order' ? 'ignored' : result.outcome };
      },
    );
  };
}
