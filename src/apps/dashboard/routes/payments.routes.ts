import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../../deps.ts';
import { AppError } from '../../../lib/errors.ts';
import { endOfDayIn, startOfDayIn } from '../../../lib/zoned-dates.ts';
import { can } from '../../../modules/accounts/roles.ts';
import { recordAudit } from '../../../modules/audit/audit.repository.ts';
import { findPlan } from '../../../modules/plans/plans.repository.ts';
import { findListedPayment, listNeedingAttention, listPaymentEvents, listPayments, type PaymentListStatus } from '../../../modules/payments/payments-list.repository.ts';
import { recordGatewayState } from '../../../modules/payments/payments.service.ts';
import { refundPayment, remainingToRefund, retryRefund, type RefundChannel } from '../../../modules/payments/refunds.ts';
import { listRefundsOfPayment, newRefundId } from '../../../modules/payments/refunds.repository.ts';
import { formatMoney } from '../../../web/format.ts';
import { newActionId } from '../../../web/once.ts';
import { chromeFor, sendPage } from '../http/pages.ts';
import { loadProject, projectAccess, requireCapability } from '../http/project-access.ts';
import { dashboardContext, once, requireCsrfToken, requireSameOrigin, requireSignedIn } from '../http/session.ts';
import { LIST_METHODS, LIST_STATUSES, paymentPath, paymentPage, paymentsListPage, type ListFilters, type PaymentPageView } from '../views/payments.view.ts';

const PAGE_SIZE = 25;
/** "Check status now": at most one gateway call per payment in this window, across instances (the shared rate-limit store). */
const CHECK_EVERY_MS = 5_000;

const ProjectParams = Type.Object({ projectId: Type.String({ maxLength: 80 }) }, { additionalProperties: false });
const PaymentParams = Type.Object({ projectId: Type.String({ maxLength: 80 }), paymentId: Type.String({ maxLength: 80 }) }, { additionalProperties: false });
const RefundParams = Type.Object({ ...PaymentParams.properties, refundId: Type.String({ maxLength: 80 }) }, { additionalProperties: false });
const ListQuery = Type.Object(
  {
    status: Type.Optional(Type.String({ maxLength: 40 })),
    method: Type.Optional(Type.String({ maxLength: 40 })),
    from: Type.Optional(Type.String({ maxLength: 20 })),
    to: Type.Optional(Type.String({ maxLength: 20 })),
    before: Type.Optional(Type.String({ maxLength: 80 })),
  },
  { additionalProperties: true },
);
const PageQuery = Type.Object({ notice: Type.Optional(Type.String({ maxLength: 40 })), refund: Type.Optional(Type.String({ maxLength: 80 })) }, { additionalProperties: true });
const FormSecrets = { csrf: Type.String({ maxLength: 200 }), action_id: Type.String({ maxLength: 64 }) };
const Plain = Type.Object(FormSecrets, { additionalProperties: false });
const RefundBody = Type.Object(
  {
    ...FormSecrets,
    refund_key: Type.String({ pattern: '^rfd_[A-Za-z0-9_-]{16,64}$' }),
    channel: Type.Union([Type.Literal('midtrans'), Type.Literal('outside')]),
    'midtrans-amount': Type.Optional(Type.String({ maxLength: 30 })),
    'midtrans-reason': Type.Optional(Type.String({ maxLength: 2000 })),
    'outside-amount': Type.Optional(Type.String({ maxLength: 30 })),
    'outside-reason': Type.Optional(Type.String({ maxLength: 2000 })),
    'outside-note': Type.Optional(Type.String({ maxLength: 5000 })),
  },
  { additionalProperties: false },
);
type RefundBody = (typeof RefundBody)['static'];

/** The amount as typed: digits, with the thousands dots or commas people type ("150.000"). */
function parseAmount(text: string): number | undefined {
  const digits = text.trim().replace(/^Rp\s?/i, '').replace(/[.,\s]/g, '');
  return /^\d{1,13}$/.test(digits) ? Number(digits) : undefined;
}

/**
 * Payments and refunds: the list with its filters and "Needs attention", one payment (what
 * Midtrans says, its method, every state change, its refunds), "Check status now", and the
 * refund forms — through Midtrans, or recorded as made outside it. Reading needs membership;
 * refunding `act_on_customers` (finance, admin, owner), checked on the server.
 */
export function paymentRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  const signedIn = requireSignedIn(deps);
  const project = loadProject(deps);
  const sameOrigin = requireSameOrigin(deps.config.publicUrl);
  const read = [signedIn, project];
  const refund = [signedIn, requireCsrfToken, project, requireCapability('act_on_customers')];
  const check = [signedIn, requireCsrfToken, project, requireCapability('read')];

  async function renderPayment(
    request: FastifyRequest,
    reply: FastifyReply,
    paymentId: string,
    o: { notice?: string; errors?: Record<string, string>; form?: PaymentPageView['form']; refundKey?: string; status?: number } = {},
  ) {
    const ctx = dashboardContext(request);
    const { project: p, role } = projectAccess(request);
    const payment = await findListedPayment(deps.db, p.id, paymentId);
    if (!payment) throw new AppError('not_found', 'No such payment');
    const [events, refunds, plan] = await Promise.all([listPaymentEvents(deps.db, p.id, payment.id), listRefundsOfPayment(deps.db, payment.id), findPlan(deps.db, p.id, payment.plan_id)]);
    const creators = [...new Set(refunds.map((r) => r.created_by).filter((id): id is string => id !== null))];
    const people = new Map(
      creators.length ? (await deps.db.selectFrom('users').select(['id', 'name']).where('id', 'in', creators).execute()).map((u) => [u.id, u.name] as const) : [],
    );
    const chrome = chromeFor(request, ctx, { id: p.id, name: p.name, section: 'payments' });
    const view: PaymentPageView = {
      projectId: p.id,
      timeZone: p.time_zone,
      payment,
      planName: plan?.name,
      events,
      refunds,
      people,
      remaining: remainingToRefund(payment, refunds),
      canRefund: can(role, 'act_on_customers'),
      gatewayCanRefund: deps.gateway.canRefund(payment.payment_method),
      csrf: ctx.csrf,
      actionId: newActionId,
      refundKey: o.refundKey ?? newRefundId(),
      errors: o.errors ?? {},
      form: o.form ?? { amount: '', reason: '', note: '', channel: 'midtrans' },
      ...(o.notice && { notice: o.notice }),
    };
    return sendPage(reply, paymentPage(chrome, view), o.status ?? 200);
  }

  return async (app) => {
    app.get('/projects/:projectId/payments', { preHandler: read, schema: { params: ProjectParams, querystring: ListQuery, hide: true } }, async (request, reply) => {
      const ctx = dashboardContext(request);
      const { project: p } = projectAccess(request);
      const m = ctx.t.payments;
      const q = request.query;
      const filters: ListFilters = {
        status: LIST_STATUSES.includes(q.status as PaymentListStatus) ? q.status! : '',
        method: LIST_METHODS.includes(q.method ?? '') ? q.method! : '',
        from: q.from ?? '',
        to: q.to ?? '',
      };
      const errors: Record<string, string> = {};
      const from = filters.from ? startOfDayIn(filters.from, p.time_zone) : undefined;
      const to = filters.to ? endOfDayIn(filters.to, p.time_zone) : undefined;
      if (filters.from && !from) errors.from = m.invalidDate;
      if (filters.to && !to) errors.to = m.invalidDate;
      if (from && to && to <= from) errors.to = m.rangeBackwards;
      const before = q.before ? await findListedPayment(deps.db, p.id, q.before) : undefined;
      const invalid = Object.keys(errors).length > 0;
      const [rows, attention, any] = await Promise.all([
        invalid
          ? []
          : listPayments(deps.db, {
              projectId: p.id,
              ...(filters.status && { status: filters.status as PaymentListStatus }),
              ...(filters.method && { method: filters.method }),
              ...(from && { from }),
              ...(to && { to }),
              ...(before && { before }),
              limit: PAGE_SIZE + 1,
            }),
        listNeedingAttention(deps.db, p.id, 20),
        listPayments(deps.db, { projectId: p.id, limit: 1 }),
      ]);
      const page = rows.slice(0, PAGE_SIZE);
      const base = `/dashboard/projects/${encodeURIComponent(p.id)}/payments`;
      const params = new URLSearchParams(Object.entries(filters).filter(([, v]) => v));
      const link = (extra: Record<string, string>) => {
        const all = new URLSearchParams(params);
        for (const [k, v] of Object.entries(extra)) all.set(k, v);
        const text = all.toString();
        return text ? `${base}?${text}` : base;
      };
      const chrome = chromeFor(request, ctx, { id: p.id, name: p.name, section: 'payments' });
      return sendPage(
        reply,
        paymentsListPage(chrome, {
          projectId: p.id,
          timeZone: p.time_zone,
          rows: page,
          attention,
          filters,
          errors,
          anyPayments: any.length > 0,
          ...(rows.length > PAGE_SIZE && { nextHref: link({ before: page.at(-1)!.id }) }),
          ...(before && { firstHref: link({}) }),
        }),
        invalid ? 400 : 200,
      );
    });

    app.get('/projects/:projectId/payments/:paymentId', { preHandler: read, schema: { params: PaymentParams, querystring: PageQuery, hide: true } }, async (request, reply) => {
      const ctx = dashboardContext(request);
      const m = ctx.t.payments;
      const { notice, refund: refundId } = request.query;
      let text: string | undefined;
      if (notice?.startsWith('refund_') && refundId) {
        const row = (await listRefundsOfPayment(deps.db, request.params.paymentId)).find((r) => r.id === refundId);
        const amount = row ? formatMoney(row.amount, 'IDR', ctx.locale) : '';
        text = { refund_succeeded: m.refundSucceeded(amount), refund_recorded: m.refundRecorded(amount), refund_pending: m.refundPending, refund_failed: m.refundFailed(row?.failure_reason ?? '') }[notice];
      } else if (notice) {
        text = ({ checked: m.checked, check_changed: m.checkedChanged, check_unknown: m.checkedUnknown, check_throttled: m.checkThrottled, check_failed: m.checkFailed } as Record<string, string>)[notice];
      }
      return renderPayment(request, reply, request.params.paymentId, text ? { notice: text } : {});
    });

    // "Check status now": the reconciliation step (ask Midtrans, record what it says through the
    // webhook's own path — refunds included), at most once per payment every CHECK_EVERY_MS.
    app.post('/projects/:projectId/payments/:paymentId/check', { onRequest: sameOrigin, preHandler: check, schema: { params: PaymentParams, body: Plain, hide: true } }, async (request, reply) => {
      const ctx = dashboardContext(request);
      const { project: p } = projectAccess(request);
      const payment = await findListedPayment(deps.db, p.id, request.params.paymentId);
      if (!payment) throw new AppError('not_found', 'No such payment');
      const here = paymentPath(p.id, payment.id);
      const location = await once(deps, ctx, request.body.action_id, async () => {
        const window = await deps.rateLimits.hit(`dashboard-payment-check:${payment.id}`, CHECK_EVERY_MS);
        if (window.count > 1) return `${here}?notice=check_throttled`;
        await recordAudit(deps.db, { actorUserId: ctx.user.id, projectId: p.id, action: 'payment.status_checked', subjectId: payment.id, ip: request.ip, now: ctx.now });
        try {
          const state = await deps.gateway.getStatus(payment.order_id);
          if (!state) return `${here}?notice=check_unknown`;
          const result = await recordGatewayState(deps, state);
          return `${here}?notice=${result.outcome === 'applied' ? 'check_changed' : 'checked'}`;
        } catch (err) {
          request.log.warn({ err, payment_id: payment.id }, 'dashboard: status check failed');
          return `${here}?notice=check_failed`;
        }
      }, async () => here);
      return reply.code(303).header('location', location).send();
    });

    app.post('/projects/:projectId/payments/:paymentId/refund', { onRequest: sameOrigin, preHandler: refund, schema: { params: PaymentParams, body: RefundBody, hide: true } }, async (request, reply) => {
      const ctx = dashboardContext(request);
      const { project: p } = projectAccess(request);
      const m = ctx.t.payments;
      const body: RefundBody = request.body;
      const channel: RefundChannel = body.channel;
      const form = { amount: body[`${channel}-amount`] ?? '', reason: body[`${channel}-reason`] ?? '', note: body['outside-note'] ?? '', channel };
      const errors: Record<string, string> = {};
      const amount = parseAmount(form.amount);
      if (amount === undefined || amount <= 0) errors.amount = m.errors.amount_invalid;
      if (form.reason.trim().length > 255) errors.reason = m.errors.reason_too_long;
      if (channel === 'outside' && !form.note.trim()) errors.note = m.errors.note_required;
      if (form.note.length > 1000) errors.note = m.errors.note_too_long;
      const again = (status: number, errs: Record<string, string>) => renderPayment(request, reply, request.params.paymentId, { errors: errs, form, refundKey: body.refund_key, status });
      if (Object.keys(errors).length) return again(400, errors);
      const here = paymentPath(p.id, request.params.paymentId);
      try {
        const location = await once(deps, ctx, body.action_id, async () => {
          const result = await refundPayment(deps, {
            projectId: p.id,
            paymentId: request.params.paymentId,
            refundKey: body.refund_key,
            amount: amount!,
            reason: form.reason,
            channel,
            ...(channel === 'outside' && { note: form.note }),
            actor: { userId: ctx.user.id, ip: request.ip },
          });
          const notice = result.outcome === 'succeeded' ? (result.refund.channel === 'outside' ? 'refund_recorded' : 'refund_succeeded') : `refund_${result.outcome}`;
          return `${here}?notice=${notice}&refund=${encodeURIComponent(result.refund.id)}`;
        }, async () => here);
        return reply.code(303).header('location', location).send();
      } catch (err) {
        if (!(err instanceof AppError) || err.status >= 500 || err.code === 'payment_not_found') throw err;
        const reason = err.details?.reason as keyof typeof m.errors | undefined;
        const field = typeof err.details?.field === 'string' ? err.details.field : 'form';
        const worded =
          reason === 'amount_over_remaining'
            ? m.errors.amount_over_remaining(formatMoney(Number(err.details?.remaining ?? 0), 'IDR', ctx.locale))
            : reason && typeof m.errors[reason] === 'string'
              ? (m.errors[reason] as string)
              : err.message;
        return again(err.status, { [field === 'channel' || field === 'refund_key' ? 'form' : field]: worded });
      }
    });

    app.post('/projects/:projectId/payments/:paymentId/refunds/:refundId/retry', { onRequest: sameOrigin, preHandler: refund, schema: { params: RefundParams, body: Plain, hide: true } }, async (request, reply) => {
      const ctx = dashboardContext(request);
      const { project: p } = projectAccess(request);
      const here = paymentPath(p.id, request.params.paymentId);
      const location = await once(deps, ctx, request.body.action_id, async () => {
        const result = await retryRefund(deps, { projectId: p.id, paymentId: request.params.paymentId, refundId: request.params.refundId, actor: { userId: ctx.user.id, ip: request.ip } });
        return `${here}?notice=refund_${result.outcome}&refund=${encodeURIComponent(result.refund.id)}`;
      }, async () => here);
      return reply.code(303).header('location', location).send();
    });
  };
}
