import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Deps } from '../../deps.ts';
import { errorResponses } from '../../lib/schema.ts';
import { ALL_EMAIL_TYPES, ProjectParams } from '../projects/projects.schemas.ts';
import { StringEnum } from '../../lib/schema.ts';
import { listEmailDeliveries } from './list-email-deliveries.ts';

/** Every type, named in the API's description (a type without one fails to compile). */
const TYPE_MEANINGS: Record<(typeof ALL_EMAIL_TYPES)[number], string> = {
  payment_receipt: 'a payment succeeded',
  payment_instructions: 'how to pay a pending bank transfer, bill, store or QR payment',
  payment_failed: 'a payment failed or expired at the gateway',
  renewal_reminder: 'a customer without a saved card: their renewal, N days (`renewal_reminder_days`) before the period ends, with a "Pay now" sign-in link',
  past_due: 'a renewal is unpaid at period end: until when the subscription stays usable, and how to pay',
  subscription_ended: 'the subscription ended: a scheduled cancellation took effect, or the grace period ran out unpaid',
  cancellation_scheduled: 'a cancellation at period end was scheduled',
  plan_changed: 'a plan change took effect',
  sign_in_code: 'the hosted login page\'s six-digit code and one-click link',
  payment_link: 'someone in the dashboard emailed the customer an open payment: a "Pay now" sign-in link that opens it',
  member_invitation: 'not to a customer: a project owner invited a person to the project\'s dashboard, with the single-use link where they set their password (`end_user_id` is null)',
};

const EmailsQuery = Type.Object(
  {
    end_user_id: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: "Only this end user's email (your id for them)." })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
  },
  { additionalProperties: false },
);

export const EmailDelivery = Type.Object({
  id: Type.String(),
  type: StringEnum(ALL_EMAIL_TYPES, { description: `What the email is about: ${ALL_EMAIL_TYPES.map((type) => `\`${type}\` (${TYPE_MEANINGS[type]})`).join(', ')}.` }),
  end_user_id: Type.Union([Type.String(), Type.Null()], { description: 'Your id for the customer it went to.' }),
  to: Type.String(),
  subject: Type.String(),
  locale: Type.Union([Type.Literal('en'), Type.Literal('id')]),
  status: Type.Union([Type.Literal('pending'), Type.Literal('sending'), Type.Literal('sent'), Type.Literal('failed')], {
    description: '`pending` (queued, or waiting to retry), `sending` (claimed by an instance now), `sent` (the SMTP server accepted it), `failed` (given up after about 22 hours of retries, or refused for good).',
  }),
  attempts: Type.Integer(),
  last_error: Type.Union([Type.String(), Type.Null()], { description: "The SMTP server's last refusal or the connection error, when an attempt failed." }),
  next_attempt_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'When it will be tried (again), while pending.' }),
  created_at: Type.String({ format: 'date-time' }),
  sent_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

const EmailsResponse = Type.Object(
  { data: Type.Array(EmailDelivery), has_more: Type.Boolean() },
  {
    examples: [
      {
        data: [
          {
            id: 'eml_7pQ2xYbL0aK3mN5vR8sT1w',
            type: 'payment_receipt',
            end_user_id: 'user_abc123',
            to: 'budi@example.com',
            subject: 'Receipt: Pro, IDR 150,000',
            locale: 'en',
            status: 'sent',
            attempts: 1,
            last_error: null,
            next_attempt_at: null,
            created_at: '2026-12-05T03:00:00.000Z',
            sent_at: '2026-12-05T03:00:30.000Z',
          },
        ],
        has_more: false,
      },
    ],
  },
);

/** Admin API for a project's customer email; mounted under /api/admin. */
export function emailAdminRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/projects/:id/emails',
      {
        schema: {
          tags: ['Admin: email'],
          security: [{ adminKey: [] }],
          summary: 'List customer email and its delivery',
          description:
            'Every email Langgan queued for the project\'s customers, newest first, with its delivery status (never its body). An email is queued in the same transaction as the change that causes it and sent by the scheduler, retried with backoff for about 22 hours. See docs/email.md.',
          params: ProjectParams,
          querystring: EmailsQuery,
          response: { 200: EmailsResponse, ...errorResponses(400, 401, 404, 429) },
        },
      },
      async (request) =>
        listEmailDeliveries(deps.db, { projectId: request.params.id, endUserId: request.query.end_user_id, limit: request.query.limit ?? 50 }),
    );
  };
}
