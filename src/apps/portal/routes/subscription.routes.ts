import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Deps } from '../../../deps.ts';
import { removeSavedCard } from '../../../modules/subscriptions/saved-card.ts';
import { whyNotCancel } from '../../../modules/subscriptions/may-cancel.ts';
import { cancelSubscription, resumeSubscription, withdrawScheduledChange } from '../../../modules/subscriptions/cancel.ts';
import { once } from '../http/actions.ts';
import { sessionFormPost } from '../http/csrf.ts';
import { chromeFor, sendSessionPage } from '../http/pages.ts';
import { portalContext, requireSession } from '../http/session.ts';
import { newActionId } from '../../../web/once.ts';
import { loadAccount } from '../portal.service.ts';
import { ActionForm, CancelForm } from '../portal.schemas.ts';
import { cancelPage } from '../views/cancel.view.ts';

/** Cancel (with confirmation and an optional reason), resume, and withdraw a scheduled downgrade. */
export function subscriptionRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  const session = requireSession(deps);
  const post = sessionFormPost(deps);
  const see = (location: string) => async () => location;

  return async (app) => {
    app.get('/cancel', { preHandler: session, schema: { hide: true } }, async (request, reply) => {
      const ctx = portalContext(request);
      const account = await loadAccount(deps, ctx.owner, ctx.locale);
      const sub = account.subscription;
      if (!sub || !account.current || sub.cancel_at_period_end || whyNotCancel(sub, account.current)) return reply.code(303).header('location', '/portal').send();
      return sendSessionPage(
        reply,
        ctx,
        cancelPage({ chrome: chromeFor(ctx, 'overview'), now: ctx.now, subscription: sub, plan: account.current, csrf: ctx.csrf, actionId: newActionId() }),
      );
    });

    /**
     * A state-changing form: run once per action id (a double submit gets the first
     * answer), then 303 back to the overview with a notice.
     */
    const act = (ctx: ReturnType<typeof portalContext>, actionId: string, run: () => Promise<string>) =>
      once(deps, ctx, actionId, run, see('/portal'));

    app.post('/cancel', { ...post, schema: { body: CancelForm, hide: true } }, async (request, reply) => {
      const ctx = portalContext(request);
      const { reason, comment } = request.body;
      const text = [reason, comment?.trim()].filter(Boolean).join(': ');
      const location = await act(ctx, request.body.action_id, async () => {
        const after = await cancelSubscription(deps, { ...ctx.owner, source: 'portal', ...(text && { reason: text }) });
        return after.status === 'canceled' ? '/portal?notice=canceled_now' : '/portal?notice=canceled';
      });
      return reply.code(303).header('location', location).send();
    });

    app.post('/card/remove', { ...post, schema: { body: ActionForm, hide: true } }, async (request, reply) => {
      const ctx = portalContext(request);
      const location = await act(ctx, request.body.action_id, async () => ((await removeSavedCard(deps, ctx.owner)) ? '/portal?notice=card_removed' : '/portal?notice=already_done'));
      return reply.code(303).header('location', location).send();
    });

    app.post('/resume', { ...post, schema: { body: ActionForm, hide: true } }, async (request, reply) => {
      const ctx = portalContext(request);
      const location = await act(ctx, request.body.action_id, async () => {
        await resumeSubscription(deps, { ...ctx.owner, source: 'portal' });
        return '/portal?notice=resumed';
      });
      return reply.code(303).header('location', location).send();
    });

    app.post('/scheduled-change/withdraw', { ...post, schema: { body: ActionForm, hide: true } }, async (request, reply) => {
      const ctx = portalContext(request);
      const location = await act(ctx, request.body.action_id, async () => {
        await withdrawScheduledChange(deps, { ...ctx.owner, source: 'portal' });
        return '/portal?notice=change_withdrawn';
      });
      return reply.code(303).header('location', location).send();
    });
  };
}
