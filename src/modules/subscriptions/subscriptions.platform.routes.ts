import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Deps } from '../../deps.ts';
import { clientOf } from '../../http/auth/client-credentials.ts';
import { requireNoBody } from '../../http/guards.ts';
import { errorResponses } from '../../lib/schema.ts';
import { cancelSubscription, resumeSubscription, withdrawScheduledChange } from './cancel.ts';
import { changePlan, previewPlanChange } from './change-plan.ts';
import { CancelBody, ChangeResponse, EndUserParams, PlanChoiceBody, PreviewResponse, SubscriptionResponse } from './subscriptions.schemas.ts';
import { getEndUserSubscription, resolveEndUser, resolvePlanCode } from './subscriptions.service.ts';

export function subscriptionPlatformRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/end-users/:end_user_id/subscription',
      {
        schema: {
          tags: ['Platform'],
          security: [{ clientBasic: [] }],
          summary: "Get an end user's subscription",
          description:
            'The plan, status, current period and any scheduled downgrade or cancellation of one of your end users — what your app gates features on. `status: "none"` means the user exists but has never had a plan; an end user unknown to your project is a 404. HTTP Basic auth with client_id:client_secret.',
          params: EndUserParams,
          response: { 200: SubscriptionResponse, ...errorResponses(400, 401, 403, 404, 429) },
        },
      },
      async (request) => getEndUserSubscription(deps.db, clientOf(request).projectId, request.params.end_user_id),
    );

    const tags = ['Platform'];
    const security = [{ clientBasic: [] }];
    /** The caller's project, its end user and the chosen plan: never another project's. */
    const target = async (request: { params: { end_user_id: string } } & Parameters<typeof clientOf>[0], planCode?: string) => {
      const projectId = clientOf(request).projectId;
      const endUser = await resolveEndUser(deps.db, projectId, request.params.end_user_id);
      const planId = planCode === undefined ? '' : await resolvePlanCode(deps.db, projectId, planCode);
      return { projectId, endUserId: endUser.id, planId, source: 'api' as const };
    };

    app.post(
      '/end-users/:end_user_id/subscription/preview',
      {
        schema: {
          tags,
          security,
          summary: 'Preview a plan change',
          description:
            'What changing to `plan_code` would do right now under the billing rules (docs/billing.md): the kind of change, the amount charged now with its item lines (prorated for a mid-period upgrade), and when it takes effect. Changes nothing.',
          params: EndUserParams,
          body: PlanChoiceBody,
          response: { 200: PreviewResponse, ...errorResponses(400, 401, 403, 404, 422, 429) },
        },
      },
      async (request) => {
        const q = await previewPlanChange(deps, await target(request, request.body.plan_code));
        return {
          kind: q.kind,
          amount: q.amount,
          currency: q.target.currency,
          items: q.items,
          credit: q.credit,
          effective_at: q.effectiveAt?.toISOString() ?? null,
        };
      },
    );

    app.post(
      '/end-users/:end_user_id/subscription/change',
      {
        schema: {
          tags,
          security,
          summary: 'Change plan',
          description:
            'Applies the same rules as the portal: a paid upgrade answers `payment_required` with a `payment_url` to send the customer to (asking again returns the same open payment, never a second charge); a downgrade is `scheduled` for the period end; a free switch is `applied`.',
          params: EndUserParams,
          body: PlanChoiceBody,
          response: { 200: ChangeResponse, ...errorResponses(400, 401, 403, 404, 409, 422, 429, 502) },
        },
      },
      async (request) => {
        const r = await changePlan(deps, await target(request, request.body.plan_code));
        const subscription = await getEndUserSubscription(deps.db, clientOf(request).projectId, request.params.end_user_id);
        const payment =
          r.outcome === 'payment_required'
            ? {
                id: r.payment.id,
                order_id: r.payment.order_id,
                amount: r.payment.amount,
                currency: r.payment.currency,
                status: r.payment.status,
                payment_url: r.payment.redirect_url,
                expires_at: r.payment.expires_at.toISOString(),
              }
            : null;
        return { outcome: r.outcome, kind: r.kind, payment, subscription };
      },
    );

    app.post(
      '/end-users/:end_user_id/subscription/cancel',
      {
        schema: {
          tags,
          security,
          summary: 'Cancel at period end',
          description: 'Cancels at the end of the paid period (at once on a free plan), keeping the optional reason. Idempotent.',
          params: EndUserParams,
          body: CancelBody,
          response: { 200: SubscriptionResponse, ...errorResponses(400, 401, 403, 404, 422, 429) },
        },
      },
      async (request) => {
        await cancelSubscription(deps, { ...(await target(request)), reason: request.body.reason });
        return getEndUserSubscription(deps.db, clientOf(request).projectId, request.params.end_user_id);
      },
    );

    app.post(
      '/end-users/:end_user_id/subscription/resume',
      {
        preValidation: requireNoBody,
        schema: {
          tags,
          security,
          summary: 'Resume a subscription',
          description: 'Undoes a scheduled cancellation before the period ends. Idempotent.',
          params: EndUserParams,
          response: { 200: SubscriptionResponse, ...errorResponses(400, 401, 403, 404, 422, 429) },
        },
      },
      async (request) => {
        await resumeSubscription(deps, await target(request));
        return getEndUserSubscription(deps.db, clientOf(request).projectId, request.params.end_user_id);
      },
    );

    app.delete(
      '/end-users/:end_user_id/subscription/scheduled-change',
      {
        schema: {
          tags,
          security,
          summary: 'Withdraw a scheduled downgrade',
          description: 'The current plan simply continues past the period end. Idempotent.',
          params: EndUserParams,
          response: { 200: SubscriptionResponse, ...errorResponses(400, 401, 403, 404, 422, 429) },
        },
      },
      async (request) => {
        await withdrawScheduledChange(deps, await target(request));
        return getEndUserSubscription(deps.db, clientOf(request).projectId, request.params.end_user_id);
      },
    );
  };
}
