import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from '@sinclair/typebox';
import type { Deps } from '../../deps.ts';
import { clientOf } from '../../http/auth/client-credentials.ts';
import { AppError } from '../../lib/errors.ts';
import { errorResponses, StringEnum } from '../../lib/schema.ts';
import { EndUserParams } from '../subscriptions/subscriptions.schemas.ts';
import { updateEndUserProfile } from './end-users.repository.ts';

const EndUserBody = Type.Object(
  {
    email: Type.Optional(
      Type.Union([Type.String({ format: 'email', maxLength: 254, errorMessage: 'must be an email address' }), Type.Null()], {
        description: 'Where Langgan emails this customer (receipts, reminders, sign-in codes for the hosted login page). Null removes it.',
      }),
    ),
    name: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 200 }), Type.Null()], { description: 'How emails and the portal greet them.' })),
    locale: Type.Optional(Type.Union([StringEnum(['en', 'id'] as const), Type.Null()], { description: 'Their language for email and the portal. Null: the project\'s default.' })),
  },
  { additionalProperties: false, minProperties: 1, examples: [{ email: 'budi@example.com', name: 'Budi Santoso' }] },
);
type EndUserBody = Static<typeof EndUserBody>;

const EndUserResponse = Type.Object(
  {
    end_user_id: Type.String({ description: 'Your own id for this user.' }),
    email: Type.Union([Type.String(), Type.Null()]),
    name: Type.Union([Type.String(), Type.Null()]),
    locale: Type.Union([Type.String(), Type.Null()]),
    created_at: Type.String({ format: 'date-time' }),
    updated_at: Type.String({ format: 'date-time' }),
  },
  {
    examples: [
      { end_user_id: 'user_abc123', email: 'budi@example.com', name: 'Budi Santoso', locale: 'id', created_at: '2026-11-24T01:00:00.000Z', updated_at: '2026-12-05T01:00:00.000Z' },
    ],
  },
);

/**
 * `PUT /api/platform/end-users/{end_user_id}`: an end user's email, name and language, for
 * your users who have not opened the portal since you learned their address (the session
 * API's `email`, `name` and `locale` set the same fields when you mint a link). Absent fields stay.
 */
export function endUserPlatformRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.put(
      '/end-users/:end_user_id',
      {
        schema: {
          tags: ['Platform'],
          security: [{ clientBasic: [] }],
          summary: "Update an end user's email and name",
          description:
            'Sets the email address, name and language Langgan uses for one of your end users: customer email goes to this address, and the hosted login page (`/portal/login?project=<slug>`) sends its sign-in codes to it. Fields you leave out stay as they are; `null` clears one. The end user must exist (created by the first portal session you minted for them): an unknown one is a 404. HTTP Basic auth with client_id:client_secret.',
          params: EndUserParams,
          body: EndUserBody,
          response: { 200: EndUserResponse, ...errorResponses(400, 401, 403, 404, 429) },
        },
      },
      async (request) => updateEndUser(deps, clientOf(request).projectId, request.params.end_user_id, request.body),
    );
  };
}

async function updateEndUser(deps: Deps, projectId: string, externalId: string, body: EndUserBody) {
  const row = await updateEndUserProfile(deps.db, projectId, externalId, body, deps.clock.now());
  if (!row) throw new AppError('end_user_not_found', `No end user "${externalId}" in this project`);
  return {
    end_user_id: row.external_id,
    email: row.email,
    name: row.name,
    locale: row.locale,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}
