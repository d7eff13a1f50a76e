import { Type, type Static } from '@sinclair/typebox';
import { StringEnum } from '../../lib/schema.ts';
import { ThemeConfigSchema } from '../../theme/schema.ts';

export function RedirectUri(description?: string) {
  return Type.String({
    format: 'uri',
    maxLength: 2000,
    pattern: '^https?://[^/?#\\s]+[^#]*$',
    errorMessage: 'must be an absolute http(s) URL without a fragment',
    examples: ['https://myapp.com/dashboard'],
    ...(description && { description }),
  });
}

const RedirectUris = Type.Array(RedirectUri(), {
  maxItems: 20,
  uniqueItems: true,
  description: 'The only URLs the portal will send users back to (an OAuth-style allowlist).',
});

const ProjectName = Type.String({ minLength: 1, maxLength: 100, examples: ['Acme Notes'] });
const Currency = StringEnum(['IDR'] as const, { description: 'Midtrans settles in IDR; the only supported currency.' });
const Locale = StringEnum(['en', 'id'] as const, { description: 'English or Bahasa Indonesia' });
const GraceDays = Type.Integer({ minimum: 0, maximum: 60, description: 'Days a renewal may stay unpaid before the subscription ends.' });

export const CreateProjectBody = Type.Object(
  {
    name: ProjectName,
    redirect_uris: RedirectUris,
    currency: Type.Optional(Currency),
    default_locale: Type.Optional(Locale),
    theme_config: Type.Optional(ThemeConfigSchema),
    grace_period_days: Type.Optional(GraceDays),
    development_mode: Type.Optional(
      Type.Boolean({ description: 'Allows webhooks to private addresses; for local integrations only.' }),
    ),
  },
  {
    additionalProperties: false,
    examples: [
      {
        name: 'Acme Notes',
        redirect_uris: ['https://myapp.com/dashboard'],
        theme_config: { colors: { primary: '#4f46e5' }, font_family: 'system', border_radius: 8, mode: 'light' },
      },
    ],
  },
);
export type CreateProjectBody = Static<typeof CreateProjectBody>;

export const UpdateProjectBody = Type.Object(
  {
    name: Type.Optional(ProjectName),
    redirect_uris: Type.Optional(RedirectUris),
    default_locale: Type.Optional(Locale),
    theme_config: Type.Optional(ThemeConfigSchema),
    grace_period_days: Type.Optional(GraceDays),
    development_mode: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1, examples: [{ redirect_uris: ['https://myapp.com/dashboard', 'http://localhost:5173/billing'] }] },
);
export type UpdateProjectBody = Static<typeof UpdateProjectBody>;

export const ProjectParams = Type.Object(
  { id: Type.String({ pattern: '^prj_[A-Za-z0-9_-]{1,64}$', errorMessage: 'must be a project id (prj_…)' }) },
  { additionalProperties: false },
);

export const ProjectResponse = Type.Object(
  {
    id: Type.String({ examples: ['prj_3kTMd9zQ0m1xYbq8Wv2c1A'] }),
    name: Type.String(),
    client_id: Type.String({ examples: ['cli_Xs8d0PqW2r9LmZ1bVt7u3g'] }),
    redirect_uris: Type.Array(Type.String()),
    theme_config: ThemeConfigSchema,
    currency: Type.String(),
    default_locale: Type.String(),
    grace_period_days: Type.Integer(),
    development_mode: Type.Boolean(),
    created_at: Type.String({ format: 'date-time' }),
    updated_at: Type.String({ format: 'date-time' }),
    warnings: Type.Optional(
      Type.Array(Type.String(), {
        description:
          'In answers to creating or updating a project, present only when theme_config has colours below WCAG AA contrast: each names the colour and the readable one the portal shows instead.',
      }),
    ),
  },
  { $id: 'Project', examples: [projectExample()] },
);

function projectExample() {
  return {
    id: 'prj_3kTMd9zQ0m1xYbq8Wv2c1A',
    name: 'Acme Notes',
    client_id: 'cli_Xs8d0PqW2r9LmZ1bVt7u3g',
    redirect_uris: ['https://myapp.com/dashboard'],
    theme_config: { colors: { primary: '#4f46e5' }, font_family: 'system', border_radius: 8, mode: 'light' },
    currency: 'IDR',
    default_locale: 'en',
    grace_period_days: 3,
    development_mode: false,
    created_at: '2026-11-24T01:00:00.000Z',
    updated_at: '2026-11-24T01:00:00.000Z',
  };
}
export type ProjectResponse = Static<typeof ProjectResponse>;

export const ProjectWithSecretResponse = Type.Composite(
  [
    Type.Omit(ProjectResponse, []),
    Type.Object({
      client_secret: Type.String({ description: 'Shown this once; Langgan keeps only its SHA-256 hash.' }),
    }),
  ],
  { examples: [{ ...projectExample(), client_secret: 'lgs_q0V8hH2Zr6c1Jm9XwTt3bPnA5uYk7eLsD4fG8iO2aQ' }] },
);

export const ProjectListResponse = Type.Object({ data: Type.Array(Type.Ref('Project')) }, { examples: [{ data: [projectExample()] }] });
