import { Type, type Static } from '@sinclair/typebox';
import { StringEnum } from '../../lib/schema.ts';
import { RedirectUri } from '../projects/projects.schemas.ts';
import { Flow } from './flow.ts';

export const EndUserId = Type.String({
  minLength: 1,
  maxLength: 255,
  pattern: '^[\\x21-\\x7E]+$',
  errorMessage: 'must be 1-255 printable ASCII characters without spaces (your own user id)',
  examples: ['user_abc123'],
});

export const CreatePortalSessionBody = Type.Object(
  {
    client_id: Type.String({ minLength: 1, maxLength: 100, examples: ['your_client_id'] }),
    client_secret: Type.String({ minLength: 1, maxLength: 200, examples: ['your_client_secret'] }),
    end_user_id: EndUserId,
    redirect_uri: Type.Optional(
      RedirectUri('Where "Back to app" leads. Must be one of the project\'s registered redirect_uris.'),
    ),
    locale: Type.Optional(StringEnum(['en', 'id'] as const, { description: 'Portal language; defaults to the browser\'s.' })),
    email: Type.Optional(Type.String({ format: 'email', maxLength: 254, errorMessage: 'must be an email address' })),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    flow: Type.Optional(Flow),
  },
  {
    additionalProperties: false,
    examples: [{ client_id: 'your_client_id', client_secret: 'your_client_secret', end_user_id: 'user_abc123' }],
  },
);
export type CreatePortalSessionBody = Static<typeof CreatePortalSessionBody>;

export const PortalSessionResponse = Type.Object(
  {
    session_token: Type.String({ description: 'Single-use, valid 300 seconds.', examples: ['a1b2c3...'] }),
    portal_url: Type.String({ examples: ['https://astapa.com/portal?session=a1b2c3...'] }),
    expires_in: Type.Integer({ description: 'Seconds until the token expires.', examples: [300] }),
  },
  {
    examples: [{ session_token: 'a1b2c3...', portal_url: 'https://astapa.com/portal?session=a1b2c3...', expires_in: 300 }],
  },
);
export type PortalSessionResponse = Static<typeof PortalSessionResponse>;
