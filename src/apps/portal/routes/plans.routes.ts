import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Deps } from '../../../deps.ts';
import { AppError } from '../../../lib/errors.ts';
import { changePlan, previewPlanChange } from '../../../modules/subscriptions/change-plan.ts';
import { once } from '../http/actions.ts';
import { sessionFormPost } from '../http/csrf.ts';
import { chromeFor, sendSessionPage } from '../http/pages.ts';
import { portalContext, requireSession, type PortalContext } from '../http/session.ts';
import { newActionId } from '../../../web/once.ts';
import { safeUrl } from '../../../web/html.ts';
import { loadAccount, type AccountState } from '../portal.service.ts';
import { PlanChangeForm, PlanParams } from '../portal.schemas.ts';
import { abandonPayment } from '../../../modules/payments/abandon.ts';
import { confirmPage, plansPage } from '../views/plans.view.ts';

/**
 * Plans, the change preview and the change itself. The plan id in the path is looked up
 * within the session's project only; the end user is always the session's.
 */
export function planRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  const session = requireSession(deps);
  return async (app) => {
    app.get('/plans', { preHandler: session, schema: { hide: true } }, async (request, reply) => {
      const ctx = portalContext(request);
      const account = await loadAccount(deps, ctx.owner, ctx.locale);
      return sendSessionPage(reply, ctx, plansPage({ chrome: chromeFor(ctx, 'plans'), now: ctx.now, account, csrf: ctx.csrf, actionId: newActionId }));
    });

    app.get('/plans/:planId', { preHandler: session, schema: { params: PlanParams, hide: true } }, async (request, reply) => {
      const ctx = portalContext(request);
      const account = await loadAccount(deps, ctx.owner, ctx.locale);
      const target = offeredTarget(account, request.params.planId);
      const quote = await previewPlanChange(deps, { ...ctx.owner, planId: target.id, source: 'portal' });
      return sendSessionPage(
        reply,
        ctx,
        confirmPage({ chrome: chromeFor(ctx, 'plans'), now: ctx.now, account, quote, target, csrf: ctx.csrf, actionId: newActionId() }),
        200,
        deps.gateway.checkoutOrigins,
      );
    });

    app.post(
      '/plans/:planId',
      { ...sessionFormPost(deps), schema: { params: PlanParams, body: PlanChangeForm, hide: true } },
      async (request, reply) => {
        const ctx = portalContext(request);
        const planId = request.params.planId;
        const location = await once(
          deps,
          ctx,
          request.body.action_id,
          async () => {
            const account = await loadAccount(deps, ctx.owner, ctx.locale);
            const target = offeredTarget(account, planId);
            // "Cancel the open payment and continue": the open payment goes first (closed at
            // the gateway); if it turns out to be paid, the customer sees that instead.
            const replace = request.body.replace;
            if (replace) {
              if (account.openPayment?.id !== replace) throw new AppError('payment_not_found', `No open payment ${replace} to replace`);
              const abandoned = await abandonPayment(deps, ctx.owner, replace);
              if (abandoned.outcome === 'paid') return `/portal/payments/${encodeURIComponent(replace)}`;
            }
            if (account.subscription?.cancel_at_period_end) {
              const quote = await previewPlanChange(deps, { ...ctx.owner, planId: target.id, source: 'portal' });
              if (quote.amount === 0) throw refusal('cancel_scheduled');
            }
            const result = await changePlan(deps, { ...ctx.owner, planId: target.id, source: 'portal' });
            // Straight to the gateway's payment page (the confirm page's CSP allows its origin);
            // the portal's own payment page when there is none yet, or it is elsewhere.
            if (result.outcome === 'payment_required') return checkoutOf(deps, result.payment) ?? `/portal/payments/${encodeURIComponent(result.payment.id)}`;
            return `/portal?notice=${result.outcome === 'scheduled' ? 'downgrade_scheduled' : 'plan_changed'}`;
          },
          () => whereTheFirstSubmissionLed(deps, ctx, planId),
        );
        return reply.code(303).header('location', location).send();
      },
    );
  };
}

/** The payment page to send the customer to, when it is on an origin the confirm page's CSP allows. */
function checkoutOf(deps: Deps, payment: { redirect_url: string | null }): string | undefined {
  const url = safeUrl(payment.redirect_url);
  if (!url || url.startsWith('/')) return undefined;
  return deps.gateway.checkoutOrigins.includes(new URL(url).origin) ? url : undefined;
}

/** The target plan, only if this project offers it now; else 404 or a clear refusal. */
function offeredTarget(account: AccountState, planId: string) {
  const target = account.plansById.get(planId);
  if (!target) throw new AppError('plan_not_found', `No plan ${planId} in this project`);
  if (target.archived_at) throw refusal('archived');
  if (account.current?.id === target.id) throw refusal('already_on_plan');
  return target;
}

function refusal(reason: 'cancel_scheduled' | 'archived' | 'already_on_plan'): AppError {
  return new AppError('plan_change_not_allowed', `Plan change refused: ${reason}`, { reason });
}

/** A second submission of the same form: show what the first one produced. */
async function whereTheFirstSubmissionLed(deps: Deps, ctx: PortalContext, planId: string): Promise<string> {
  const account = await loadAccount(deps, ctx.owner, ctx.locale);
  if (account.openPayment?.plan_id === planId) return `/portal/payments/${encodeURIComponent(account.openPayment.id)}`;
  if (account.subscription?.scheduled_plan_id === planId) return '/portal?notice=downgrade_scheduled';
  if (account.current?.id === planId) return '/portal?notice=plan_changed';
  return '/portal';
}
