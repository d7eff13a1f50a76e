import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Deps } from '../../../deps.ts';
import { abandonPayment } from '../../../modules/payments/abandon.ts';
import { once } from '../http/actions.ts';
import { newActionId } from '../../../web/once.ts';
import { sessionFormPost } from '../http/csrf.ts';
import { chromeFor, sendSessionPage } from '../http/pages.ts';
import { portalContext, requireSession } from '../http/session.ts';
import { loadAccount, paymentHistory, paymentOf, refreshPendingPayment } from '../portal.service.ts';
import { ActionForm, HistoryQuery, PaymentParams, ReturnQuery } from '../portal.schemas.ts';
import { historyPage, paymentPage, paymentPhase } from '../views/payments.view.ts';

export const HISTORY_PAGE_SIZE = 10;

/** Payment history, one payment, and the page Midtrans sends the browser back to. */
export function paymentRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  const session = requireSession(deps);
  return async (app) => {
    app.get('/payments', { preHandler: session, schema: { querystring: HistoryQuery, hide: true } }, async (request, reply) => {
      const ctx = portalContext(request);
      const page = request.query.page ?? 1;
      const [rows, account] = await Promise.all([
        paymentHistory(deps, ctx.owner, HISTORY_PAGE_SIZE + 1, (page - 1) * HISTORY_PAGE_SIZE),
        loadAccount(deps, ctx.owner, ctx.locale),
      ]);
      return sendSessionPage(
        reply,
        ctx,
        historyPage({
          chrome: chromeFor(ctx, 'payments'),
          now: ctx.now,
          payments: rows.slice(0, HISTORY_PAGE_SIZE),
          plansById: account.plansById,
          page,
          hasNext: rows.length > HISTORY_PAGE_SIZE,
        }),
      );
    });

    // Midtrans appends `?order_id=…&status_code=…&transaction_status=…`. Only order_id is
    // read, to find which of *this end user's* payments it was; its status comes from our
    // database (refreshed from the gateway's status API), never from the query string.
    app.get('/payments/return', { preHandler: session, schema: { querystring: ReturnQuery, hide: true } }, async (request, reply) => {
      const ctx = portalContext(request);
      const orderId = request.query.order_id;
      if (!orderId) return reply.code(303).header('location', '/portal/payments').send();
      const payment = await paymentOf(deps, ctx.owner, { orderId });
      // The customer has just acted on the gateway's page: ask it now (within the shorter
      // forced throttle, so reloading this URL cannot hammer the gateway).
      await refreshPendingPayment(deps, payment, { force: true });
      return reply.code(303).header('location', `/portal/payments/${encodeURIComponent(payment.id)}`).send();
    });

    // For the progressive script on a pending payment's page: has anything changed?
    app.get('/payments/:paymentId/status', { preHandler: session, schema: { params: PaymentParams, hide: true } }, async (request) => {
      const ctx = portalContext(request);
      const payment = await refreshPendingPayment(deps, await paymentOf(deps, ctx.owner, { id: request.params.paymentId }));
      return { status: payment.status, phase: paymentPhase(payment) };
    });

    // "Cancel this payment": closed at the gateway first, so it no longer blocks a change.
    app.post(
      '/payments/:paymentId/abandon',
      { ...sessionFormPost(deps), schema: { params: PaymentParams, body: ActionForm, hide: true } },
      async (request, reply) => {
        const ctx = portalContext(request);
        const id = request.params.paymentId;
        const here = `/portal/payments/${encodeURIComponent(id)}`;
        const location = await once(
          deps,
          ctx,
          request.body.action_id,
          async () => ((await abandonPayment(deps, ctx.owner, id)).outcome === 'abandoned' ? '/portal?notice=payment_abandoned' : here),
          async () => here,
        );
        return reply.code(303).header('location', location).send();
      },
    );

    app.get('/payments/:paymentId', { preHandler: session, schema: { params: PaymentParams, hide: true } }, async (request, reply) => {
      const ctx = portalContext(request);
      const stored = await paymentOf(deps, ctx.owner, { id: request.params.paymentId });
      const payment = await refreshPendingPayment(deps, stored);
      const account = await loadAccount(deps, ctx.owner, ctx.locale);
      return sendSessionPage(
        reply,
        ctx,
        paymentPage({
          chrome: chromeFor(ctx, 'payments'),
          now: ctx.now,
          payment,
          plansById: account.plansById,
          currentPlanId: account.current?.id ?? null,
          renewalDue: account.subscription?.status === 'past_due',
          csrf: ctx.csrf,
          actionId: newActionId(),
        }),
      );
    });
  };
}
