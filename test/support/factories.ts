import { expect } from 'vitest';
import { http } from './http.ts';

export interface TestProject {
  id: string;
  clientId: string;
  clientSecret: string;
  creds: { clientId: string; clientSecret: string };
  plans: Record<string, { id: string; code: string; price: number }>;
}

let counter = 0;

/**
 * Creates a project through the admin API, with Free (default), Pro and Business
 * monthly plans unless `plans` says otherwise.
 */
export async function createProject(
  base: string,
  options: {
    name?: string;
    redirectUris?: string[];
    plans?: Array<{ code: string; name?: string; price: number; interval?: 'month' | 'year'; is_default?: boolean }>;
    theme?: Record<string, unknown>;
  } = {},
): Promise<TestProject> {
  counter += 1;
  const created = await http(base, 'POST', '/api/admin/projects', {
    admin: true,
    body: {
      name: options.name ?? `Test project ${counter}`,
      redirect_uris: options.redirectUris ?? ['https://app.example.com/dashboard'],
      ...(options.theme && { theme_config: options.theme }),
    },
  });
  expect(created.status, created.text).toBe(201);
  const project: TestProject = {
    id: created.body.id,
    clientId: created.body.client_id,
    clientSecret: created.body.client_secret,
    creds: { clientId: created.body.client_id, clientSecret: created.body.client_secret },
    plans: {},
  };
  const plans = options.plans ?? [
    { code: 'free', name: 'Free', price: 0, is_default: true },
    { code: 'pro', name: 'Pro', price: 150_000 },
    { code: 'business', name: 'Business', price: 450_000 },
  ];
  for (const [i, plan] of plans.entries()) {
    const res = await http(base, 'POST', `/api/admin/projects/${project.id}/plans`, {
      admin: true,
      body: { name: plan.code, interval: 'month', sort_order: i, ...plan },
    });
    expect(res.status, res.text).toBe(201);
    project.plans[plan.code] = { id: res.body.id, code: plan.code, price: plan.price };
  }
  return project;
}

/** The seed's call, verbatim shape. */
export function createSession(base: string, project: TestProject, endUserId: string, extra: Record<string, unknown> = {}) {
  return http(base, 'POST', '/api/platform/portal/sessions', {
    body: { client_id: project.clientId, client_secret: project.clientSecret, end_user_id: endUserId, ...extra },
  });
}
