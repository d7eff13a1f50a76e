import { Type, type Static } from '@sinclair/typebox';
import { StringEnum } from '../../lib/schema.ts';
import { PASSWORD_MAX, PASSWORD_MIN } from './passwords.ts';

export const Email = Type.String({
  format: 'email',
  maxLength: 254,
  errorMessage: 'must be an email address',
  examples: ['ana@example.com'],
});
const RoleSchema = StringEnum(['owner', 'admin', 'finance', 'viewer'] as const, {
  description: 'owner: everything incl. members; admin: settings, branding, plans, keys, webhooks; finance: customers and payments; viewer: read only',
});

export const CreateUserBody = Type.Object(
  {
    email: Email,
    name: Type.String({ minLength: 1, maxLength: 100, examples: ['Ana Wijaya'] }),
    password: Type.Optional(
      Type.String({
        minLength: PASSWORD_MIN,
        maxLength: PASSWORD_MAX,
        description: `At least ${PASSWORD_MIN} characters. Leave it out to get a single-use invitation link (72 hours) where the person sets their own.`,
      }),
    ),
    instance_admin: Type.Optional(Type.Boolean({ description: 'May create projects and users from the dashboard, and acts as owner of every project.' })),
  },
  { additionalProperties: false, examples: [{ email: 'ana@example.com', name: 'Ana Wijaya' }] },
);
export type CreateUserBody = Static<typeof CreateUserBody>;

export const UserResponse = Type.Object(
  {
    id: Type.String({ examples: ['usr_3kTMd9zQ0m1xYbq8Wv2c1A'] }),
    email: Type.String(),
    name: Type.String(),
    instance_admin: Type.Boolean(),
    two_factor_enabled: Type.Boolean(),
    created_at: Type.String({ format: 'date-time' }),
    invitation_url: Type.Union([Type.String(), Type.Null()], {
      description: 'Single-use link where the person sets their password (only when created without one). Shown once.',
    }),
  },
  {
    examples: [
      {
        id: 'usr_3kTMd9zQ0m1xYbq8Wv2c1A',
        email: 'ana@example.com',
        name: 'Ana Wijaya',
        instance_admin: false,
        two_factor_enabled: false,
        created_at: '2026-12-02T03:00:00.000Z',
        invitation_url: 'http://localhost:3000/dashboard/invitation?token=Qm9vdHN0cmFwIHdpdGhvdXQgYSBiYWNrZG9vciEhISE',
      },
    ],
  },
);

export const MemberBody = Type.Object(
  {
    user_id: Type.Optional(Type.String({ pattern: '^usr_[A-Za-z0-9_-]{1,64}$', errorMessage: 'must be a user id (usr_…)' })),
    email: Type.Optional(Email),
    role: RoleSchema,
  },
  { additionalProperties: false, minProperties: 2, examples: [{ email: 'ana@example.com', role: 'admin' }] },
);
export type MemberBody = Static<typeof MemberBody>;

export const MemberResponse = Type.Object(
  {
    project_id: Type.String(),
    user_id: Type.String(),
    role: RoleSchema,
    created_at: Type.String({ format: 'date-time' }),
    updated_at: Type.String({ format: 'date-time' }),
  },
  {
    examples: [
      {
        project_id: 'prj_3kTMd9zQ0m1xYbq8Wv2c1A',
        user_id: 'usr_3kTMd9zQ0m1xYbq8Wv2c1A',
        role: 'admin',
        created_at: '2026-12-02T03:00:00.000Z',
        updated_at: '2026-12-02T03:00:00.000Z',
      },
    ],
  },
);
