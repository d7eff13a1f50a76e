import type { Deps } from '../deps.ts';
import { randomToken, sha256 } from '../lib/crypto.ts';
import { createPlan } from '../modules/plans/plans.service.ts';
import { createPortalSession } from '../modules/portal-sessions/portal-sessions.service.ts';
import { findProjectByClientId, replaceClientSecretHash } from '../modules/projects/projects.repository.ts';
import { createProject } from '../modules/projects/projects.service.ts';

export const DEMO_CLIENT_ID = 'cli_demo';
export const DEMO_END_USER_ID = 'demo-user';

export interface DemoCredentials {
  projectId: string;
  clientId: string;
  clientSecret: string;
}

/**
 * Development only. Seeds a demo project (Free, Pro and Business plans in IDR, one end
 * user) on an empty database. Its secret is known only to this process: it is re-issued
 * at every start, because the database keeps nothing but the hash.
 */
export async function seedDemo(deps: Deps): Promise<DemoCredentials> {
  const now = deps.clock.now();
  const existing = await findProjectByClientId(deps.db, DEMO_CLIENT_ID);
  const clientSecret = `lgs_${randomToken(32)}`;
  if (existing) {
    await replaceClientSecretHash(deps.db, existing.id, sha256(clientSecret), now);
    deps.credentials.invalidate(DEMO_CLIENT_ID);
    return { projectId: existing.id, clientId: DEMO_CLIENT_ID, clientSecret };
  }

  const { project } = await createProject(
    deps.db,
    {
      name: 'Acme Notes (demo)',
      redirect_uris: [`${deps.config.publicUrl}/demo`],
      theme_config: { colors: { primary: '#4f46e5' }, font_family: 'system', border_radius: 10, mode: 'light' },
    },
    now,
  );
  // The demo project gets a fixed, recognisable client id.
  await deps.db
    .updateTable('projects')
    .set({ client_id: DEMO_CLIENT_ID, client_secret_hash: sha256(clientSecret) })
    .where('id', '=', project.id)
    .execute();

  const plans = [
    { code: 'free', name: 'Free', price: 0, features: ['Up to 3 notebooks', 'Sync on 1 device'], is_default: true },
    { code: 'pro', name: 'Pro', price: 150_000, features: ['Unlimited notebooks', 'Sync on all devices', 'Priority support'] },
    { code: 'business', name: 'Business', price: 450_000, features: ['Everything in Pro', 'Team workspaces', 'SSO', 'Audit log'] },
  ];
  for (const [index, plan] of plans.entries()) {
    await createPlan(deps.db, project.id, { ...plan, interval: 'month', sort_order: index, description: '' }, now);
  }
  // Creating a portal session is what creates an end user, exactly as an integrator would.
  const client = await deps.credentials.verify({ clientId: DEMO_CLIENT_ID, clientSecret });
  await createPortalSession(deps, client, {
    client_id: DEMO_CLIENT_ID,
    client_secret: clientSecret,
    end_user_id: DEMO_END_USER_ID,
    email: 'ana@example.com',
    name: 'Ana Demo',
  });
  return { projectId: project.id, clientId: DEMO_CLIENT_ID, clientSecret };
}
