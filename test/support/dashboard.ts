import { expect } from 'vitest';
import { formFields, PortalClient } from '../portal/support/portal-client.ts';
import type { TestApp } from './app.ts';
import { http } from './http.ts';

/** Dashboard people for HTTP-level tests: accounts made through the admin API, signed in as a browser would. */

export const DASHBOARD_PASSWORD = 'correct horse battery staple';

/** Creates `email` (optionally an instance admin) and, with `projectId`, makes them a member as `role`. */
export async function addPerson(t: TestApp, email: string, options: { projectId?: string; role?: string; instanceAdmin?: boolean } = {}): Promise<string> {
  const res = await http(t.url, 'POST', '/api/admin/users', {
    admin: true,
    body: { email, name: email.split('@')[0], password: DASHBOARD_PASSWORD, ...(options.instanceAdmin && { instance_admin: true }) },
  });
  expect(res.status, res.text).toBe(201);
  if (options.projectId) {
    const member = await http(t.url, 'POST', `/api/admin/projects/${options.projectId}/members`, { admin: true, body: { email, role: options.role } });
    expect(member.status, member.text).toBe(200);
  }
  return res.body.id;
}

export async function signIn(t: TestApp, email: string): Promise<PortalClient> {
  const c = new PortalClient(t.url, t.deps.config.publicUrl);
  const res = await c.post('/dashboard/login', { email, password: DASHBOARD_PASSWORD, next: '/dashboard' });
  expect(res.status, res.text).toBe(303);
  return c;
}

/** A form on a page, posted as the page would (its hidden csrf and action_id, plus `fields`). */
export async function submit(c: PortalClient, page: string, action: string, fields: Record<string, string | readonly string[]> = {}) {
  const html = (await c.get(page)).text;
  return c.post(action, { ...formFields(html, action), ...fields });
}

/** The session's valid CSRF token, as a forger with a signed-in session would have it (from the sign-out form). */
export async function csrfOf(c: PortalClient): Promise<string> {
  return formFields((await c.get('/dashboard')).text, '/dashboard/logout').csrf!;
}
