import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../../deps.ts';
import type { Db } from '../../../db/database.ts';
import type { EndUser, Plan, Subscription } from '../../../db/types.ts';
import { AppError } from '../../../lib/errors.ts';
import { can } from '../../../modules/accounts/roles.ts';
import { recordAudit } from '../../../modules/audit/audit.repository.ts';
import { lastEmailSince, listEmailsOfEndUser } from '../../../modules/email/email.repository.ts';
import { queuePaymentLink } from '../../../modules/email/payment-emails.ts';
import {
  CUSTOMER_STATES,
  eachCustomerPage,
  findCustomer,
  listCustomerEvents,
  listCustomers,
  type CustomerCursor,
  type CustomerState,
} from '../../../modules/end-users/customers.repository.ts';
import { findOpenPayment, findPaymentOfEndUser, listPaymentsOfEndUser } from '../../../modules/payments/payments.repository.ts';
import { listPlans } from '../../../modules/plans/plans.repository.ts';
import { endSessionOfEndUser, listSessionsOfEndUser } from '../../../modules/portal-sessions/portal-sessions.repository.ts';
import { mintSignInLink, PORTAL_TOKEN_TTL_SECONDS } from '../../../modules/portal-sessions/portal-sessions.service.ts';
import { cancelSubscription, resumeSubscription, withdrawScheduledChange } from '../../../modules/subscriptions/cancel.ts';
import { changePlan } from '../../../modules/subscriptions/change-plan.ts';
import { whyNotCancel } from '../../../modules/subscriptions/may-cancel.ts';
import { quotePlanChange } from '../../../modules/subscriptions/plan-change.ts';
import { findSubscriptionOfEndUser } from '../../../modules/subscriptions/subscriptions.repository.ts';
import { CSV_BOM, csvRow } from '../../../web/csv.ts';
import { formatDateTime } from '../../../web/format.ts';
import { newActionId } from '../../../web/once.ts';
import { displayStatus } from '../../../modules/subscriptions/display-status.ts';
import { chromeFor, sendPage } from '../http/pages.ts';
import { loadProject, projectAccess, requireCapability } from '../http/project-access.ts';
import { dashboardContext, once, requireCsrfToken, requireSameOrigin, requireSignedIn } from '../http/session.ts';
import { customerPage, customersPage, paymentLinkPage, rowState, type CustomerView } from '../views/customers.view.ts';

const PAGE_SIZE = 50;
/** A sign-in link for a payment works until the payment's deadline, and a week at most. */
const PAYMENT_LINK_MAX_MS = 7 * 86_400_000;
/** One payment-link email per payment in this long. */
const EMAIL_LINK_EVERY_MS = 10 * 60_000;
const REASON_MAX = 500;

const ProjectParams = Type.Object({ projectId: Type.String({ maxLength: 80 }) }, { additionalProperties: false });
const CustomerParams = Type.Object({ projectId: Type.String({ maxLength: 80 }), endUserId: Type.String({ minLength: 1, maxLength: 255 }) }, { additionalProperties: false });
const PaymentParams = Type.Object({ ...CustomerParams.properties, paymentId: Type.String({ maxLength: 80 }) }, { additionalProperties: false });
const SessionParams = Type.Object({ ...CustomerParams.properties, sessionId: Type.String({ maxLength: 80 }) }, { additionalProperties: false });
// Queries tolerate extra parameters (a link pasted with a tracker still opens); values are read defensively.
const ListQuery = Type.Object(
  { q: Type.Optional(Type.String({ maxLength: 200 })), status: Type.Optional(Type.String({ maxLength: 40 })), plan: Type.Optional(Type.String({ maxLength: 80 })), after: Type.Optional(Type.String({ maxLength: 200 })) },
  { additionalProperties: true },
);
const NoticeQuery = Type.Object({ notice: Type.Optional(Type.String({ maxLength: 40 })) }, { additionalProperties: true });
const FormSecrets = { csrf: Type.String({ maxLength: 200 }), action_id: Type.String({ maxLength: 64 }) };
const Plain = Type.Object(FormSecrets, { additionalProperties: false });
const CancelBody = Type.Object({ ...FormSecrets, reason: Type.Optional(Type.String({ maxLength: 5000 })) }, { additionalProperties: false });
const DowngradeBody = Type.Object({ ...FormSecrets, plan_id: Type.String({ maxLength: 80 }) }, { additionalProperties: false });

/** `<ms>.<eu id>`: the keyset of the last row shown. Anything else is the first page. */
function encodeCursor(c: CustomerCursor): string {
  return `${c.createdAt.getTime()}.${c.id}`;
}
function decodeCursor(value: string | undefined): CustomerCursor | undefined {
  const m = /^(\d{1,15})\.(eu_[A-Za-z0-9_-]{1,64})$/.exec(value ?? '');
  return m ? { createdAt: new Date(Number(m[1])), id: m[2]! } : undefined;
}

interface ListFilters {
  q: string;
  status: CustomerState | '';
  plan: string;
}
function filtersOf(query: { q?: string | undefined; status?: string | undefined; plan?: string | undefined }, plans: Plan[]): ListFilters {
  const status = (CUSTOMER_STATES as readonly string[]).includes(query.status ?? '') ? (query.status as CustomerState) : '';
  const plan = plans.some((p) => p.id === query.plan) ? query.plan! : '';
  return { q: (query.q ?? '').trim(), status, plan };
}
function queryString(f: ListFilters, after?: string): string {
  const params = new URLSearchParams();
  if (f.q) params.set('q', f.q);
  if (f.status) params.set('status', f.status);
  if (f.plan) params.set('plan', f.plan);
  if (after) params.set('after', after);
  const s = params.toString();
  return s ? `?${s}` : '';
}

/**
 * Customers and their subscriptions: the list (search, filters, keyset pages, CSV), one
 * customer's page, and acting for them — every action through the same use cases as the
 * portal and the platform API (source `admin`), audited with who did it in the change's
 * own transaction. Acting needs `act_on_customers`; a paid change is never made here.
 */
export function customerRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  const signedIn = requireSignedIn(deps);
  const project = loadProject(deps);
  const sameOrigin = requireSameOrigin(deps.config.publicUrl);
  const read = [signedIn, project];
  const act = { onRequest: sameOrigin, preHandler: [signedIn, requireCsrfToken, project, requireCapability('act_on_customers')] };
  const listPath = (projectId: string) => `/dashboard/projects/${encodeURIComponent(projectId)}/customers`;
  const customerPath = (projectId: string, externalId: string) => `${listPath(projectId)}/${encodeURIComponent(externalId)}`;

  /** The customer named in the path, only within this project (404 otherwise, like a customer that does not exist). */
  async function customerOf(request: FastifyRequest): Promise<EndUser> {
    const { endUserId } = request.params as { endUserId: string };
    const eu = await findCustomer(deps.db, projectAccess(request).project.id, endUserId);
    if (!eu) throw new AppError('not_found', 'No such customer in this project');
    return eu;
  }

  async function renderCustomer(request: FastifyRequest, reply: FastifyReply, eu: EndUser, extra: Pick<CustomerView, 'errors'> & { notice?: string; reason?: string }, status = 200) {
    const ctx = dashboardContext(request);
    const { project: p, role } = projectAccess(request);
    const now = deps.clock.now();
    const [subscription, plans, payments, events, sessions, emails] = await Promise.all([
      findSubscriptionOfEndUser(deps.db, p.id, eu.id),
      listPlans(deps.db, p.id, { includeArchived: true }),
      listPaymentsOfEndUser(deps.db, p.id, eu.id, 20, 0),
      listCustomerEvents(deps.db, p.id, eu.external_id, 30),
      listSessionsOfEndUser(deps.db, p.id, eu.id, 10),
      listEmailsOfEndUser(deps.db, p.id, eu.id, 20),
    ]);
    const openPayment = subscription ? await findOpenPayment(deps.db, subscription.id) : undefined;
    const plansById = new Map(plans.map((pl) => [pl.id, pl]));
    const live = subscription && (subscription.status === 'active' || subscription.status === 'past_due');
    const current = live && subscription.plan_id ? plansById.get(subscription.plan_id) : undefined;
    // What the use case would schedule (it decides again, under the lock, when asked).
    const downgrades =
      live && current && !subscription.cancel_at_period_end && !subscription.scheduled_plan_id
        ? plans.filter((pl) => !pl.archived_at && pl.id !== current.id && quotePlanChange({ subscription, current, target: pl, now }).kind === 'scheduled_at_period_end')
        : [];
    const c = ctx.t.customers;
    const chrome = chromeFor(request, ctx, { id: p.id, name: p.name, section: 'customers' });
    return sendPage(
      reply,
      customerPage(chrome, {
        projectId: p.id,
        timeZone: p.time_zone,
        now,
        endUser: eu,
        subscription,
        state: displayStatus(subscription, openPayment),
        plansById,
        openPayment,
        downgrades,
        mayCancel: !whyNotCancel(subscription, current),
        payments,
        events,
        sessions,
        emails,
        canAct: can(role, 'act_on_customers'),
        mailOn: Boolean(deps.mail),
        csrf: ctx.csrf,
        actionId: newActionId,
        notice: extra.notice ? c.notices[extra.notice] : undefined,
        errors: extra.errors,
        ...(extra.reason !== undefined && { reason: extra.reason }),
      }),
      status,
    );
  }

  /**
   * One action for the customer: run once per form (a double submit gets the first answer),
   * then 303 back to the customer with a notice. A rule the use case refuses is shown on the
   * customer's page, next to the field it is about.
   */
  async function perform(
    request: FastifyRequest,
    reply: FastifyReply,
    eu: EndUser,
    run: () => Promise<string>,
    errorField: 'reason' | 'plan_id' | 'action' = 'action',
  ) {
    const ctx = dashboardContext(request);
    const path = customerPath(projectAccess(request).project.id, eu.external_id);
    try {
      const notice = await once(deps, ctx, (request.body as { action_id: string }).action_id, async () => `${path}?notice=${await run()}`, async () => path);
      return reply.code(303).header('location', notice).send();
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500 || err.code === 'forbidden' || err.code === 'not_found') throw err;
      return renderCustomer(request, reply, eu, { errors: { [errorField]: err.message } }, err.status);
    }
  }

  /** The audit entry of an action, written in its transaction; `changed` tells whether it ran. */
  function auditor(request: FastifyRequest, eu: EndUser, action: string, data: Record<string, unknown> = {}) {
    const ctx = dashboardContext(request);
    const state = { changed: false };
    const write = async (trx: Db, subjectId: string) => {
      state.changed = true;
      await recordAudit(trx, { actorUserId: ctx.user.id, projectId: eu.project_id, action, subjectId, ip: request.ip, data: { end_user_id: eu.external_id, ...data }, now: deps.clock.now() });
    };
    return { state, write, forSubscription: (trx: Db, after: Subscription) => write(trx, after.id) };
  }

  return async (app) => {
    app.get('/projects/:projectId/customers', { preHandler: read, schema: { params: ProjectParams, querystring: ListQuery, hide: true } }, async (request, reply) => {
      const ctx = dashboardContext(request);
      const { project: p } = projectAccess(request);
      const plans = await listPlans(deps.db, p.id, { includeArchived: true });
      const filters = filtersOf(request.query, plans);
      const after = decodeCursor(request.query.after);
      const page = await listCustomers(deps.db, {
        projectId: p.id,
        search: filters.q || undefined,
        status: filters.status || undefined,
        planId: filters.plan || undefined,
        after,
        limit: PAGE_SIZE,
      });
      // "No customers yet" versus "none match": one more look only when this page is empty.
      const anyCustomers = page.rows.length > 0 || (await listCustomers(deps.db, { projectId: p.id, limit: 1 })).rows.length > 0;
      const base = listPath(p.id);
      const chrome = chromeFor(request, ctx, { id: p.id, name: p.name, section: 'customers' });
      return sendPage(
        reply,
        customersPage(chrome, {
          projectId: p.id,
          timeZone: p.time_zone,
          plans,
          rows: page.rows,
          filters,
          nextHref: page.next ? `${base}${queryString(filters, encodeCursor(page.next))}` : undefined,
          firstHref: after ? `${base}${queryString(filters)}` : undefined,
          exportHref: `${base}.csv${queryString(filters)}`,
          anyCustomers,
        }),
      );
    });

    /** Streamed page by page through the list's own keyset query: never the whole list in memory. */
    app.get('/projects/:projectId/customers.csv', { preHandler: read, schema: { params: ProjectParams, querystring: ListQuery, hide: true } }, async (request, reply) => {
      const { project: p } = projectAccess(request);
      const plans = await listPlans(deps.db, p.id, { includeArchived: true });
      const byId = new Map(plans.map((pl) => [pl.id, pl]));
      const filters = filtersOf(request.query, plans);
      const pages = eachCustomerPage(deps.db, { projectId: p.id, search: filters.q || undefined, status: filters.status || undefined, planId: filters.plan || undefined });
      async function* lines() {
        yield CSV_BOM +
          csvRow(['end_user_id', 'email', 'name', 'status', 'plan_code', 'plan_name', 'current_period_end', 'cancel_at_period_end', 'cancel_reason', 'scheduled_plan_code', 'customer_since']);
        for await (const rows of pages) {
          yield rows
            .map((r) => {
              const plan = r.plan_id ? byId.get(r.plan_id) : undefined;
              return csvRow([
                r.external_id,
                r.email,
                r.name,
                rowState(r),
                plan?.code,
                plan?.name,
                r.current_period_end,
                r.cancel_at_period_end,
                r.cancel_reason,
                r.scheduled_plan_id ? byId.get(r.scheduled_plan_id)?.code : null,
                r.created_at,
              ]);
            })
            .join('');
        }
      }
      const day = deps.clock.now().toISOString().slice(0, 10);
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="customers-${day}.csv"`)
        .send(Readable.from(lines()));
    });

    app.get('/projects/:projectId/customers/:endUserId', { preHandler: read, schema: { params: CustomerParams, querystring: NoticeQuery, hide: true } }, async (request, reply) => {
      const eu = await customerOf(request);
      return renderCustomer(request, reply, eu, { errors: {}, ...(request.query.notice && { notice: request.query.notice }) });
    });

    app.post('/projects/:projectId/customers/:endUserId/cancel', { ...act, schema: { params: CustomerParams, body: CancelBody, hide: true } }, async (request, reply) => {
      const eu = await customerOf(request);
      const reason = (request.body.reason ?? '').trim();
      if (reason.length > REASON_MAX) {
        return renderCustomer(request, reply, eu, { errors: { reason: dashboardContext(request).t.customers.reasonTooLong(REASON_MAX) }, reason }, 400);
      }
      return perform(
        request,
        reply,
        eu,
        async () => {
          const audit = auditor(request, eu, 'customer.subscription_canceled', { reason: reason || null });
          const after = await cancelSubscription(deps, { projectId: eu.project_id, endUserId: eu.id, source: 'admin', ...(reason && { reason }), audit: audit.forSubscription });
          return !audit.state.changed ? 'nothing_changed' : after.status === 'canceled' ? 'canceled_now' : 'canceled';
        },
        'reason',
      );
    });

    app.post('/projects/:projectId/customers/:endUserId/resume', { ...act, schema: { params: CustomerParams, body: Plain, hide: true } }, async (request, reply) => {
      const eu = await customerOf(request);
      return perform(request, reply, eu, async () => {
        const audit = auditor(request, eu, 'customer.subscription_resumed');
        await resumeSubscription(deps, { projectId: eu.project_id, endUserId: eu.id, source: 'admin', audit: audit.forSubscription });
        return audit.state.changed ? 'resumed' : 'nothing_changed';
      });
    });

    app.post('/projects/:projectId/customers/:endUserId/downgrade', { ...act, schema: { params: CustomerParams, body: DowngradeBody, hide: true } }, async (request, reply) => {
      const eu = await customerOf(request);
      const planId = request.body.plan_id;
      return perform(
        request,
        reply,
        eu,
        async () => {
          const audit = auditor(request, eu, 'customer.downgrade_scheduled', { plan_id: planId });
          // Only a change that waits for the period end: a paid one is the customer's choice.
          await changePlan(deps, { projectId: eu.project_id, endUserId: eu.id, planId, source: 'admin', only: ['scheduled_at_period_end'], audit: audit.forSubscription });
          return audit.state.changed ? 'downgrade_scheduled' : 'nothing_changed';
        },
        'plan_id',
      );
    });

    app.post('/projects/:projectId/customers/:endUserId/withdraw', { ...act, schema: { params: CustomerParams, body: Plain, hide: true } }, async (request, reply) => {
      const eu = await customerOf(request);
      return perform(request, reply, eu, async () => {
        const audit = auditor(request, eu, 'customer.scheduled_change_withdrawn');
        await withdrawScheduledChange(deps, { projectId: eu.project_id, endUserId: eu.id, source: 'admin', audit: audit.forSubscription });
        return audit.state.changed ? 'change_withdrawn' : 'nothing_changed';
      });
    });

    app.post('/projects/:projectId/customers/:endUserId/sessions/:sessionId/revoke', { ...act, schema: { params: SessionParams, body: Plain, hide: true } }, async (request, reply) => {
      const eu = await customerOf(request);
      const { sessionId } = request.params;
      return perform(request, reply, eu, async () => {
        const audit = auditor(request, eu, 'customer.portal_session_revoked');
        const ended = await deps.db.transaction().execute(async (trx) => {
          const done = await endSessionOfEndUser(trx, { projectId: eu.project_id, endUserId: eu.id, id: sessionId }, deps.clock.now());
          if (done) await audit.write(trx, sessionId);
          return done;
        });
        return ended ? 'session_revoked' : 'nothing_changed';
      });
    });

    /**
     * "Open this customer's portal": a single-use portal link minted for them (the sign-in
     * links' path), audited as opened from the dashboard, and the browser sent on to it
     * (the form opens a new tab). A second submission of the same form gets the customer's
     * page: the link is a secret, never kept as a form's outcome.
     */
    app.post('/projects/:projectId/customers/:endUserId/portal', { ...act, schema: { params: CustomerParams, body: Plain, hide: true } }, async (request, reply) => {
      const eu = await customerOf(request);
      const { project: p } = projectAccess(request);
      let portalUrl: string | undefined;
      const location = await once(
        deps,
        dashboardContext(request),
        request.body.action_id,
        async () => {
          const now = deps.clock.now();
          const audit = auditor(request, eu, 'customer.portal_opened', { opened_from: 'dashboard' });
          await deps.db.transaction().execute(async (trx) => {
            const link = await mintSignInLink(trx, deps.config, {
              projectId: p.id,
              endUserId: eu.id,
              redirectUri: p.redirect_uris[0] ?? null,
              locale: null,
              flow: null,
              expiresAt: new Date(now.getTime() + PORTAL_TOKEN_TTL_SECONDS * 1000),
              now,
            });
            await audit.write(trx, eu.id);
            portalUrl = link.url;
          });
          return `${customerPath(p.id, eu.external_id)}?notice=portal_opened`;
        },
        async () => customerPath(p.id, eu.external_id),
      );
      return reply.code(303).header('location', portalUrl ?? location).send();
    });

    /** A sign-in link landing on one open payment, shown once in this answer to copy. */
    app.post('/projects/:projectId/customers/:endUserId/payments/:paymentId/link', { ...act, schema: { params: PaymentParams, body: Plain, hide: true } }, async (request, reply) => {
      const ctx = dashboardContext(request);
      const eu = await customerOf(request);
      const { project: p } = projectAccess(request);
      const payment = await findPaymentOfEndUser(deps.db, { projectId: p.id, endUserId: eu.id }, { id: request.params.paymentId });
      if (!payment) throw new AppError('not_found', 'No such payment for this customer');
      if (payment.status !== 'pending') return renderCustomer(request, reply, eu, { errors: { action: ctx.t.customers.paymentNotOpen } }, 422);
      let shown: { url: string; until: Date } | undefined;
      const location = await once(
        deps,
        ctx,
        request.body.action_id,
        async () => {
          const now = deps.clock.now();
          const until = new Date(Math.min(payment.expires_at.getTime(), now.getTime() + PAYMENT_LINK_MAX_MS));
          const audit = auditor(request, eu, 'customer.payment_link_created', { payment_id: payment.id, expires_at: until.toISOString() });
          await deps.db.transaction().execute(async (trx) => {
            const link = await mintSignInLink(trx, deps.config, {
              projectId: p.id,
              endUserId: eu.id,
              redirectUri: p.redirect_uris[0] ?? null,
              locale: eu.locale,
              flow: `pay:${payment.id}`,
              expiresAt: until,
              now,
            });
            await audit.write(trx, payment.id);
            shown = { url: link.url, until };
          });
          return customerPath(p.id, eu.external_id);
        },
        async () => customerPath(p.id, eu.external_id),
      );
      if (!shown) return reply.code(303).header('location', location).send();
      const chrome = chromeFor(request, ctx, { id: p.id, name: p.name, section: 'customers' });
      return sendPage(reply, paymentLinkPage(chrome, { projectId: p.id, externalId: eu.external_id, url: shown.url, until: shown.until, timeZone: p.time_zone, locale: ctx.locale }));
    });

    /**
     * The same link emailed to the customer (the `payment_link` email, queued with the audit
     * entry in one transaction), at most once per payment in EMAIL_LINK_EVERY_MS so a
     * double-minded click does not flood their inbox.
     */
    app.post('/projects/:projectId/customers/:endUserId/payments/:paymentId/email', { ...act, schema: { params: PaymentParams, body: Plain, hide: true } }, async (request, reply) => {
      const ctx = dashboardContext(request);
      const c = ctx.t.customers;
      const eu = await customerOf(request);
      const { project: p } = projectAccess(request);
      const payment = await findPaymentOfEndUser(deps.db, { projectId: p.id, endUserId: eu.id }, { id: request.params.paymentId });
      if (!payment) throw new AppError('not_found', 'No such payment for this customer');
      return perform(request, reply, eu, async () => {
        const now = deps.clock.now();
        if (!deps.mail) throw new AppError('email_not_possible', c.emailOff);
        if (!eu.email) throw new AppError('email_not_possible', c.noEmailOnFile);
        const last = await lastEmailSince(deps.db, { projectId: p.id, endUserId: eu.id, type: 'payment_link', causePrefix: `${payment.id}:`, since: new Date(now.getTime() - EMAIL_LINK_EVERY_MS) });
        if (last) throw new AppError('rate_limited', c.emailedRecently(formatDateTime(new Date(last.getTime() + EMAIL_LINK_EVERY_MS), ctx.locale, p.time_zone)));
        const audit = auditor(request, eu, 'customer.payment_link_emailed', { payment_id: payment.id, to: eu.email });
        await deps.db.transaction().execute(async (trx) => {
          if (!(await queuePaymentLink(trx, deps, payment.id, `${payment.id}:${request.body.action_id}`, now))) {
            // Not queued: the payment is no longer open (the email's render looks, in this
            // transaction), or the address was removed since the checks above.
            const still = await findPaymentOfEndUser(trx, { projectId: p.id, endUserId: eu.id }, { id: payment.id });
            throw new AppError('email_not_possible', still?.status === 'pending' ? c.noEmailOnFile : c.paymentNotOpen);
          }
          await audit.write(trx, payment.id);
        });
        return 'link_emailed';
      });
    });
  };
}
