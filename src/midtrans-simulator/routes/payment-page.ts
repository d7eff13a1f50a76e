import type { FastifyInstance, FastifyReply } from 'fastify';
import { notificationStatusCode } from '../payload.ts';
import {
  firstVisitOutcomes,
  methodChoices,
  pendingOutcomes,
  renderChooseMethodPage,
  renderMessagePage,
  renderPendingPage,
  renderResultPage,
} from '../payment-page-html.ts';
import type { TransitionTarget } from '../transitions.ts';
import type { PaymentMethod, Transaction, VaBank } from '../types.ts';
import type { RouteDeps } from './deps.ts';

type Params = { token: string };

function formField(body: unknown, name: string): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const value = (body as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

function parseMethod(value: string | undefined): { method: PaymentMethod; bank?: VaBank } | undefined {
  const choice = methodChoices.find((candidate) => candidate.value === value);
  if (!choice) return undefined;
  const [method, bank] = choice.value.split(':') as [PaymentMethod, VaBank | undefined];
  return bank ? { method, bank } : { method };
}

/** What a button press means for the payment, given the chosen method. */
function targetFor(outcome: string, method: PaymentMethod): TransitionTarget['transactionStatus'] | undefined {
  switch (outcome) {
    case 'pay':
    case 'settle':
      return method === 'credit_card' ? 'capture' : 'settlement';
    case 'pending':
      return 'pending';
    case 'deny':
    case 'expire':
    case 'cancel':
      return outcome;
    default:
      return undefined;
  }
}

function finishRedirect(transaction: Transaction, merchantId: string): string | undefined {
  const payment = transaction.payment;
  if (!transaction.finishUrl || !payment) return undefined;
  const url = new URL(transaction.finishUrl);
  url.searchParams.set('merchant_id', merchantId);
  url.searchParams.set('order_id', transaction.orderId);
  url.searchParams.set('status_code', notificationStatusCode(payment.current.transactionStatus));
  url.searchParams.set('transaction_status', payment.current.transactionStatus);
  return url.toString();
}

const isSnapLinkExpired = (transaction: Transaction) =>
  !transaction.payment && transaction.snapExpiresAt !== undefined && transaction.snapExpiresAt.getTime() <= Date.now();

/** The hosted payment page a customer is redirected to: `GET|POST /snap/v3/redirection/:token`. */
export function registerPaymentPageRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { engine, merchantName } = deps;
  const html = (reply: FastifyReply, status: number, page: string) => reply.code(status).type('text/html; charset=utf-8').send(page);

  function render(reply: FastifyReply, transaction: Transaction, token: string, status = 200, notice?: string) {
    const view = { merchantName, transaction, formAction: `/snap/v3/redirection/${encodeURIComponent(token)}`, ...(notice ? { notice } : {}) };
    const payment = transaction.payment;
    if (!payment) {
      if (isSnapLinkExpired(transaction)) return html(reply, 410, renderMessagePage('Payment link expired', 'This payment link has expired.'));
      return html(reply, status, renderChooseMethodPage(view));
    }
    if (payment.current.transactionStatus === 'pending') return html(reply, status, renderPendingPage(view));
    return html(reply, status, renderResultPage(merchantName, transaction, notificationStatusCode(payment.current.transactionStatus)));
  }

  app.get<{ Params: Params }>('/snap/v3/redirection/:token', async (request, reply) => {
    const transaction = engine.store.findBySnapToken(request.params.token);
    if (!transaction) return html(reply, 404, renderMessagePage('Not found', 'This payment link does not exist.'));
    return render(reply, transaction, request.params.token);
  });

  app.post<{ Params: Params }>('/snap/v3/redirection/:token', async (request, reply) => {
    const { token } = request.params;
    const transaction = engine.store.findBySnapToken(token);
    if (!transaction) return html(reply, 404, renderMessagePage('Not found', 'This payment link does not exist.'));
    if (isSnapLinkExpired(transaction)) return render(reply, transaction, token);

    const outcome = formField(request.body, 'outcome') ?? '';
    const payment = transaction.payment;
    const allowedOutcomes: ReadonlyArray<{ value: string }> =
      !payment ? firstVisitOutcomes : payment.current.transactionStatus === 'pending' ? pendingOutcomes : [];
    if (!allowedOutcomes.some((allowed) => allowed.value === outcome)) {
      return render(reply, transaction, token, 409, 'That action is not available for this payment.');
    }
    const chosen = payment ? { method: payment.method } : parseMethod(formField(request.body, 'payment_method'));
    if (!chosen) return render(reply, transaction, token, 400, 'Choose a payment method.');
    const transactionStatus = targetFor(outcome, chosen.method);
    if (!transactionStatus) return render(reply, transaction, token, 400, 'Unknown action.');

    const result = engine.transition(transaction, { transactionStatus, ...chosen }, { notify: true });
    if (!result.ok) return render(reply, transaction, token, 409, result.reason);
    const redirect = finishRedirect(transaction, deps.merchantId);
    if (redirect) return reply.code(303).header('location', redirect).send();
    return render(reply, transaction, token);
  });
}
