import type { Deps } from '../deps.ts';
import { sha256 } from '../lib/crypto.ts';
import { findUserByEmail } from '../modules/accounts/accounts.repository.ts';
import { setMemberRole } from '../modules/accounts/members.ts';
import { createUser } from '../modules/accounts/users.ts';
import { createPlan } from '../modules/plans/plans.service.ts';
import { createPortalSession } from '../modules/portal-sessions/portal-sessions.service.ts';
import { findProjectByClientId, rotateClientSecret } from '../modules/projects/projects.repository.ts';
import { createProject } from '../modules/projects/projects.service.ts';

export const DEMO_CLIENT_ID = 'cli_demo';
export const DEMO_END_USER_ID = 'demo-user';
export const DEMO_OWNER_EMAIL = 'demo-owner@example.com';

/** The demo project's hosted login page: /portal/login?project=acme-notes (Ana is ana@example.com). */
export const DEMO_SLUG = 'acme-notes';

export interface DemoCredentials {
  projectId: string;
  clientId: string;
  clientSecret: string;
  owner: { email: string; password: string };
}

/**
 * Development only. Seeds a demo project (Free, Pro and Business plans in IDR, one end
 * user) and its owner's dashboard account on an empty database. The client secret and the
 * owner's first password are the caller's (kept in DATA_DIR, see dev-secrets.ts), so they
 * stay the same across restarts; the database keeps only their hashes.
 */
export async function seedDemo(deps: Deps, secrets: { clientSecret: string; ownerPassword: string }): Promise<DemoCredentials> {
  const { clientSecret } = secrets;
  const owner = { email: DEMO_OWNER_EMAIL, password: secrets.ownerPassword };
  const now = deps.clock.now();
  const existing = await findProjectByClientId(deps.db, DEMO_CLIENT_ID);
  if (existing) {
    // The kept secret is normally the stored one; a changed DATA_DIR replaces it outright.
    if (!existing.client_secret_hash.equals(sha256(clientSecret))) {
      await rotateClientSecret(deps.db, existing.id, { hash: sha256(clientSecret), previousExpiresAt: null, now });
      deps.credentials.invalidate(DEMO_CLIENT_ID);
    }
    await seedOwner(deps, existing.id, owner);
    return { projectId: existing.id, clientId: DEMO_CLIENT_ID, clientSecret, owner };
  }

  const { project } = await createProject(
    deps.db,
    {
      name: 'Acme Notes (demo)',
      redirect_uris: [`${deps.config.publicUrl}/demo`],
      slug: DEMO_SLUG,
      hosted_login_enabled: true,
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
  await seedOwner(deps, project.id, owner);
  return { projectId: project.id, clientId: DEMO_CLIENT_ID, clientSecret, owner };
}

/** The demo owner's account, made once (a password changed in the dashboard is kept). */
async function seedOwner(deps: Deps, projectId: string, owner: { email: string; password: string }): Promise<void> {
  const user = (await findUserByEmail(deps.db, owner.email)) ?? (await createUser(deps, { email: owner.email, name: 'Demo Owner', password: owner.password, createdBy: null })).user;
  await setMemberRole(deps, { projectId, userId: user.id, role: 'owner', actorUserId: null });
}
